// The health monitor wired as in the daemon: a root supervisor over "market" (a stand-in feed
// child "sim" that counts its starts), "trading" (the real storage, executor and trader with a
// scripted AI pool) and "health". The test controls what the checks see (the feed's last message
// time, the disk, the clock) and reads what an operator would: the routes, the metrics, the
// incidents in the database and the trading state. Rounds run every 20 ms of real time; the
// verdicts use the test's clock. Waits are on conditions with a deadline.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include <prometheus/registry.h>

#include "actors/health/health_actor.hpp"
#include "actors/health/health_routes.hpp"
#include "actors/llm/protocol.hpp"
#include "actors/trading/trading_tree.hpp"
#include "caf/all.hpp"
#include "core/fault.hpp"
#include "store/store.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::health_actors {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kWait = 20s;
const health::TimePoint kT0{std::chrono::seconds{1'700'000'000}};

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = kWait) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);  // polling a condition, not waiting for time to pass
  }
  return condition();
}

// (CAF 0.17 binds a function spawned without arguments through a null pointer, which UBSan
// reports; every spawned function here takes one.)
caf::behavior holding_pool(caf::event_based_actor*, std::string /*name*/) {
  return {[](llm_actors::llm_analyze_atom, const llm::DecisionInput&) {
    llm_actors::PoolReply reply;
    reply.decision.action = llm::Action::hold;
    reply.decision.confidence = 0.5;
    reply.decision.provider = "gemini";
    return reply;
  }};
}

// Wall time set by the test; steady time real (the supervisors' backoff runs on it).
struct SettableClock final : core::Clock {
  std::atomic<std::int64_t> wall_ms{
      std::chrono::duration_cast<std::chrono::milliseconds>(kT0.time_since_epoch()).count()};
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds{wall_ms.load()}};
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
  void advance(std::chrono::milliseconds d) { wall_ms += d.count(); }
};

