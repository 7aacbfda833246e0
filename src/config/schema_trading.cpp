// The schema rows of the autonomous loop: trading (the decision loop and its confidence gate),
// risk (risk::RiskOptions), paper (the paper broker and its symbol filters), store (SQLite) and
// health (the health monitor's interval and thresholds).
// Rules that relate two keys (stop-loss within its bounds, reward/risk, ...) are checked after
// every source is applied, in the loader, because each source may set only one of the pair.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "config/schema_builders.hpp"
#include "core/decimal.hpp"

namespace autotrader::config::schema_detail {
namespace {

using core::Decimal;

// An exact decimal in a range with integer ends. A missing max is unbounded above.
struct DecimalRange {
  std::int64_t min;
  bool min_inclusive;
  std::optional<std::int64_t> max;
  bool max_inclusive;
  int max_fraction_digits = Decimal::max_scale;
};

// Never repeats the text: a misplaced secret must not end up in an error message.
std::optional<std::string> check_decimal(const json& value, const DecimalRange& range) {
  const auto number = Decimal::parse(value.get<std::string>());
  if (!number) {
    return "must be an exact decimal number such as 10 or 0.01 (digits and one '.', no exponent)";
  }
  const auto min = Decimal::from_integer(range.min);
  const bool below = range.min_inclusive ? *number < min : *number <= min;
  const bool above =
      range.max && (range.max_inclusive ? *number > Decimal::from_integer(*range.max)
                                        : *number >= Decimal::from_integer(*range.max));
  if (below || above) {
    if (!range.max) {
      return fmt::format("must be {} {}", range.min_inclusive ? "at least" : "greater than",
                         range.min);
    }
    return fmt::format("must be in {}{}, {}{}", range.min_inclusive ? "[" : "(", range.min,
                       *range.max, range.max_inclusive ? "]" : ")");
  }
  if (number->scale() > range.max_fraction_digits) {
    return fmt::format("must have at most {} fraction digits", range.max_fraction_digits);
  }
  return std::nullopt;
}

std::optional<std::string> check_positive_decimal(const json& value) {
  return check_decimal(value, {0, false, std::nullopt, false});
}

std::optional<std::string> check_non_negative_decimal(const json& value) {
  return check_decimal(value, {0, true, std::nullopt, false});
}

// The paper broker keeps basis points to 14 fraction digits (PaperBroker's validate()).
std::optional<std::string> check_fee_bps(const json& value) {
  return check_decimal(value, {0, true, 1000, false, 14});
}

std::optional<std::string> check_slippage_bps(const json& value) {
  return check_decimal(value, {0, true, 10'000, false, 14});
}

std::optional<std::string> check_fraction_decimal(const json& value) {
  return check_decimal(value, {0, false, 1, true});
}

std::optional<std::string> check_asset(const json& value) {
  const auto text = value.get<std::string>();
  const bool letters_and_digits = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
  if (text.size() < 2 || text.size() > 10 || !letters_and_digits) {
    return "must be 2 to 10 upper-case letters or digits, as USDT";
  }
  return std::nullopt;
}

void add_decision_loop_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  using T = TradingSettings;
  keys.push_back(bool_key(
      "trading.autonomous", true,
      "Lets the decision loop execute its decisions on its own. On by default: a fresh install "
      "trades on the simulated market with the paper broker, no money at stake (trading real "
      "money needs its own opt-in). false, like POST /api/autonomous-toggle, pauses execution: "
      "decisions are still computed, logged and audited, but no order is sent.",
      field<&S::trading, &T::autonomous>(), {"AUTONOMOUS_MODE"}));
  keys.push_back(with_env_aliases(
      number_key("trading.min_confidence", 0.60, closed(0), closed(1),
                 "Lowest confidence (0 to 1) at which a BUY or SELL decision is executed; below "
                 "it the decision is audited as gated (confidence_below_minimum), not executed.",
                 field<&S::trading, &T::min_confidence>()),
      {"MIN_CONFIDENCE_FOR_TRADE"}));
  keys.push_back(with_env_aliases(
      integer_key("trading.confidence_factors", 3, closed(0), closed(10),
                  "Fewest distinct supporting factors a BUY or SELL decision must name to be "
                  "executed (a repeated or blank factor counts once or not at all); 0 switches "
                  "the check off.",
                  field<&S::trading, &T::confidence_factors>()),
      {"CONFIDENCE_FACTORS"}));
  keys.push_back(
      bool_key("trading.decide_during_warm_up", false,
               "Also ask for decisions on candles that close before every indicator has its "
               "value; false skips those candles (and counts them).",
               field<&S::trading, &T::decide_during_warm_up>()));
}

void add_protection_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  using R = RiskSettings;
  keys.push_back(with_env_aliases(
      number_key("risk.stop_loss_pct", 2, closed(0), exclusive(100),
                 "Stop-loss, in percent of the entry price, for a decision that names none; "
                 "within min_stop_loss_pct and max_stop_loss_pct. 2 with a 4% take-profit is a "
                 "1:2 reward/risk; the classic 5% stop with a 3% target fails the 1:2 rule and "
                 "is refused at load. 0: no fallback, an entry without a stop-loss is refused.",
                 field<&S::risk, &R::stop_loss_pct>()),
      {"STOP_LOSS_PERCENTAGE"}));
  keys.push_back(with_env_aliases(
      number_key("risk.take_profit_pct", 4, closed(0), exclusive(100),
                 "Take-profit, in percent of the entry price, for a decision that names none; "
                 "within min_take_profit_pct and max_take_profit_pct, and at least "
                 "min_reward_risk times stop_loss_pct (4 against a 2% stop is 1:2). 0: no "
                 "fallback, an entry without a take-profit is refused.",
                 field<&S::risk, &R::take_profit_pct>()),
      {"TAKE_PROFIT_PERCENTAGE"}));
  keys.push_back(number_key(
      "risk.min_stop_loss_pct", 0.5, exclusive(0), exclusive(100),
      "Tightest stop-loss an entry may have, in percent of the entry price (tighter is noise on "
      "a 1-minute chart).",
      field<&S::risk, &R::min_stop_loss_pct>()));
  keys.push_back(number_key(
      "risk.max_stop_loss_pct", 5, exclusive(0), exclusive(100),
      "Widest stop-loss an entry may have, in percent of the entry price (wider risks too much "
      "per trade).",
      field<&S::risk, &R::max_stop_loss_pct>()));
  keys.push_back(number_key("risk.min_take_profit_pct", 1, exclusive(0), exclusive(100),
                            "Nearest take-profit an entry may have, in percent of the entry price.",
                            field<&S::risk, &R::min_take_profit_pct>()));
  keys.push_back(
      number_key("risk.max_take_profit_pct", 20, exclusive(0), exclusive(100),
                 "Farthest take-profit an entry may have, in percent of the entry price.",
                 field<&S::risk, &R::max_take_profit_pct>()));
  keys.push_back(number_key(
      "risk.min_reward_risk", 2, closed(0), closed(100),
      "Least take-profit / stop-loss ratio an entry may have: 2 is the 1:2 rule (risk 1 to make "
      "2). 0 switches the rule off.",
      field<&S::risk, &R::min_reward_risk>()));
}

void add_exposure_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  using R = RiskSettings;
  keys.push_back(number_key(
      "risk.base_position_size", 0.05, exclusive(0), closed(1),
      "Share of equity an order uses when the decision names no size (0.05 = 5%), before the "
      "confidence and win-rate multipliers; at most max_position_size.",
      field<&S::risk, &R::base_position_size>()));
  keys.push_back(with_env_aliases(
      number_key("risk.max_position_size", 0.10, exclusive(0), closed(1),
                 "Largest share of equity one order may use (0.10 = 10%). A larger request is "
                 "refused; the sizing multipliers never go past it.",
                 field<&S::risk, &R::max_position_size>()),
      {"MAX_POSITION_SIZE"}));
  keys.push_back(with_env_aliases(
      integer_key("risk.max_open_positions", 5, closed(1), closed(1000),
                  "Most symbols holding a position at once; adding to a held symbol is not a new "
                  "position.",
                  field<&S::risk, &R::max_open_positions>()),
      {"MAX_OPEN_POSITIONS"}));
  keys.push_back(number_key(
      "risk.max_symbol_exposure", 0.20, exclusive(0), closed(1),
      "Largest share of equity one symbol's position may reach (0.20 = 20%); an order is shrunk "
      "to the headroom left.",
      field<&S::risk, &R::max_symbol_exposure>()));
  keys.push_back(number_key(
      "risk.max_data_age_seconds", 120, closed(1), closed(86'400),
      "Market data older than this, in seconds, makes a symbol stale: no new entries on it "
      "(exits still work). 120 is two 1-minute candles.",
      field<&S::risk, &R::max_data_age>()));
  keys.push_back(integer_key(
      "risk.max_orders_per_minute", 10, closed(0), closed(10'000),
      "Most orders in any rolling minute; protective stop-loss and take-profit exits are exempt. "
      "0: no limit.",
      field<&S::risk, &R::max_orders_per_minute>()));
}

void add_loss_limit_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  using R = RiskSettings;
  keys.push_back(with_env_aliases(
      number_key("risk.max_daily_loss", 0.03, exclusive(0), closed(1),
                 "Loss from the trading day's opening equity, as a fraction (0.03 = 3%; open "
                 "positions count at market), at which trading is HALTED until the next day.",
                 field<&S::risk, &R::max_daily_loss>()),
      {"MAX_DAILY_LOSS"}));
  keys.push_back(with_env_aliases(
      number_key("risk.max_drawdown", 0.10, exclusive(0), closed(1),
                 "Fall from the equity peak, as a fraction (0.10 = 10%), at which trading is "
                 "HALTED until the operator resumes it.",
                 field<&S::risk, &R::max_drawdown>()),
      {"MAX_DRAWDOWN"}));
  keys.push_back(integer_key(
      "risk.day_utc_offset_minutes", 0, closed(-720), closed(840),
      "The trading day of max_daily_loss is the calendar day at this fixed offset from UTC, in "
      "minutes (-300 New York in winter, 60 Berlin in winter). Daylight saving is not followed, "
      "so the day ends at the same instant on every machine.",
      field<&S::risk, &R::day_utc_offset_minutes>()));
}

void add_sizing_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  using R = RiskSettings;
  keys.push_back(number_key("risk.high_confidence", 0.90, closed(0), closed(1),
                            "Confidence (0 to 1) above which an order's size is multiplied by "
                            "high_confidence_multiplier.",
                            field<&S::risk, &R::high_confidence>()));
  keys.push_back(number_key(
      "risk.high_confidence_multiplier", 1.5, exclusive(0), closed(10),
      "Size multiplier above high_confidence; the result is still bounded by max_position_size.",
      field<&S::risk, &R::high_confidence_multiplier>()));
  keys.push_back(number_key("risk.low_confidence", 0.75, closed(0), closed(1),
                            "Confidence (0 to 1) below which an order's size is multiplied by "
                            "low_confidence_multiplier; at most high_confidence.",
                            field<&S::risk, &R::low_confidence>()));
  keys.push_back(number_key("risk.low_confidence_multiplier", 0.7, exclusive(0), closed(10),
                            "Size multiplier below low_confidence.",
                            field<&S::risk, &R::low_confidence_multiplier>()));
  keys.push_back(integer_key("risk.win_rate_window", 20, closed(1), closed(1000),
                             "Closed trades the recent win rate is computed over.",
                             field<&S::risk, &R::win_rate_window>()));
  keys.push_back(integer_key(
      "risk.win_rate_min_trades", 10, closed(0), closed(1000),
      "Closed trades the window must hold before the win rate changes any size (two trades say "
      "nothing); at most win_rate_window.",
      field<&S::risk, &R::win_rate_min_trades>()));
  keys.push_back(number_key("risk.high_win_rate", 0.60, closed(0), closed(1),
                            "Recent win rate (0 to 1) above which an order's size is multiplied "
                            "by high_win_rate_multiplier.",
                            field<&S::risk, &R::high_win_rate>()));
  keys.push_back(number_key(
      "risk.high_win_rate_multiplier", 1.2, exclusive(0), closed(10),
      "Size multiplier above high_win_rate; the result is still bounded by max_position_size.",
      field<&S::risk, &R::high_win_rate_multiplier>()));
  keys.push_back(number_key("risk.low_win_rate", 0.40, closed(0), closed(1),
                            "Recent win rate (0 to 1) below which an order's size is multiplied "
                            "by low_win_rate_multiplier; at most high_win_rate.",
                            field<&S::risk, &R::low_win_rate>()));
  keys.push_back(number_key("risk.low_win_rate_multiplier", 0.8, exclusive(0), closed(10),
                            "Size multiplier below low_win_rate.",
                            field<&S::risk, &R::low_win_rate_multiplier>()));
}

void add_paper_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  using P = PaperSettings;
  keys.push_back(
      with_env_aliases(string_key("paper.initial_balance", "10000", check_positive_decimal,
                                  "an exact decimal greater than 0",
                                  "Balance, in the quote asset, a fresh paper account starts with.",
                                  field<&S::paper, &P::initial_balance>()),
                       {"PAPER_INITIAL_BALANCE"}));
  keys.push_back(string_key("paper.quote_asset", "USDT", check_asset,
                            "2 to 10 upper-case letters or digits",
                            "Asset the paper account holds its cash in and every symbol is "
                            "priced in.",
                            field<&S::paper, &P::quote_asset>()));
  keys.push_back(string_key(
      "paper.fee_bps", "10", check_fee_bps,
      "an exact decimal in [0, 1000), at most 14 fraction digits",
      "Fee per paper fill, in basis points of its value (10 = 0.1%, Binance's base spot rate), "
      "paid in the quote asset.",
      field<&S::paper, &P::fee_bps>()));
  keys.push_back(string_key(
      "paper.slippage_bps", "5", check_slippage_bps,
      "an exact decimal in [0, 10000), at most 14 fraction digits",
      "Each paper fill is this many basis points worse than the price it fills at (higher for a "
      "buy, lower for a sell).",
      field<&S::paper, &P::slippage_bps>()));
  keys.push_back(string_key(
      "paper.partial_fill_fraction", "1", check_fraction_decimal, "an exact decimal in (0, 1]",
      "Share of an order's quantity that fills per price update: 1 fills every order whole at "
      "the next update, 0.25 over four updates.",
      field<&S::paper, &P::partial_fill_fraction>()));
  keys.push_back(string_key("paper.tick_size", "0.01", check_positive_decimal,
                            "an exact decimal greater than 0",
                            "Price increment of the paper symbols: order prices are rounded to "
                            "a multiple of it, in the quote asset.",
                            field<&S::paper, &P::tick_size>()));
  keys.push_back(string_key("paper.quantity_step", "0.00001", check_positive_decimal,
                            "an exact decimal greater than 0",
                            "Quantity increment of the paper symbols: order quantities are "
                            "rounded down to a multiple of it.",
                            field<&S::paper, &P::quantity_step>()));
  keys.push_back(string_key("paper.min_notional", "5", check_non_negative_decimal,
                            "an exact decimal, at least 0",
                            "Smallest order value (price times quantity, in the quote asset) "
                            "the paper symbols accept; 0: no minimum.",
                            field<&S::paper, &P::min_notional>()));
}

