// Each check's verdict as a table: input, expected status, value, action.
#include "health/checks.hpp"

#include <gtest/gtest.h>

namespace autotrader::health {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0{std::chrono::seconds{1'700'000'000}};

struct FreshCase {
  const char* name;
  std::optional<std::chrono::milliseconds> last_message_ago;  // nullopt: none yet
  std::chrono::milliseconds since_start;
  Status status;
  double value;
  Action action;
};

TEST(HealthChecks, MarketDataFreshTable) {
  const FreshCase cases[] = {
      {"fresh", 10s, 600s, Status::ok, 10, Action::none},
      {"at the limit", 180s, 600s, Status::ok, 180, Action::none},
      {"past the limit", 181s, 600s, Status::failing, 181, Action::restart_child},
      {"waiting for the first", std::nullopt, 100s, Status::warn, 100, Action::none},
      {"never came", std::nullopt, 181s, Status::failing, 181, Action::restart_child},
      {"clock behind the message", -5s, 600s, Status::ok, 0, Action::none},
  };
  for (const auto& c : cases) {
    const auto now = kT0 + c.since_start;
    std::optional<TimePoint> last;
    if (c.last_message_ago) last = now - *c.last_message_ago;
    const auto r = market_data_fresh("sim", "BTCUSDT", last, now, kT0, 180s);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_DOUBLE_EQ(r.value, c.value) << c.name;
    EXPECT_EQ(r.action, c.action) << c.name;
    EXPECT_EQ(r.threshold, 180.0) << c.name;
    EXPECT_EQ(r.check, "market_data_fresh");
    EXPECT_EQ(r.subject, "BTCUSDT");
    if (c.action == Action::restart_child) {
      EXPECT_EQ(r.target, "market/sim") << c.name;
    }
  }
}

struct DiskCase {
  std::uint64_t available;
  std::uint64_t total;
  std::string error;
  Status status;
  Action action;
};

TEST(HealthChecks, DiskFreeTableAtFivePercent) {
  const DiskCase cases[] = {
      {500, 1000, "", Status::ok, Action::none},
      {100, 1000, "", Status::ok, Action::none},  // exactly 2 x min
      {99, 1000, "", Status::warn, Action::risk_reducing},
      {50, 1000, "", Status::warn, Action::risk_reducing},  // exactly min
      {49, 1000, "", Status::failing, Action::risk_halted},
      {0, 1000, "", Status::failing, Action::risk_halted},
      {0, 0, "", Status::failing, Action::none},  // no size: unknown, no action
      {0, 0, "statvfs data: No such file or directory", Status::failing, Action::none},
  };
  for (const auto& c : cases) {
    const auto r = disk_free({c.available, c.total, c.error}, 0.05);
    EXPECT_EQ(r.status, c.status) << c.available << "/" << c.total;
    EXPECT_EQ(r.action, c.action) << c.available << "/" << c.total;
    EXPECT_EQ(r.threshold, 0.05);
    EXPECT_TRUE(r.critical);
    if (c.total > 0) {
      EXPECT_DOUBLE_EQ(r.value, static_cast<double>(c.available) / c.total);
    }
    if (!c.error.empty()) {
      EXPECT_EQ(r.detail, c.error);
    }
  }
}

TEST(HealthChecks, MemoryRssTable) {
  struct Case {
    std::optional<std::uint64_t> rss;
    std::uint64_t max;
    Status status;
    bool has_threshold;
  } cases[] = {
      {100u << 20, 0, Status::ok, false},          // switched off
      {100u << 20, 200u << 20, Status::ok, true},  // under
      {200u << 20, 200u << 20, Status::ok, true},  // at
      {201u << 20, 200u << 20, Status::failing, true},
      {std::nullopt, 0, Status::ok, false},
      {std::nullopt, 200u << 20, Status::failing, true},
  };
  for (const auto& c : cases) {
    const auto r = memory_rss(c.rss, c.max);
    EXPECT_EQ(r.status, c.status) << r.detail;
    EXPECT_EQ(r.threshold.has_value(), c.has_threshold);
    EXPECT_EQ(r.action, Action::none);  // it alerts, it does not act
    EXPECT_FALSE(r.critical);
  }
}

TEST(HealthChecks, StorageWritableTable) {
  const auto ok = storage_writable({true, true, ""});
  EXPECT_EQ(ok.status, Status::ok);
  EXPECT_EQ(ok.value, 1);
  EXPECT_EQ(ok.action, Action::none);
  const auto failed = storage_writable({true, false, "store: probe write: disk I/O error"});
  EXPECT_EQ(failed.status, Status::failing);
  EXPECT_EQ(failed.action, Action::risk_halted);
  EXPECT_EQ(failed.detail, "store: probe write: disk I/O error");
  const auto silent = storage_writable({false, false, "request_timeout"});
  EXPECT_EQ(silent.status, Status::failing);
  EXPECT_EQ(silent.value, 0);
  EXPECT_EQ(silent.action, Action::risk_halted);
  EXPECT_NE(silent.detail.find("did not answer"), std::string::npos);
  const auto restarting = storage_writable({false, false, "", true});
  EXPECT_EQ(restarting.status, Status::warn);
  EXPECT_EQ(restarting.action, Action::none);
}

TEST(HealthChecks, VenueConnectedTable) {
  EXPECT_EQ(venue_connected("sim", std::nullopt).status, Status::ok);
  EXPECT_EQ(venue_connected("sim", false).status, Status::ok);
  EXPECT_EQ(venue_connected("binance", true).status, Status::ok);
  const auto down = venue_connected("binance", false, "no symbol fresh");
  EXPECT_EQ(down.status, Status::failing);
  EXPECT_EQ(down.value, 0);
  EXPECT_EQ(down.action, Action::restart_child);
  EXPECT_EQ(down.target, "market/binance");
  EXPECT_EQ(down.detail, "no symbol fresh");
  // Unknown, e.g. at start before the first message: a warning that restarts nothing.
  const auto unknown = venue_connected("binance", std::nullopt, "waiting for the first message");
  EXPECT_EQ(unknown.status, Status::warn);
  EXPECT_EQ(unknown.action, Action::none);
}

TEST(HealthChecks, ProvidersUsableOnlyFailForReasonsAPersonFixes) {
  const auto status = nlohmann::json::parse(R"({"services":[
    {"name":"gemini","kind":"gemini","status":"ACTIVE","reason":null},
    {"name":"openai","kind":"openai","status":"OPEN","reason":"consecutive_failures"},
    {"name":"anthropic","kind":"anthropic","status":"OPEN","reason":"auth"},
    {"name":"together","kind":"together","status":"OPEN","reason":"quota"},
    {"name":"local","kind":"local","status":"DISABLED","reason":"no_api_key"},
    {"name":"x","kind":"openai","status":"HALF_OPEN","reason":"probe_failed"},
    {"name":"y","kind":"openai","status":"OPEN","reason":"bad_request"},
    {"name":"technical","kind":"technical","status":"ACTIVE","reason":null},
    "garbage", {"status":"OPEN"}]})");
  const auto results = providers_usable(status);
  ASSERT_EQ(results.size(), 6u);
  const std::pair<const char*, Status> expected[] = {
      {"gemini", Status::ok},        {"openai", Status::ok}, {"anthropic", Status::failing},
      {"together", Status::failing}, {"x", Status::ok},      {"y", Status::failing}};
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].subject, expected[i].first);
    EXPECT_EQ(results[i].status, expected[i].second) << results[i].subject;
    EXPECT_EQ(results[i].action, Action::none);
    EXPECT_FALSE(results[i].critical);
  }
  EXPECT_TRUE(providers_usable(nlohmann::json::array()).empty());
}

