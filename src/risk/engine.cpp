#include "risk/engine.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "risk/format.hpp"
#include "risk/sizing.hpp"

namespace autotrader::risk {

namespace {

using core::Decimal;
using core::Rounding;

constexpr auto rate_window = std::chrono::minutes{1};
// Fractions and percentages come from doubles; comparing them with this slack keeps a 4% / 2%
// take-profit/stop-loss at exactly the 2.0 minimum instead of failing on the last bit.
constexpr double slack = 1e-9;
// Fractions of equity and percentages become decimals with this many digits.
constexpr int fraction_scale = 8;

void reject(RiskVerdict& verdict, RejectReason reason, std::string message) {
  verdict.rejections.push_back({reason, std::move(message)});
}

RejectReason reason_for(HaltCause cause) {
  switch (cause) {
    case HaltCause::kill_switch:
      return RejectReason::kill_switch;
    case HaltCause::daily_loss:
      return RejectReason::daily_loss;
    case HaltCause::max_drawdown:
      return RejectReason::max_drawdown;
    case HaltCause::operator_halt:
    case HaltCause::none:
      break;
  }
  return RejectReason::trading_halted;
}

std::optional<Decimal> fraction_of(const Decimal& amount, double fraction) {
  // Half-even, not down: 0.05 × 0.7 is 0.034999999999999996 as a double and means 0.035. Rounding
  // is monotone, so a fraction capped at a limit with 8 digits never rounds past it.
  const auto f = Decimal::from_double(fraction, fraction_scale, Rounding::half_even);
  if (!f) {
    return std::nullopt;
  }
  // An account's amounts may carry more digits than a notional needs (a paper fill at an
  // 8-digit price for a 5-digit quantity has 13); their product with an 8-digit fraction would
  // not fit. Amounts below 10^-8 of the quote change no order.
  const auto rounded = core::round_to_scale(amount, fraction_scale, Rounding::down);
  if (!rounded) {
    return std::nullopt;
  }
  const auto product = core::multiply(*rounded, *f);
  if (!product) {
    return std::nullopt;
  }
  // Sub-cent precision of a notional changes no order; dropping it keeps later products small.
  return core::round_to_scale(*product, fraction_scale, Rounding::down);
}

// price × (100 ± pct) / 100, rounded to the tick in `rounding`'s direction.
std::optional<Decimal> offset_price(const Decimal& price, double pct, bool above,
                                    const Decimal& tick, Rounding rounding) {
  const auto p = Decimal::from_double(pct, fraction_scale, Rounding::half_even);
  if (!p) {
    return std::nullopt;
  }
  const auto hundred = Decimal::from_integer(100);
  const auto factor = above ? core::add(hundred, *p) : core::subtract(hundred, *p);
  if (!factor) {
    return std::nullopt;
  }
  const auto scaled = core::multiply(price, *factor);
  if (!scaled) {
    return std::nullopt;
  }
  // Without a tick, keep four digits more than the price has, so a stop on a price quoted to
  // the last digit does not round back onto the price.
  const int fallback_scale = std::min(Decimal::max_scale, std::max(8, price.scale() + 4));
  return divide_to_rule(*scaled, hundred, tick, rounding, fallback_scale);
}

std::string money(const Decimal& value) {
  return value.to_string();
}

// The decision's value, else the configured one: a model that leaves a field at 0 means "none".
double or_default(const std::optional<double>& asked, double fallback) {
  return asked && *asked != 0 ? *asked : fallback;
}

}  // namespace

RiskEngine::RiskEngine(RiskOptions options, RiskState initial)
    : options_{std::move(options)}, state_{std::move(initial)} {}

void RiskEngine::raise_halt(HaltCause cause, std::string message) {
  if (cause > state_.halt_cause) {
    state_.halt_cause = cause;
    state_.halt_message = std::move(message);
  }
}

void RiskEngine::on_time(TimePoint now) {
  const std::int64_t today = trading_day(now, options_.day_utc_offset);
  if (state_.day && today <= *state_.day) {
    return;  // the same day, or a clock that stepped back: never undo a day
  }
  state_.day = today;
  state_.day_start_equity = state_.last_equity;
  if (state_.halt_cause == HaltCause::daily_loss) {
    state_.halt_cause = HaltCause::none;
    state_.halt_message.clear();
  }
}

void RiskEngine::on_equity(const Decimal& equity, TimePoint now) {
  on_time(now);
  state_.last_equity = equity;
  if (!state_.day_start_equity) {
    state_.day_start_equity = equity;
  }
  if (!state_.equity_peak || equity > *state_.equity_peak) {
    state_.equity_peak = equity;
  }
  const double current = equity.to_double();
  const double start = state_.day_start_equity->to_double();
  const double peak = state_.equity_peak->to_double();

  const double drawdown = peak > 0 ? (peak - current) / peak : 1.0;
  if (drawdown + slack >= options_.max_drawdown) {
    raise_halt(HaltCause::max_drawdown, "equity " + money(equity) + " is " +
                                            format_number(drawdown * 100) + "% below its peak " +
                                            money(*state_.equity_peak) + " (limit " +
                                            format_number(options_.max_drawdown * 100) + "%)");
  }
  const double daily_loss = start > 0 ? (start - current) / start : 1.0;
  if (daily_loss + slack >= options_.max_daily_loss) {
    raise_halt(HaltCause::daily_loss,
               "equity " + money(equity) + " is " + format_number(daily_loss * 100) +
                   "% below the day's opening " + money(*state_.day_start_equity) + " (limit " +
                   format_number(options_.max_daily_loss * 100) + "%), halted until " +
                   day_to_string(*state_.day + 1));
  }
}

void RiskEngine::on_trade_closed(const Decimal& realized_pnl) {
  state_.recent_outcomes.push_back(realized_pnl > Decimal{});
  const std::size_t keep = std::max<std::size_t>(options_.win_rate_window, 1);
  if (state_.recent_outcomes.size() > keep) {
    state_.recent_outcomes.erase(state_.recent_outcomes.begin(),
                                 state_.recent_outcomes.end() - static_cast<std::ptrdiff_t>(keep));
  }
}

void RiskEngine::kill_switch(std::string message) {
  raise_halt(HaltCause::kill_switch, std::move(message));
}

void RiskEngine::halt(std::string message) {
  raise_halt(HaltCause::operator_halt, std::move(message));
}

bool RiskEngine::resume(std::string* why_not) {
  if (state_.halt_cause == HaltCause::daily_loss) {
    if (why_not != nullptr) {
      *why_not = "the daily loss limit halts trading until the next trading day";
    }
    return false;
  }
  if (state_.halt_cause == HaltCause::max_drawdown) {
    state_.equity_peak = state_.last_equity;
  }
  state_.halt_cause = HaltCause::none;
  state_.halt_message.clear();
  return true;
}

void RiskEngine::set_reducing(bool reducing) {
  state_.reducing = reducing;
}

void RiskEngine::record_order(TimePoint now) {
  recent_orders_.push_back(now);
  while (!recent_orders_.empty() && recent_orders_.front() <= now - rate_window) {
    recent_orders_.pop_front();
  }
}

std::size_t RiskEngine::orders_in_last_minute(TimePoint now) const {
  return static_cast<std::size_t>(
      std::count_if(recent_orders_.begin(), recent_orders_.end(),
                    [&](TimePoint t) { return t > now - rate_window && t <= now; }));
}

RiskVerdict RiskEngine::validate(const OrderIntent& intent, const PortfolioView& portfolio,
                                 const SymbolRules& rules, TimePoint now) {
  on_time(now);
  RiskVerdict verdict;
  const PositionView* position = portfolio.find(intent.symbol);
  const Decimal held = position != nullptr ? position->quantity : Decimal{};
  const bool exit = (intent.side == Side::sell && held > Decimal{}) ||
                    (intent.side == Side::buy && held < Decimal{});
  verdict.reduces_exposure = exit;

  if (intent.price <= Decimal{}) {
    reject(verdict, RejectReason::invalid_order,
           "the reference price " + money(intent.price) + " is not positive");
  }
  switch (trading_state()) {
    case TradingState::halted:
      if (!(exit && intent.protective)) {
        reject(verdict, reason_for(state_.halt_cause),
               "HALTED (" + std::string{to_string(state_.halt_cause)} +
                   "): " + state_.halt_message + "; only protective exits pass");
      }
      break;
    case TradingState::reducing:
      if (!exit) {
        reject(verdict, RejectReason::reducing_only,
               "REDUCING: a " + std::string{to_string(intent.side)} + " of " + intent.symbol.str() +
                   " would not reduce exposure");
      }
      break;
    case TradingState::active:
      break;
  }
  if (intent.protective && !exit) {
    reject(verdict, RejectReason::no_position_to_reduce,
           "a protective " + std::string{to_string(intent.side)} + " for " + intent.symbol.str() +
               " with no position on the other side");
  }
  // Protection must never wait for a rate limit; other orders count against it.
  if (!intent.protective && options_.max_orders_per_minute > 0 &&
      orders_in_last_minute(now) >= options_.max_orders_per_minute) {
    reject(verdict, RejectReason::order_rate_limit,
           std::to_string(orders_in_last_minute(now)) + " orders in the last minute (limit " +
               std::to_string(options_.max_orders_per_minute) + ")");
  }
  if (exit) {
    if (verdict.rejections.empty()) {
      size_exit(intent, rules, held, verdict);
    }
  } else {
    check_entry(intent, portfolio, held, now, verdict);
    if (verdict.rejections.empty()) {
      size_entry(intent, portfolio, rules, held, verdict);
    }
  }
  verdict.approved = verdict.rejections.empty();
  if (!verdict.approved) {
    verdict.quantity = Decimal{};
    verdict.price = Decimal{};
    verdict.stop_loss_price.reset();
    verdict.take_profit_price.reset();
  }
  return verdict;
}

void RiskEngine::check_entry(const OrderIntent& intent, const PortfolioView& portfolio,
                             const Decimal& held, TimePoint now, RiskVerdict& verdict) const {
  if (intent.side == Side::sell && held.is_zero() && !options_.allow_short) {
    reject(verdict, RejectReason::short_selling_disabled,
           "no " + intent.symbol.str() + " position to sell and short selling is disabled");
  }
  if (portfolio.equity <= Decimal{}) {
    reject(verdict, RejectReason::invalid_order,
           "equity " + money(portfolio.equity) + " is not positive");
  }
  if (!intent.data_time) {
    reject(verdict, RejectReason::stale_market_data,
           "no market data for " + intent.symbol.str() + " yet");
  } else if (now - *intent.data_time > options_.max_data_age) {
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - *intent.data_time);
    reject(
        verdict, RejectReason::stale_market_data,
        intent.symbol.str() + " market data is " + std::to_string(age.count()) + " s old (limit " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::seconds>(options_.max_data_age).count()) +
            " s)");
  }

  // Protection: the decision's, else the configured default.
  const double stop = or_default(intent.stop_loss_pct, options_.stop_loss_pct);
  const double target = or_default(intent.take_profit_pct, options_.take_profit_pct);
  if (!(stop > 0)) {
    reject(verdict, RejectReason::missing_stop_loss,
           "no positive stop-loss percentage (got " + format_number(stop) + ")");
  } else if (stop + slack < options_.min_stop_loss_pct ||
             stop - slack > options_.max_stop_loss_pct) {
    reject(verdict, RejectReason::stop_loss_out_of_bounds,
           "stop-loss " + format_number(stop) + "% is outside [" +
               format_number(options_.min_stop_loss_pct) + "%, " +
               format_number(options_.max_stop_loss_pct) + "%]");
  }
  if (!(target > 0)) {
    reject(verdict, RejectReason::missing_take_profit,
           "no positive take-profit percentage (got " + format_number(target) + ")");
  } else if (target + slack < options_.min_take_profit_pct ||
             target - slack > options_.max_take_profit_pct) {
    reject(verdict, RejectReason::take_profit_out_of_bounds,
           "take-profit " + format_number(target) + "% is outside [" +
               format_number(options_.min_take_profit_pct) + "%, " +
               format_number(options_.max_take_profit_pct) + "%]");
  }
  if (stop > 0 && target > 0 && target / stop + slack < options_.min_reward_risk) {
    reject(verdict, RejectReason::reward_risk_below_minimum,
           "reward/risk " + format_number(target / stop) + " (take-profit " +
               format_number(target) + "% / stop-loss " + format_number(stop) +
               "%) is below the minimum " + format_number(options_.min_reward_risk));
  }

  const double requested = or_default(intent.position_size, options_.base_position_size);
  if (!(requested > 0) || !std::isfinite(intent.confidence)) {
    reject(verdict, RejectReason::invalid_order,
           "position size " + format_number(requested) + " or confidence " +
               format_number(intent.confidence) + " is not usable");
  } else if (requested - slack > options_.max_position_size) {
    reject(verdict, RejectReason::position_size_above_max,
           "position size " + format_number(requested * 100) + "% of equity is above the " +
               format_number(options_.max_position_size * 100) + "% maximum");
  }

  if (held.is_zero() && portfolio.open_positions() >= options_.max_open_positions) {
    reject(verdict, RejectReason::max_open_positions,
           std::to_string(portfolio.open_positions()) + " positions are open (limit " +
               std::to_string(options_.max_open_positions) + ")");
  }
}

