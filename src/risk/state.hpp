#pragma once
// The risk engine's durable state: the trading state and why, the trading day with its opening
// equity, the equity peak and the recent trade outcomes. The storage actor persists it as JSON
// (state_to_json / state_from_json) and the engine is rebuilt from it after a restart, so a halt,
// a drawdown peak or a day's loss survive the restart.
//
// The trading day is the calendar day at RiskOptions::day_utc_offset from UTC: a fixed offset,
// no time-zone database, so the day boundary is deterministic on every machine (README).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decimal.hpp"
#include "risk/types.hpp"

namespace autotrader::risk {

enum class TradingState : std::uint8_t {
  active,    // every rule applies
  reducing,  // only orders that reduce exposure
  halted,    // nothing new; protective exits still pass
};
std::string_view to_string(TradingState state);  // "ACTIVE", "REDUCING", "HALTED"
std::optional<TradingState> parse_trading_state(std::string_view text);

// Why HALTED. Ordered by strength: a stronger cause is never replaced by a weaker one.
enum class HaltCause : std::uint8_t {
  none,
  daily_loss,     // lifts by itself on the next trading day
  operator_halt,  // halt() from outside (operator, storage failure); resume() lifts it
  max_drawdown,   // resume() lifts it and restarts the peak from current equity
  kill_switch,    // resume() lifts it
};
std::string_view to_string(HaltCause cause);  // snake_case
std::optional<HaltCause> parse_halt_cause(std::string_view text);

// Days since 1970-01-01 of the calendar day `time` falls in at `utc_offset`.
std::int64_t trading_day(TimePoint time, std::chrono::minutes utc_offset);
// "YYYY-MM-DD" of a day number, and back (nullopt when malformed).
std::string day_to_string(std::int64_t day);
std::optional<std::int64_t> parse_day(std::string_view text);

// The trading state is derived: HALTED while a halt cause holds, else REDUCING while the
// operator asked for it, else ACTIVE. Keeping the two apart means a daily-loss halt that lifts
// at midnight returns to REDUCING if that is where the operator had put trading.
struct RiskState {
  HaltCause halt_cause = HaltCause::none;
  std::string halt_message;  // human explanation of the halt, for the API
  bool reducing = false;
  // The trading day seen last and the equity it opened with; nullopt before the first equity.
  std::optional<std::int64_t> day;
  std::optional<core::Decimal> day_start_equity;
  std::optional<core::Decimal> equity_peak;
  std::optional<core::Decimal> last_equity;
  // Oldest first, at most RiskOptions::win_rate_window: true = a winning trade.
  std::vector<bool> recent_outcomes;

  TradingState trading_state() const;

  friend bool operator==(const RiskState& a, const RiskState& b);
  friend bool operator!=(const RiskState& a, const RiskState& b) { return !(a == b); }
};

// {"trading_state":"HALTED","reducing":false,"halt_cause":"daily_loss","halt_message":"...","day":"2026-11-21",
//  "day_start_equity":"10000","equity_peak":"10250.5","last_equity":"9700",
//  "recent_outcomes":[true,false]}; money as decimal strings so nothing is lost; absent values
// are null. trading_state is written for readers; on reading it must agree with the rest.
nlohmann::json state_to_json(const RiskState& state);
// nullopt with `error` set when the document is not a state this version wrote (a wrong type,
// an unknown name, a malformed number or day). Never throws.
std::optional<RiskState> state_from_json(const nlohmann::json& json, std::string* error = nullptr);

}  // namespace autotrader::risk
