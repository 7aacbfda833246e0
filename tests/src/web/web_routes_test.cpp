// The dashboard's routes called as the HTTP server calls them: the embedded files with their
// types and caching headers, and GET /api/live-stats and /api/performance-chart answered by a
// real storage actor over a real database (temporary directory, ManualClock).
#include "web/web_routes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <regex>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/trading/protocol.hpp"
#include "actors/trading/storage_actor.hpp"
#include "actors/trading/trading_shared.hpp"
#include "store/store.hpp"
#include "store/timestamp.hpp"
#include "tests/support/process.hpp"

namespace autotrader::web {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

// Long enough for any machine; only a failing test waits this long.
constexpr auto kWait = 20s;

const actors::HttpRoute& route(const std::vector<actors::HttpRoute>& routes,
                               const std::string& path) {
  for (const auto& r : routes) {
    if (r.path == path) return r;
  }
  throw std::runtime_error("no route " + path);
}

std::string header(const net::HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

// Calls a handler and waits for its answer (which may come from another thread).
net::HttpResponse call(const actors::HttpRoute& r, net::HttpRequest request = {}) {
  request.method = "GET";
  request.path = r.path;
  auto promise = std::make_shared<std::promise<net::HttpResponse>>();
  auto future = promise->get_future();
  r.handler(request,
            [promise](net::HttpResponse response) { promise->set_value(std::move(response)); });
  if (future.wait_for(kWait) != std::future_status::ready) {
    ADD_FAILURE() << r.path << " did not answer";
    return net::HttpResponse::error(599, "no answer");
  }
  return future.get();
}

TEST(Assets, EachFileWithItsTypeAndCachingHeaders) {
  const auto routes = asset_routes();
  ASSERT_EQ(routes.size(), 3u);
  const std::map<std::string, std::string> types{
      {"/", "text/html; charset=utf-8"},
      {"/assets/app.js", "text/javascript; charset=utf-8"},
      {"/assets/style.css", "text/css; charset=utf-8"}};
  for (const auto& [path, type] : types) {
    const auto& r = route(routes, path);
    EXPECT_EQ(r.method, "GET");
    const auto response = call(r);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.content_type, type) << path;
    EXPECT_FALSE(response.body.empty()) << path;
    EXPECT_EQ(header(response, "Cache-Control"), "no-cache") << path;
    EXPECT_EQ(header(response, "X-Content-Type-Options"), "nosniff") << path;
    EXPECT_TRUE(std::regex_match(header(response, "ETag"), std::regex{"\"[0-9a-f]{16}\""})) << path;
  }
  const auto page = call(route(routes, "/"));
  EXPECT_NE(page.body.find("<script src=\"/assets/app.js\""), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/assets/style.css\""), std::string::npos);
  EXPECT_NE(header(page, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
}

TEST(Assets, ARevalidationWithTheSameETagIsNotModified) {
  const auto routes = asset_routes();
  const auto& r = route(routes, "/assets/app.js");
  const auto first = call(r);
  net::HttpRequest again;
  again.headers["if-none-match"] = header(first, "ETag");
  const auto second = call(r, again);
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
  again.headers["if-none-match"] = "\"0000000000000000\"";
  EXPECT_EQ(call(r, again).status, 200);
}

// The page works offline and never builds HTML out of data: no URL to another host, no
// HTML-injecting DOM API in the script.
TEST(Assets, NothingFromElsewhereAndNoHtmlFromData) {
  for (const auto& asset : assets()) {
    std::string body{asset.body};
    // The SVG namespace is an identifier, not a fetch.
    for (auto at = body.find("http://www.w3.org/2000/svg"); at != std::string::npos;
         at = body.find("http://www.w3.org/2000/svg")) {
      body.erase(at, 26);
    }
    EXPECT_EQ(body.find("://"), std::string::npos) << asset.path;
    EXPECT_EQ(body.find("//cdn"), std::string::npos) << asset.path;
    EXPECT_EQ(body.find("@import"), std::string::npos) << asset.path;
  }
  const std::string script{assets().at(1).body};
  for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                           "eval(", "new Function"}) {
    EXPECT_EQ(script.find(sink), std::string::npos) << sink;
  }
}

// A storage actor over a temporary database, the clock at 2026-11-21T10:00:00Z.
class DashboardApi : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_);
    shared_ = std::make_shared<trading_actors::TradingShared>(true, "sim", "paper", nullptr);
  }
  void TearDown() override {
    if (auto storage = shared_->storage.get()) {
      caf::anon_send_exit(storage, caf::exit_reason::user_shutdown);
    }
    system_.await_all_actors_done();
    fs::remove_all(dir_);
  }

  store::StoreOptions store_options() const {
    store::StoreOptions o;
    o.data_dir = dir_ / "data";
    return o;
  }

  void start_storage() {
    trading_actors::StorageConfig config;
    config.store = store_options();
    config.audit.directory = dir_ / "data" / "logs";
    config.shared = shared_;
    config.clock = clock_;
    // The parent takes an argument: CAF 0.17 binds a function spawned without any through a
    // null pointer, which UBSan reports.
    system_.spawn(
        [](caf::event_based_actor* self, trading_actors::StorageConfig config) {
          trading_actors::spawn_storage_actor(*self, std::move(config));
          return caf::behavior{[](caf::unit_t) {}};
        },
        config);
    ASSERT_TRUE(wait_for([&] { return static_cast<bool>(shared_->storage.get()); }));
  }

  static bool wait_for(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(2ms);  // polling a condition, not waiting for time to pass
    }
    return true;
  }

  json get(const std::string& path, int expected_status,
           std::map<std::string, std::string> query = {}) {
    const auto routes = dashboard_api_routes(shared_, nullptr);
    net::HttpRequest request;
    request.query = std::move(query);
    const auto response = call(route(routes, path), request);
    EXPECT_EQ(response.status, expected_status) << path << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    return json::parse(response.body, nullptr, false);
  }

  fs::path dir_ = test::make_temp_dir("web_routes");
  std::shared_ptr<core::ManualClock> clock_ =
      std::make_shared<core::ManualClock>(*store::parse_timestamp("2026-11-21T10:00:00Z"));
  caf::actor_system_config config_;
  caf::actor_system system_{config_};
  std::shared_ptr<trading_actors::TradingShared> shared_;
};