TEST(HealthChecks, AProviderOutAfterTimeoutsOrBrokenConnectionsIsRestarted) {
  const auto status = nlohmann::json::parse(R"({"services":[
    {"name":"gemini","kind":"gemini","status":"OPEN","reason":"consecutive_failures",
     "last_error":{"kind":"timeout","http_status":0,"message":"first byte"}},
    {"name":"openai","kind":"openai","status":"HALF_OPEN","reason":"probe_failed",
     "last_error":{"kind":"connection","http_status":0,"message":"refused"}},
    {"name":"anthropic","kind":"anthropic","status":"OPEN","reason":"failure_rate",
     "last_error":{"kind":"schema_violation","http_status":200,"message":"x"}},
    {"name":"together","kind":"together","status":"ACTIVE","reason":null,
     "last_error":{"kind":"timeout","http_status":0,"message":"recovered since"}},
    {"name":"local","kind":"local","status":"OPEN","reason":"auth",
     "last_error":{"kind":"connection","http_status":0,"message":"x"}}]})");
  const auto results = providers_usable(status);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].status, Status::warn);
  EXPECT_EQ(results[0].action, Action::restart_child);
  EXPECT_EQ(results[0].target, "llm/gemini");
  EXPECT_EQ(results[1].action, Action::restart_child);
  EXPECT_EQ(results[1].target, "llm/openai");
  EXPECT_EQ(results[2].action, Action::none);  // the model's answers, not the connection
  EXPECT_EQ(results[2].status, Status::ok);
  EXPECT_EQ(results[3].action, Action::none);     // closed again
  EXPECT_EQ(results[4].status, Status::failing);  // a restart does not cure a bad key
  EXPECT_EQ(results[4].action, Action::none);
  EXPECT_TRUE(providers_usable(nlohmann::json{{"services", 3}}).empty());
}

TEST(HealthChecks, ParsesStatm) {
  EXPECT_EQ(parse_statm_rss("12345 678 90 1 0 500 0\n", 4096), 678u * 4096);
  EXPECT_EQ(parse_statm_rss("  1   2 3", 4096), 2u * 4096);
  EXPECT_EQ(parse_statm_rss("", 4096), std::nullopt);
  EXPECT_EQ(parse_statm_rss("12345", 4096), std::nullopt);
  EXPECT_EQ(parse_statm_rss("a b c", 4096), std::nullopt);
  EXPECT_EQ(parse_statm_rss("1 18446744073709551615", 4096), std::nullopt);
}

}  // namespace
}  // namespace autotrader::health
