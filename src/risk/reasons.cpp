#include "risk/reasons.hpp"

namespace autotrader::risk {

namespace {

struct ReasonText {
  RejectReason reason;
  std::string_view name;
  std::string_view description;
};

constexpr std::array<ReasonText, reject_reason_count> reason_texts{{
    {RejectReason::kill_switch, "kill_switch", "the kill switch is on: nothing new is traded"},
    {RejectReason::daily_loss, "daily_loss",
     "the daily loss limit was reached: trading is halted until the next day"},
    {RejectReason::max_drawdown, "max_drawdown",
     "equity fell the maximum drawdown below its peak: trading is halted"},
    {RejectReason::trading_halted, "trading_halted", "trading is halted"},
    {RejectReason::reducing_only, "reducing_only",
     "trading is REDUCING: only orders that reduce exposure are accepted"},
    {RejectReason::invalid_order, "invalid_order", "the order or the portfolio is not usable"},
    {RejectReason::short_selling_disabled, "short_selling_disabled",
     "a sell without a position to reduce would open a short"},
    {RejectReason::no_position_to_reduce, "no_position_to_reduce",
     "a protective exit for a symbol without a position"},
    {RejectReason::missing_stop_loss, "missing_stop_loss", "the entry has no stop-loss"},
    {RejectReason::missing_take_profit, "missing_take_profit", "the entry has no take-profit"},
    {RejectReason::stop_loss_out_of_bounds, "stop_loss_out_of_bounds",
     "the stop-loss distance is outside its configured bounds"},
    {RejectReason::take_profit_out_of_bounds, "take_profit_out_of_bounds",
     "the take-profit distance is outside its configured bounds"},
    {RejectReason::reward_risk_below_minimum, "reward_risk_below_minimum",
     "take-profit over stop-loss is below the minimum reward/risk"},
    {RejectReason::position_size_above_max, "position_size_above_max",
     "the requested position size is above the maximum fraction of equity"},
    {RejectReason::max_open_positions, "max_open_positions",
     "the maximum number of open positions is reached"},
    {RejectReason::max_symbol_exposure, "max_symbol_exposure",
     "the symbol's exposure is at its maximum fraction of equity"},
    {RejectReason::insufficient_balance, "insufficient_balance",
     "the available cash does not cover the order"},
    {RejectReason::stale_market_data, "stale_market_data",
     "the symbol's market data is stale: no new entry"},
    {RejectReason::order_rate_limit, "order_rate_limit",
     "the maximum number of orders per minute is reached"},
    {RejectReason::below_min_quantity, "below_min_quantity",
     "the quantity rounded to the venue's step is below its minimum"},
    {RejectReason::below_min_notional, "below_min_notional",
     "the order's notional is below the venue's minimum"},
    {RejectReason::confidence_below_minimum, "confidence_below_minimum",
     "the decision's confidence is below the minimum for a trade"},
    {RejectReason::too_few_factors, "too_few_factors",
     "the decision names fewer supporting factors than required"},
}};

constexpr bool texts_in_order() {
  for (std::size_t i = 0; i < reason_texts.size(); ++i) {
    if (static_cast<std::size_t>(reason_texts[i].reason) != i) {
      return false;
    }
  }
  return true;
}
static_assert(texts_in_order(), "reason_texts must follow the enum's order");
static_assert(static_cast<std::size_t>(RejectReason::too_few_factors) + 1 == reject_reason_count,
              "reject_reason_count must match the enum");

}  // namespace

const std::array<RejectReason, reject_reason_count>& all_reject_reasons() {
  static const auto all = [] {
    std::array<RejectReason, reject_reason_count> reasons{};
    for (std::size_t i = 0; i < reasons.size(); ++i) {
      reasons[i] = reason_texts[i].reason;
    }
    return reasons;
  }();
  return all;
}

std::string_view to_string(RejectReason reason) {
  const auto index = static_cast<std::size_t>(reason);
  return index < reason_texts.size() ? reason_texts[index].name : "unknown";
}

std::string_view describe(RejectReason reason) {
  const auto index = static_cast<std::size_t>(reason);
  return index < reason_texts.size() ? reason_texts[index].description : "unknown reason";
}

}  // namespace autotrader::risk