TEST_F(DashboardApi, ThePerformanceChartFromTheDatabaseAndTheExecutorsSamples) {
  {
    auto db = store::Store::open(store_options());
    ASSERT_TRUE(db) << db.error().message;
    store::EquityRow old;
    old.date = "2026-10-01";  // outside 30 days
    old.equity = 9'000;
    old.updated_at = clock_->wall_now();
    ASSERT_EQ((*db)->upsert_equity(old), std::nullopt);
    store::EquityRow yesterday = old;
    yesterday.date = "2026-11-20";
    yesterday.equity = 10'010;
    ASSERT_EQ((*db)->upsert_equity(yesterday), std::nullopt);
    store::DailyPerformanceRow today;
    today.date = "2026-11-21";
    today.total_trades = 3;
    today.win_rate = 2.0 / 3;
    today.total_pnl = 15.5;
    ASSERT_EQ((*db)->upsert_daily_performance(today), std::nullopt);
  }
  start_storage();
  // The executor's sample becomes today's equity point.
  caf::anon_send(shared_->storage.get(), trading_actors::store_equity_atom::value,
                 trading_actors::EquitySample{10'025.5, 9'000});
  json chart;
  ASSERT_TRUE(wait_for([&] {
    chart = get("/api/performance-chart", 200);
    return chart.is_array() && chart.size() == 2 && chart[1]["equity"].is_number();
  })) << chart.dump();
  EXPECT_EQ(
      chart[0],
      (json{{"date", "2026-11-20"}, {"equity", 10'010.0}, {"daily_pnl", 0.0}, {"trades", 0}}));
  EXPECT_EQ(
      chart[1],
      (json{{"date", "2026-11-21"}, {"equity", 10'025.5}, {"daily_pnl", 15.5}, {"trades", 3}}));
  // days=1 is today only; days=60 reaches the October row.
  EXPECT_EQ(get("/api/performance-chart", 200, {{"days", "1"}}).size(), 1u);
  EXPECT_EQ(get("/api/performance-chart", 200, {{"days", "60"}}).size(), 3u);
  for (const char* bad : {"0", "366", "x", ""}) {
    const auto error = get("/api/performance-chart", 400, {{"days", bad}});
    EXPECT_TRUE(error.contains("error")) << bad;
  }

  shared_->publish_trader({{"trades_executed", 3}}, json::array(),
                          {{"trading_state", "ACTIVE"}, {"daily_pnl", 25.5}}, true);
  shared_->publish_account(
      {{"equity", "10025.5"}, {"cash", "9000"}, {"positions", json::array({json::object()})}});
  const auto stats = get("/api/live-stats", 200);
  EXPECT_EQ(stats["current_positions"], 1);
  EXPECT_EQ(stats["today_pnl"], 25.5);
  EXPECT_EQ(stats["realized_pnl_today"], 15.5);
  EXPECT_NEAR(stats["win_rate"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_EQ(stats["trades_today"], 3);
  EXPECT_EQ(stats["system_health"], "ok");
  EXPECT_EQ(stats["system_health_source"], "trading");
  EXPECT_EQ(stats["date"], "2026-11-21");
  EXPECT_FALSE(stats.contains("storage_error"));
}

TEST_F(DashboardApi, AnEquitySampleLaterTheSameDayReplacesTheDaysPoint) {
  start_storage();
  auto storage = shared_->storage.get();
  caf::anon_send(storage, trading_actors::store_equity_atom::value,
                 trading_actors::EquitySample{10'000, 10'000});
  clock_->advance(2h);
  caf::anon_send(storage, trading_actors::store_equity_atom::value,
                 trading_actors::EquitySample{10'100, 5'000});
  json chart;
  ASSERT_TRUE(wait_for([&] {
    chart = get("/api/performance-chart", 200);
    return chart.size() == 1 && chart[0]["equity"] == 10'100.0;
  })) << chart.dump();
  // The next calendar day starts a new point.
  clock_->advance(24h);
  caf::anon_send(storage, trading_actors::store_equity_atom::value,
                 trading_actors::EquitySample{10'200, 5'000});
  ASSERT_TRUE(wait_for([&] {
    chart = get("/api/performance-chart", 200);
    return chart.size() == 2;
  })) << chart.dump();
  EXPECT_EQ(chart[1]["date"], "2026-11-22");
  EXPECT_EQ(chart[1]["equity"], 10'200.0);
}

TEST_F(DashboardApi, WithTheStorageActorDownLiveStatsStillAnswers) {
  shared_->publish_trader(json::object(), json::array(), {{"trading_state", "HALTED"}}, true);
  const auto stats = get("/api/live-stats", 200);
  EXPECT_EQ(stats["system_health"], "failing");
  EXPECT_TRUE(stats["trades_today"].is_null());
  EXPECT_TRUE(stats["win_rate"].is_null());
  EXPECT_TRUE(stats["storage_error"].is_string());
  const auto chart = get("/api/performance-chart", 503);
  EXPECT_TRUE(chart["error"].is_string());
}

}  // namespace
}  // namespace autotrader::web