class HealthMonitorActor : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/health-actor-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir = pattern;
    settings.data_dir = dir;
    settings.market.symbols = {"BTCUSDT"};
    settings.supervision.backoff_min = 10ms;
    settings.supervision.backoff_max = 50ms;
    settings.supervision.backoff_random_factor = 0;
    settings.supervision.max_restarts = 20;
    pool->set(system.spawn(holding_pool, std::string{"pool"}));
    last_message_ms = clock->wall_ms.load();  // fresh
    disk_available = 500;
  }

  void TearDown() override {
    core::fault::disarm_all();
    stop();
    caf::anon_send_exit(pool->get(), caf::exit_reason::kill);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  void start() {
    trading =
        trading_actors::trading_tree(settings, registry.get(), feeds, pool, {"gemini"}, clock);
    health::Thresholds thresholds;
    thresholds.disk_min_free_ratio = 0.05;
    thresholds.feed_max_age = 180s;
    thresholds.restart_cooldown = 600s;
    std::vector<std::pair<std::string, std::string>> known{{"market_data_fresh", "BTCUSDT"},
                                                           {"disk_free", ""}};
    metrics = std::make_shared<HealthMetrics>(*registry, known);
    shared = std::make_shared<HealthShared>(thresholds, clock->wall_now(), metrics);

    HealthConfig config;
    config.venue = "sim";
    config.symbols = settings.market.symbols;
    config.data_dir = dir;
    config.interval = interval;
    config.probe_timeout = 2s;
    config.shared = shared;
    config.trading = trading.shared;
    config.last_message = [this](const std::string& venue,
                                 const std::string& symbol) -> std::optional<health::TimePoint> {
      if (venue != "sim" || symbol != "BTCUSDT") return std::nullopt;
      return health::TimePoint{std::chrono::milliseconds{last_message_ms.load()}};
    };
    config.disk = [this] { return health::DiskReading{disk_available.load(), 1000, ""}; };
    config.rss = [] { return std::optional<std::uint64_t>{100u << 20}; };
    config.clock = clock;

    supervision::SupervisorSpec market;
    market.id = "market";
    market.backoff = {10ms, 50ms, 0, 60'000ms};
    market.intensity = {20, 60'000ms};
    supervision::ChildSpec sim;
    sim.id = "sim";
    sim.start = [starts = sim_starts](caf::event_based_actor& parent) {
      ++*starts;
      return parent.spawn(
          [](caf::event_based_actor*, std::string) -> caf::behavior { return {[](int) {}}; },
          std::string{"sim"});
    };
    market.children.push_back(std::move(sim));

    supervision::SupervisorSpec root;
    root.id = "root";
    root.backoff = {10ms, 50ms, 0, 60'000ms};
    root.intensity = {20, 60'000ms};
    root.children.push_back(supervision::supervisor_child(std::move(market)));
    root.children.push_back(supervision::supervisor_child(trading.spec));
    supervision::ChildSpec child;
    child.id = "health";
    child.start = [config](caf::event_based_actor& parent) {
      return spawn_health_actor(parent, config);
    };
    root.children.push_back(std::move(child));
    root_actor = supervision::spawn_supervisor(system, std::move(root));
    ASSERT_TRUE(eventually([&] {
      return *sim_starts == 1 && trading.shared->status_json().value("is_running", false) &&
             shared->health_json()["status"] != "unknown";
    }));
    routes = health_routes(shared, trading.shared);
  }

  void stop() {
    if (!root_actor) return;
    caf::scoped_actor self{system};
    self->monitor(root_actor);
    self->send_exit(root_actor, caf::exit_reason::user_shutdown);
    self->receive([](const caf::down_msg&) {});
    root_actor = caf::actor{};
  }

  net::HttpResponse get(const std::string& path, std::map<std::string, std::string> query = {}) {
    for (const auto& route : routes) {
      if (route.path != path) continue;
      net::HttpRequest request;
      request.method = "GET";
      request.path = path;
      request.query = std::move(query);
      auto answer = std::make_shared<std::promise<net::HttpResponse>>();
      route.handler(request, [answer](net::HttpResponse r) { answer->set_value(std::move(r)); });
      auto future = answer->get_future();
      EXPECT_EQ(future.wait_for(kWait), std::future_status::ready) << path;
      return future.get();
    }
    ADD_FAILURE() << "no route " << path;
    return {};
  }
  nlohmann::json get_json(const std::string& path, std::map<std::string, std::string> query = {}) {
    return nlohmann::json::parse(get(path, std::move(query)).body);
  }

  nlohmann::json incidents() { return get_json("/api/incidents")["incidents"]; }
  bool has_incident(const std::string& check, const std::string& action,
                    const std::string& outcome) {
    for (const auto& row : incidents()) {
      if (row["check"] == check && row["action"] == action && row["outcome"] == outcome) {
        return true;
      }
    }
    return false;
  }
  std::string trading_state() {
    return trading.shared->status_json()["risk"].value("trading_state", "");
  }
  std::string check_status(const std::string& name) {
    const auto health = shared->health_json();
    for (const auto& check : health["checks"]) {
      if (check["name"] == name) return check["status"];
    }
    return "absent";
  }

  fs::path dir;
  config::Settings settings;
  std::shared_ptr<SettableClock> clock = std::make_shared<SettableClock>();
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<feed::FeedCursorStore> feeds = std::make_shared<feed::FeedCursorStore>();
  std::shared_ptr<llm_actors::PoolHandle> pool = std::make_shared<llm_actors::PoolHandle>();
  std::shared_ptr<std::atomic<int>> sim_starts = std::make_shared<std::atomic<int>>(0);
  std::atomic<std::int64_t> last_message_ms{0};
  std::atomic<std::uint64_t> disk_available{500};
  std::chrono::milliseconds interval{20};
  std::shared_ptr<HealthMetrics> metrics;
  std::shared_ptr<HealthShared> shared;
  std::vector<actors::HttpRoute> routes;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  trading_actors::TradingTree trading;
  caf::actor root_actor;
};

TEST_F(HealthMonitorActor, AllGoodIsReadyAndListsEveryCheck) {
  start();
  ASSERT_TRUE(eventually([&] { return get("/readyz").status == 200; })) << get("/readyz").body;
  const auto health = get_json("/api/health");
  EXPECT_EQ(health["status"], "ok") << health;
  std::set<std::string> names;
  for (const auto& check : health["checks"]) {
    names.insert(check["name"].get<std::string>());
    for (const char* key : {"name", "value", "threshold", "status", "detail", "last_checked"}) {
      EXPECT_TRUE(check.contains(key)) << key << " in " << check;
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"venue_connected", "market_data_fresh", "disk_free",
                                          "memory_rss", "storage_writable"}));
  EXPECT_EQ(metrics->status("storage_writable", ""), 1.0);
  EXPECT_EQ(metrics->status("disk_free", ""), 1.0);
  EXPECT_TRUE(incidents().empty());
  EXPECT_EQ(get("/api/incidents", {{"limit", "0"}}).status, 400);
  EXPECT_EQ(get("/api/incidents", {{"limit", "x"}}).status, 400);
  EXPECT_EQ(*sim_starts, 1);
}

// The first round usually runs before the storage actor is up: the monitor does not make the
// daemon wait a whole interval to be ready.
TEST_F(HealthMonitorActor, ReadyWithinSecondsOfTheStartWithAnHourlyInterval) {
  interval = std::chrono::hours{1};
  start();
  ASSERT_TRUE(eventually([&] { return get("/readyz").status == 200; }, 10s)) << get("/readyz").body;
  EXPECT_EQ(check_status("storage_writable"), "ok");
}

TEST_F(HealthMonitorActor, AStaleFeedRestartsItsChildOncePerCooldownAndRecordsIt) {
  start();
  clock->advance(400s);  // the last message is now 400 s old (maximum 180 s)
  ASSERT_TRUE(eventually([&] { return *sim_starts == 2; })) << shared->health_json();
  ASSERT_TRUE(eventually([&] {
    return has_incident("market_data_fresh", "restart_child", "applied");
  })) << incidents();
  EXPECT_EQ(metrics->incidents("market_data_fresh", health::Action::restart_child), 1.0);
  const auto readyz = get("/readyz");
  EXPECT_EQ(readyz.status, 503);
  EXPECT_NE(readyz.body.find("market_data_fresh/BTCUSDT"), std::string::npos) << readyz.body;
  EXPECT_EQ(get_json("/api/health")["status"], "failing");

  // Later rounds inside the cooldown hold the restart back and count it.
  ASSERT_TRUE(eventually([&] { return metrics->suppressed("market_data_fresh") >= 3; }));
  EXPECT_EQ(*sim_starts, 2);

  // Data flows again: the recovery is recorded.
  last_message_ms = clock->wall_ms.load();
  ASSERT_TRUE(eventually([&] { return has_incident("market_data_fresh", "none", "recovered"); }))
      << incidents();
  ASSERT_TRUE(eventually([&] { return get("/readyz").status == 200; }));

  // Stale again after the cooldown: one more restart.
  clock->advance(601s);
  ASSERT_TRUE(eventually([&] { return *sim_starts == 3; }));
}

TEST_F(HealthMonitorActor, AStorageProbeThatFailsHaltsTrading) {
  start();
  ASSERT_EQ(trading_state(), "ACTIVE");
  core::fault::arm("storage.probe", {core::fault::Action::throw_error, "disk says no", 0});
  ASSERT_TRUE(eventually([&] { return trading_state() == "HALTED"; }));
  EXPECT_NE(trading.shared->status_json()["risk"]["halt_message"].get<std::string>().find(
                "storage_writable"),
            std::string::npos);
  ASSERT_TRUE(eventually([&] {
    return has_incident("storage_writable", "risk_halted", "applied");
  })) << incidents();
  EXPECT_EQ(check_status("storage_writable"), "failing");
  EXPECT_EQ(metrics->status("storage_writable", ""), 0.0);
  const auto readyz = get_json("/readyz");
  EXPECT_FALSE(readyz["ready"].get<bool>());
  EXPECT_GE(readyz["reasons"].size(), 2u) << readyz;  // the probe, and HALTED

  // The probe passes again: recorded, but the halt stays for the operator to lift.
  core::fault::disarm_all();
  ASSERT_TRUE(eventually([&] {
    return has_incident("storage_writable", "risk_active", "recovered");
  })) << incidents();
  EXPECT_EQ(trading_state(), "HALTED");
  EXPECT_EQ(get("/readyz").status, 503);
}

TEST_F(HealthMonitorActor, LowDiskReducesThenHaltsAndRecoveryLiftsReducing) {
  start();
  disk_available = 80;  // 8% free: below 2 x 5%
  ASSERT_TRUE(eventually([&] { return trading_state() == "REDUCING"; }));
  ASSERT_TRUE(eventually([&] { return has_incident("disk_free", "risk_reducing", "applied"); }));
  EXPECT_EQ(metrics->status("disk_free", ""), 0.0);
  EXPECT_EQ(get("/readyz").status, 200);  // reducing may still trade (exits)
  disk_available = 500;
  ASSERT_TRUE(eventually([&] { return trading_state() == "ACTIVE"; }));
  ASSERT_TRUE(eventually([&] { return has_incident("disk_free", "risk_active", "recovered"); }));
  disk_available = 20;  // 2%: below 5%
  ASSERT_TRUE(eventually([&] { return trading_state() == "HALTED"; }));
  ASSERT_TRUE(eventually([&] { return has_incident("disk_free", "risk_halted", "applied"); }));
}

}  // namespace
}  // namespace autotrader::health_actors