void RiskEngine::size_entry(const OrderIntent& intent, const PortfolioView& portfolio,
                            const SymbolRules& rules, const Decimal& held,
                            RiskVerdict& verdict) const {
  const auto invalid = [&](const char* what) {
    reject(verdict, RejectReason::invalid_order, std::string{what} + " does not fit a decimal");
  };
  const bool buy = intent.side == Side::buy;
  // A buy never pays above the reference, a sell never receives below it.
  const auto price =
      round_to_rule(intent.price, rules.tick_size, buy ? Rounding::floor : Rounding::ceiling);
  if (!price || price->is_zero()) {
    reject(verdict, RejectReason::invalid_order,
           "the price " + money(intent.price) + " rounds to nothing at tick " +
               money(rules.tick_size));
    return;
  }

  // Size: the requested fraction times the multipliers, bounded by max_position_size.
  const double requested = or_default(intent.position_size, options_.base_position_size);
  verdict.size_multiplier = confidence_multiplier(intent.confidence, options_) *
                            win_rate_multiplier(state_.recent_outcomes, options_);
  const double fraction = std::min(requested * verdict.size_multiplier, options_.max_position_size);
  auto notional = fraction_of(portfolio.equity, fraction);
  const auto exposure_limit = fraction_of(portfolio.equity, options_.max_symbol_exposure);
  const PositionView* position = portfolio.find(intent.symbol);
  const Decimal mark =
      position != nullptr && position->mark_price > Decimal{} ? position->mark_price : *price;
  const auto exposure = core::multiply(core::abs(held), mark);
  if (!notional || !exposure_limit || !exposure) {
    invalid("the order's notional");
    return;
  }
  const auto headroom = core::subtract(*exposure_limit, *exposure);
  if (!headroom) {
    invalid("the symbol's exposure headroom");
    return;
  }
  if (*headroom <= Decimal{}) {
    reject(verdict, RejectReason::max_symbol_exposure,
           intent.symbol.str() + " exposure " + money(*exposure) + " is at its limit " +
               money(*exposure_limit) + " (" + format_number(options_.max_symbol_exposure * 100) +
               "% of equity)");
    return;
  }
  notional = std::min(*notional, *headroom);
  if (buy) {
    if (portfolio.cash <= Decimal{}) {
      reject(verdict, RejectReason::insufficient_balance,
             "available cash " + money(portfolio.cash) + " cannot pay for a buy");
      return;
    }
    notional = std::min(*notional, portfolio.cash);
  }

  auto quantity = divide_to_rule(*notional, *price, rules.step_size, Rounding::floor);
  if (!quantity) {
    invalid("the quantity");
    return;
  }
  if (!rules.max_qty.is_zero() && *quantity > rules.max_qty) {
    quantity = core::round_to_step(rules.max_qty, rules.step_size, Rounding::floor);
    if (!quantity) {
      invalid("the maximum quantity");
      return;
    }
  }
  if (quantity->is_zero() || (!rules.min_qty.is_zero() && *quantity < rules.min_qty)) {
    reject(verdict, RejectReason::below_min_quantity,
           "quantity " + money(*quantity) + " (step " + money(rules.step_size) +
               ") is below the minimum " + money(rules.min_qty));
    return;
  }
  const auto order_notional = core::multiply(*quantity, *price);
  if (!order_notional) {
    invalid("the order's notional");
    return;
  }
  if (*order_notional < rules.min_notional) {
    reject(verdict, RejectReason::below_min_notional,
           "notional " + money(*order_notional) + " is below the venue's minimum " +
               money(rules.min_notional));
    return;
  }

  // Protective prices: the stop rounds toward the entry (never risks more than configured), the
  // target away from it (never earns less), so the rounded reward/risk is at least the checked.
  const double stop = or_default(intent.stop_loss_pct, options_.stop_loss_pct);
  const double target = or_default(intent.take_profit_pct, options_.take_profit_pct);
  verdict.stop_loss_price =
      offset_price(*price, stop, !buy, rules.tick_size, buy ? Rounding::ceiling : Rounding::floor);
  verdict.take_profit_price =
      offset_price(*price, target, buy, rules.tick_size, buy ? Rounding::ceiling : Rounding::floor);
  if (!verdict.stop_loss_price || !verdict.take_profit_price ||
      *verdict.stop_loss_price <= Decimal{} || *verdict.take_profit_price <= Decimal{}) {
    invalid("a protective price");
    return;
  }
  // A tick that is coarse next to the price can round a stop or target onto the entry (a 0.5%
  // stop on 1.00 with a 0.01 tick): such protection protects nothing.
  const auto loss_side = [&](const Decimal& p) { return buy ? p < *price : p > *price; };
  if (!loss_side(*verdict.stop_loss_price)) {
    reject(verdict, RejectReason::stop_loss_out_of_bounds,
           "a " + format_number(stop) + "% stop-loss on " + money(*price) + " rounds to " +
               money(*verdict.stop_loss_price) + " at tick " + money(rules.tick_size));
    return;
  }
  if (loss_side(*verdict.take_profit_price) || *verdict.take_profit_price == *price) {
    reject(verdict, RejectReason::take_profit_out_of_bounds,
           "a " + format_number(target) + "% take-profit on " + money(*price) + " rounds to " +
               money(*verdict.take_profit_price) + " at tick " + money(rules.tick_size));
    return;
  }
  verdict.quantity = *quantity;
  verdict.price = *price;
}