void add_store_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  keys.push_back(bool_key(
      "store.synchronous_full", false,
      "Make SQLite sync its write-ahead log on every commit (synchronous=FULL). false (NORMAL) "
      "loses no committed row when the process dies, at most the last ones on a power cut; the "
      "audit trail, synced per record, covers that case.",
      field<&S::store, &StoreSettings::synchronous_full>()));
  keys.push_back(integer_key(
      "store.busy_timeout_ms", 5000, closed(0), closed(600'000),
      "How long a database statement waits for another connection's lock, in milliseconds, "
      "before it fails.",
      field<&S::store, &StoreSettings::busy_timeout_ms>()));
}

void add_health_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  using H = HealthSettings;
  keys.push_back(number_key(
      "health.interval_seconds", 60, closed(1), closed(3600),
      "How often the health monitor runs its checks (venue, market data, providers, disk, "
      "memory, storage), in seconds.",
      field<&S::health, &H::interval>()));
  keys.push_back(number_key(
      "health.disk_min_free_ratio", 0.05, exclusive(0), exclusive(0.5),
      "Free space of the data directory's file system, as a fraction of its size, below which "
      "the health monitor halts trading; below twice this it moves risk to REDUCING.",
      field<&S::health, &H::disk_min_free_ratio>()));
  keys.push_back(integer_key(
      "health.max_rss_bytes", 0, closed(0), closed(1e12),
      "Resident memory of the process, in bytes, above which the memory_rss check fails (it "
      "alerts, it does not act); 0: no memory check.",
      field<&S::health, &H::max_rss_bytes>()));
  keys.push_back(number_key(
      "health.feed_max_age_seconds", 180, closed(1), closed(86'400),
      "A symbol whose last market-data message is older than this fails market_data_fresh, and "
      "the health monitor asks the market supervisor to restart the venue's feed.",
      field<&S::health, &H::feed_max_age>()));
  keys.push_back(number_key(
      "health.restart_cooldown_seconds", 600, closed(1), closed(86'400),
      "The health monitor asks for at most one restart of the same child within this many "
      "seconds; requests in between are counted (autotrader_health_restarts_suppressed_total).",
      field<&S::health, &H::restart_cooldown>()));
}

}  // namespace

void add_trading_keys(std::vector<KeySpec>& keys) {
  add_decision_loop_keys(keys);
  add_protection_keys(keys);
  add_exposure_keys(keys);
  add_loss_limit_keys(keys);
  add_sizing_keys(keys);
  add_paper_keys(keys);
  add_store_keys(keys);
  add_health_keys(keys);
}

}  // namespace autotrader::config::schema_detail
