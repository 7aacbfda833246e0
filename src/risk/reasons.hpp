#pragma once
// Why the risk engine or the confidence gate refused an order. Each reason has a stable
// snake_case name, used as the `reason` label of autotrader_risk_rejections_total and in the
// audit record, and a short human message. all_reject_reasons() lists every value so the
// metrics wiring can pre-register the label set (each exports 0 before its first rejection).
//
// Names are part of the operator-facing contract: add new values, never rename one.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace autotrader::risk {

enum class RejectReason : std::uint8_t {
  // trading state
  kill_switch,     // HALTED by the kill switch; only protective exits pass
  daily_loss,      // HALTED: the day's loss reached max_daily_loss, until the next day
  max_drawdown,    // HALTED: equity fell max_drawdown below its peak
  trading_halted,  // HALTED for another cause (operator, storage failure)
  reducing_only,   // REDUCING: only exposure-reducing orders pass
  // the order itself
  invalid_order,           // non-positive price or equity, NaN, or arithmetic that cannot fit
  short_selling_disabled,  // a SELL with no long position to reduce
  no_position_to_reduce,   // a protective exit for a symbol with no position
  missing_stop_loss,
  missing_take_profit,
  stop_loss_out_of_bounds,
  take_profit_out_of_bounds,
  reward_risk_below_minimum,
  // the portfolio
  position_size_above_max,
  max_open_positions,
  max_symbol_exposure,
  insufficient_balance,
  // the market and the venue
  stale_market_data,
  order_rate_limit,
  below_min_quantity,
  below_min_notional,
  // the confidence gate (phase 4)
  confidence_below_minimum,
  too_few_factors,
};

inline constexpr std::size_t reject_reason_count = 23;

// Every reason, in declaration order.
const std::array<RejectReason, reject_reason_count>& all_reject_reasons();
// The stable snake_case name ("daily_loss").
std::string_view to_string(RejectReason reason);
// A one-line explanation for logs, the audit trail and the API.
std::string_view describe(RejectReason reason);

// One rejection: the code and a message with the numbers that caused it.
struct Rejection {
  RejectReason reason = RejectReason::invalid_order;
  std::string message;

  friend bool operator==(const Rejection& a, const Rejection& b) {
    return a.reason == b.reason && a.message == b.message;
  }
};

}  // namespace autotrader::risk