void RiskEngine::size_exit(const OrderIntent& intent, const SymbolRules& rules, const Decimal& held,
                           RiskVerdict& verdict) const {
  const Decimal position = core::abs(held);
  Decimal wanted = intent.quantity.value_or(position);
  if (wanted <= Decimal{}) {
    reject(verdict, RejectReason::invalid_order,
           "exit quantity " + money(wanted) + " is not positive");
    return;
  }
  // An exit closes at most the position: it never flips it.
  wanted = std::min(wanted, position);
  const bool buy = intent.side == Side::buy;
  const auto price =
      round_to_rule(intent.price, rules.tick_size, buy ? Rounding::floor : Rounding::ceiling);
  auto quantity = round_to_rule(wanted, rules.step_size, Rounding::floor);
  if (!price || price->is_zero() || !quantity) {
    reject(verdict, RejectReason::invalid_order,
           "the exit's price or quantity does not round to the venue's tick and step");
    return;
  }
  if (quantity->is_zero() || (!rules.min_qty.is_zero() && *quantity < rules.min_qty)) {
    reject(verdict, RejectReason::below_min_quantity,
           "exit quantity " + money(*quantity) + " (step " + money(rules.step_size) +
               ") is below the minimum " + money(rules.min_qty));
    return;
  }
  if (!rules.max_qty.is_zero() && *quantity > rules.max_qty) {
    // The rest goes in the next order; closing part now beats refusing to close.
    quantity = core::round_to_step(rules.max_qty, rules.step_size, Rounding::floor);
  }
  const auto notional = quantity ? core::multiply(*quantity, *price) : std::nullopt;
  if (!notional) {
    reject(verdict, RejectReason::invalid_order, "the exit's notional does not fit a decimal");
    return;
  }
  if (*notional < rules.min_notional) {
    reject(verdict, RejectReason::below_min_notional,
           "exit notional " + money(*notional) + " is below the venue's minimum " +
               money(rules.min_notional));
    return;
  }
  verdict.quantity = *quantity;
  verdict.price = *price;
}

}  // namespace autotrader::risk
