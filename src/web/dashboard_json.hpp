#pragma once
// The web dashboard's two documents, as pure functions of what the daemon already keeps:
//   GET /api/live-stats          live_stats_json
//   GET /api/performance-chart   performance_chart_json
// and the one-word system health they show. No I/O and no clock: the routes (web_routes.hpp)
// gather the inputs from TradingShared, the health monitor and the storage actor.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/rows.hpp"

namespace autotrader::web {

// "ok", "degraded" or "failing", and where it came from.
struct SystemHealth {
  std::string status;
  std::string source;  // "health_monitor" or "trading"
};

// `health` is GET /api/health's document (null when there is no health monitor); `status` is
// GET /api/autonomous-status's. The monitor's overall status once it has run a round; before
// that (or without one), from the trading branch: HALTED is "failing", REDUCING or a trader that
// is not running is "degraded", anything else "ok".
SystemHealth system_health(const nlohmann::json& health, const nlohmann::json& status);

// {current_positions, today_pnl, realized_pnl_today, win_rate, trades_today, system_health,
//  system_health_source, trading_state, date}:
// - current_positions: open positions (the executor's account);
// - today_pnl: risk's daily P&L, equity now minus equity at the day's start (realized and
//   unrealized; what the daily-loss limit watches), 0 before the trader has published;
// - realized_pnl_today, trades_today, win_rate (0..1): today's daily_performance row (round
//   trips closed today, fees included), zeros when there is none yet.
nlohmann::json live_stats_json(const nlohmann::json& status,
                               const std::optional<store::DailyPerformanceRow>& today,
                               const std::string& date, const SystemHealth& health);

// [{date, equity, daily_pnl, trades}], oldest first: one entry per date that has an equity row
// or a daily_performance row. equity is null on a date with no equity row (recorded before
// migration 4); daily_pnl and trades are 0 on a date with no closed trade.
nlohmann::json performance_chart_json(const std::vector<store::EquityRow>& equity,
                                      const std::vector<store::DailyPerformanceRow>& days);

// The `days` query parameter: nullopt for anything but a whole number 1..365; absent is 30.
std::optional<int> parse_days(const std::optional<std::string>& text);

inline constexpr int kDefaultChartDays = 30;
inline constexpr int kMaxChartDays = 365;

}  // namespace autotrader::web
