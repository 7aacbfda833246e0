// The dashboard's documents as pure functions: system health from the monitor or the trading
// branch, live stats, the performance chart's merge of equity and daily P&L, the days parameter.
#include "web/dashboard_json.hpp"

#include <gtest/gtest.h>

namespace autotrader::web {
namespace {

using nlohmann::json;

json status(const std::string& state, bool running, double daily_pnl = 0, int positions = 0) {
  return {{"is_running", running},
          {"active_positions", positions},
          {"risk", {{"trading_state", state}, {"daily_pnl", daily_pnl}}}};
}

TEST(SystemHealth, TheMonitorsOverallStatusWins) {
  for (const char* word : {"ok", "degraded", "failing"}) {
    const auto health = system_health({{"status", word}}, status("ACTIVE", true));
    EXPECT_EQ(health.status, word);
    EXPECT_EQ(health.source, "health_monitor");
  }
}

TEST(SystemHealth, WithoutARoundOrAMonitorTheTradingBranchDecides) {
  struct Case {
    json health;
    std::string state;
    bool running;
    std::string expected;
  };
  const std::vector<Case> cases{
      {json{}, "ACTIVE", true, "ok"},         {json{{"status", "unknown"}}, "ACTIVE", true, "ok"},
      {json{}, "REDUCING", true, "degraded"}, {json{}, "ACTIVE", false, "degraded"},
      {json{}, "HALTED", true, "failing"},    {json{{"status", 42}}, "HALTED", false, "failing"},
  };
  for (const auto& c : cases) {
    const auto health = system_health(c.health, status(c.state, c.running));
    EXPECT_EQ(health.status, c.expected) << c.health.dump() << " " << c.state << " " << c.running;
    EXPECT_EQ(health.source, "trading");
  }
  // Before the trader has published anything: not running, so degraded, never a crash.
  EXPECT_EQ(system_health(json{}, json::object()).status, "degraded");
  EXPECT_EQ(system_health(json::array(), json("text")).status, "degraded");
}

TEST(LiveStats, TodaysRowAndTheLiveFigures) {
  store::DailyPerformanceRow today;
  today.date = "2026-11-21";
  today.total_trades = 4;
  today.win_rate = 0.75;
  today.total_pnl = 12.5;
  const auto stats = live_stats_json(status("ACTIVE", true, -3.25, 2), today, "2026-11-21",
                                     {"ok", "health_monitor"});
  EXPECT_EQ(stats["current_positions"], 2);
  EXPECT_EQ(stats["today_pnl"], -3.25);
  EXPECT_EQ(stats["realized_pnl_today"], 12.5);
  EXPECT_EQ(stats["win_rate"], 0.75);
  EXPECT_EQ(stats["trades_today"], 4);
  EXPECT_EQ(stats["system_health"], "ok");
  EXPECT_EQ(stats["system_health_source"], "health_monitor");
  EXPECT_EQ(stats["trading_state"], "ACTIVE");
  EXPECT_EQ(stats["date"], "2026-11-21");
}

TEST(LiveStats, NoRowYetIsZerosAndAnEmptyStatusIsNotACrash) {
  const auto stats =
      live_stats_json(json::object(), std::nullopt, "2026-11-21", {"degraded", "trading"});
  for (const char* key :
       {"current_positions", "today_pnl", "realized_pnl_today", "win_rate", "trades_today"}) {
    ASSERT_TRUE(stats.contains(key)) << key;
    EXPECT_EQ(stats[key], 0) << key;
  }
  EXPECT_EQ(stats["trading_state"], "UNKNOWN");
}

store::EquityRow equity(const std::string& date, double value) {
  store::EquityRow row;
  row.date = date;
  row.equity = value;
  return row;
}

store::DailyPerformanceRow day(const std::string& date, std::int64_t trades, double pnl) {
  store::DailyPerformanceRow row;
  row.date = date;
  row.total_trades = trades;
  row.total_pnl = pnl;
  return row;
}

TEST(PerformanceChart, OnePointPerDateOldestFirst) {
  const auto chart =
      performance_chart_json({equity("2026-11-20", 10'010), equity("2026-11-21", 10'025.5)},
                             {day("2026-11-19", 2, -4), day("2026-11-21", 3, 15.5)});
  ASSERT_TRUE(chart.is_array());
  ASSERT_EQ(chart.size(), 3u);
  EXPECT_EQ(
      chart[0],
      (json{{"date", "2026-11-19"}, {"equity", nullptr}, {"daily_pnl", -4.0}, {"trades", 2}}));
  EXPECT_EQ(
      chart[1],
      (json{{"date", "2026-11-20"}, {"equity", 10'010.0}, {"daily_pnl", 0.0}, {"trades", 0}}));
  EXPECT_EQ(
      chart[2],
      (json{{"date", "2026-11-21"}, {"equity", 10'025.5}, {"daily_pnl", 15.5}, {"trades", 3}}));
  EXPECT_EQ(performance_chart_json({}, {}), json::array());
}

TEST(PerformanceChart, DaysParameter) {
  EXPECT_EQ(parse_days(std::nullopt), 30);
  EXPECT_EQ(parse_days(std::string{"1"}), 1);
  EXPECT_EQ(parse_days(std::string{"365"}), 365);
  EXPECT_EQ(parse_days(std::string{"007"}), 7);
  for (const char* bad : {"", "0", "366", "-1", "1e2", "30 ", "abc", "99999999999999999999"}) {
    EXPECT_EQ(parse_days(std::string{bad}), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace autotrader::web
