// The risk rules as one scenario table: each row changes the default BUY (engine_fixture.hpp)
// in one way and says what the engine must answer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "engine_fixture.hpp"

namespace autotrader::risk {
namespace {

using namespace testing;
using namespace std::chrono_literals;

struct Scenario {
  RiskOptions options;
  RiskState state;
  OrderIntent intent = btc_buy(noon());
  PortfolioView portfolio = account();
  SymbolRules rules = btc_rules();
  std::vector<TimePoint> sent_orders;
};

struct Row {
  const char* name;
  std::function<void(Scenario&)> setup;
  std::vector<RejectReason> reasons;  // empty = approved
  const char* quantity = nullptr;     // when approved
  const char* price = nullptr;
  const char* stop_loss = nullptr;  // "" = none
  const char* take_profit = nullptr;
};

std::vector<bool> outcomes(int wins, int losses) {
  std::vector<bool> result(static_cast<std::size_t>(wins), true);
  result.insert(result.end(), static_cast<std::size_t>(losses), false);
  return result;
}

void halted(Scenario& s, HaltCause cause) {
  s.state.halt_cause = cause;
  s.state.halt_message = "test";
  s.state.day = trading_day(noon(), s.options.day_utc_offset);
}

void holding(Scenario& s, const char* quantity) {
  s.portfolio.positions.push_back(position("BTCUSDT", quantity, "50000"));
}

void exit_order(Scenario& s, bool protective) {
  holding(s, "0.03");
  s.intent.side = Side::sell;
  s.intent.protective = protective;
}

void others(Scenario& s, int count) {
  const char* names[] = {"ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "DOTUSDT"};
  for (int i = 0; i < count; ++i) {
    s.portfolio.positions.push_back(position(names[i], "1", "100"));
  }
}

const std::vector<Row>& rows() {
  using R = RejectReason;
  static const std::vector<Row> table{
      // Sizing: 5% of 10 000 = 500 USDT = 0.01 BTC, scaled by confidence and win rate.
      {"default buy: 5% of equity, 2% stop, 4% target",
       [](Scenario&) {},
       {},
       "0.01",
       "50000",
       "49000",
       "52000"},
      {"an equity with 13 fraction digits (paper fills) still sizes",
       [](Scenario& s) {
         s.portfolio.equity = *core::Decimal::parse("10000.0000000000001");
         s.portfolio.cash = *core::Decimal::parse("10000.0000000000001");
       },
       {},
       "0.01"},
      {"confidence above 0.90 sizes x1.5",
       [](Scenario& s) { s.intent.confidence = 0.95; },
       {},
       "0.015"},
      {"confidence below 0.75 sizes x0.7",
       [](Scenario& s) { s.intent.confidence = 0.70; },
       {},
       "0.007"},
      {"multipliers never pass max_position_size",
       [](Scenario& s) {
         s.intent.confidence = 0.95;
         s.intent.position_size = 0.09;
       },
       {},
       "0.02"},
      {"win rate above 60% sizes x1.2",
       [](Scenario& s) { s.state.recent_outcomes = outcomes(8, 2); },
       {},
       "0.012"},
      {"win rate below 40% sizes x0.8",
       [](Scenario& s) { s.state.recent_outcomes = outcomes(2, 8); },
       {},
       "0.008"},
      {"both multipliers",
       [](Scenario& s) {
         s.intent.confidence = 0.95;
         s.state.recent_outcomes = outcomes(8, 2);
       },
       {},
       "0.018"},
      {"no requested size uses base_position_size",
       [](Scenario& s) { s.intent.position_size = 0; },
       {},
       "0.01"},
      {"cash bounds a buy", [](Scenario& s) { s.portfolio.cash = dec("300"); }, {}, "0.006"},
      {"the venue's max_qty bounds it",
       [](Scenario& s) { s.rules.max_qty = dec("0.005"); },
       {},
       "0.005"},
      {"buy price rounds down to the tick",
       [](Scenario& s) { s.intent.price = dec("50000.019"); },
       {},
       "0.00999",
       "50000.01",
       "49000.01",
       "52000.02"},
      {"default protection fills a decision without one",
       [](Scenario& s) {
         s.intent.stop_loss_pct.reset();
         s.intent.take_profit_pct = 0;
       },
       {},
       "0.01",
       "50000",
       "49000",
       "52000"},
      // Protection.
      {"no stop-loss anywhere",
       [](Scenario& s) {
         s.options.stop_loss_pct = 0;
         s.intent.stop_loss_pct.reset();
       },
       {R::missing_stop_loss}},
      {"no take-profit anywhere",
       [](Scenario& s) {
         s.options.take_profit_pct = 0;
         s.intent.take_profit_pct.reset();
       },
       {R::missing_take_profit}},
      {"negative stop-loss",
       [](Scenario& s) { s.intent.stop_loss_pct = -1; },
       {R::missing_stop_loss}},
      {"stop-loss too tight",
       [](Scenario& s) { s.intent.stop_loss_pct = 0.4; },
       {R::stop_loss_out_of_bounds}},
      {"stop-loss too wide (and 4/6 fails 1:2)",
       [](Scenario& s) { s.intent.stop_loss_pct = 6; },
       {R::stop_loss_out_of_bounds, R::reward_risk_below_minimum}},
      {"take-profit too far",
       [](Scenario& s) { s.intent.take_profit_pct = 25; },
       {R::take_profit_out_of_bounds}},
      {"take-profit too close (and 0.5/2 fails 1:2)",
       [](Scenario& s) { s.intent.take_profit_pct = 0.5; },
       {R::take_profit_out_of_bounds, R::reward_risk_below_minimum}},
      {"the classic 5% stop with a 3% target fails 1:2",
       [](Scenario& s) {
         s.intent.stop_loss_pct = 5;
         s.intent.take_profit_pct = 3;
       },
       {R::reward_risk_below_minimum}},
      {"2% stop with 3.9% target fails 1:2",
       [](Scenario& s) { s.intent.take_profit_pct = 3.9; },
       {R::reward_risk_below_minimum}},
      {"a tick so coarse the stop rounds onto the entry",
       [](Scenario& s) {
         s.intent.price = dec("1");
         s.intent.stop_loss_pct = 0.5;
         s.intent.take_profit_pct = 1;
         s.rules.tick_size = dec("0.01");
         s.rules.step_size = dec("1");
         s.rules.min_qty = dec("1");
       },
       {R::stop_loss_out_of_bounds}},
      {"the same on a finer tick",
       [](Scenario& s) {
         s.intent.price = dec("1");
         s.intent.stop_loss_pct = 0.5;
         s.intent.take_profit_pct = 1;
         s.rules.tick_size = dec("0.001");
         s.rules.step_size = dec("1");
         s.rules.min_qty = dec("1");
       },
       {},
       "500",
       "1",
       "0.995",
       "1.01"},
      {"1.5% stop with 3% target is exactly 1:2",
       [](Scenario& s) {
         s.intent.stop_loss_pct = 1.5;
         s.intent.take_profit_pct = 3;
       },
       {},
       "0.01",
       "50000",
       "49250",
       "51500"},
      // Size and concentration.
      {"requested size above max_position_size",
       [](Scenario& s) { s.intent.position_size = 0.2; },
       {R::position_size_above_max}},
      {"max open positions reached", [](Scenario& s) { others(s, 5); }, {R::max_open_positions}},
      {"adding to an open position at the max count",
       [](Scenario& s) {
         others(s, 4);
         holding(s, "0.02");
       },
       {},
       "0.01"},
      {"symbol exposure at its limit",
       [](Scenario& s) { holding(s, "0.04"); },
       {R::max_symbol_exposure}},
      {"symbol exposure headroom bounds the size",
       [](Scenario& s) { holding(s, "0.035"); },
       {},
       "0.005"},
      {"no cash for a buy",
       [](Scenario& s) { s.portfolio.cash = dec("0"); },
       {R::insufficient_balance}},
      {"sell without a position is a short",
       [](Scenario& s) { s.intent.side = Side::sell; },
       {R::short_selling_disabled}},
      {"shorts allowed: price rounds up, stop above, target below",
       [](Scenario& s) {
         s.options.allow_short = true;
         s.intent.side = Side::sell;
         s.intent.price = dec("50000.011");
       },
       {},
       "0.00999",
       "50000.02",
       "51000.02",
       "48000.01"},
      // Market data, order flow and the venue.
      {"stale market data",
       [](Scenario& s) { s.intent.data_time = noon() - 3min; },
       {R::stale_market_data}},
      {"no market data yet",
       [](Scenario& s) { s.intent.data_time.reset(); },
       {R::stale_market_data}},
      {"10 orders in the last minute",
       [](Scenario& s) { s.sent_orders.assign(10, noon() - 30s); },
       {R::order_rate_limit}},
      {"10 orders more than a minute ago",
       [](Scenario& s) { s.sent_orders.assign(10, noon() - 61s); },
       {},
       "0.01"},
      {"below the venue's minimum notional",
       [](Scenario& s) { s.rules.min_notional = dec("600"); },
       {R::below_min_notional}},
      {"a step so coarse the quantity rounds to zero",
       [](Scenario& s) { s.rules.step_size = dec("0.1"); },
       {R::below_min_quantity}},
      {"below the venue's minimum quantity",
       [](Scenario& s) { s.rules.min_qty = dec("0.1"); },
       {R::below_min_quantity}},
      {"zero price", [](Scenario& s) { s.intent.price = dec("0"); }, {R::invalid_order}},
      {"zero equity", [](Scenario& s) { s.portfolio.equity = dec("0"); }, {R::invalid_order}},
      {"NaN confidence",
       [](Scenario& s) { s.intent.confidence = std::numeric_limits<double>::quiet_NaN(); },
       {R::invalid_order}},
      {"NaN position size",
       [](Scenario& s) { s.intent.position_size = std::numeric_limits<double>::quiet_NaN(); },
       {R::invalid_order}},
      // Exits.
      {"exit closes the whole position",
       [](Scenario& s) { exit_order(s, false); },
       {},
       "0.03",
       "50000",
       "",
       ""},
      {"partial exit",
       [](Scenario& s) {
         exit_order(s, false);
         s.intent.quantity = dec("0.01");
       },
       {},
       "0.01"},
      {"an exit never flips the position",
       [](Scenario& s) {
         exit_order(s, false);
         s.intent.quantity = dec("0.05");
       },
       {},
       "0.03"},
      {"an exit on stale data still passes",
       [](Scenario& s) {
         exit_order(s, false);
         s.intent.data_time.reset();
       },
       {},
       "0.03"},
      {"an exit below the minimum notional",
       [](Scenario& s) {
         exit_order(s, false);
         s.rules.min_notional = dec("2000");
       },
       {R::below_min_notional}},
      {"non-protective exit under the rate limit",
       [](Scenario& s) {
         exit_order(s, false);
         s.sent_orders.assign(10, noon() - 1s);
       },
       {R::order_rate_limit}},
      {"protective exit under the rate limit",
       [](Scenario& s) {
         exit_order(s, true);
         s.sent_orders.assign(10, noon() - 1s);
       },
       {},
       "0.03"},
      {"protective order without a position",
       [](Scenario& s) { s.intent.protective = true; },
       {R::no_position_to_reduce}},
      // Trading state.
      {"REDUCING refuses an entry",
       [](Scenario& s) { s.state.reducing = true; },
       {R::reducing_only}},
      {"REDUCING accepts an exit",
       [](Scenario& s) {
         s.state.reducing = true;
         exit_order(s, false);
       },
       {},
       "0.03"},
      {"kill switch refuses an entry",
       [](Scenario& s) { halted(s, HaltCause::kill_switch); },
       {R::kill_switch}},
      {"kill switch refuses a discretionary exit",
       [](Scenario& s) {
         halted(s, HaltCause::kill_switch);
         exit_order(s, false);
       },
       {R::kill_switch}},
      {"kill switch lets a protective exit through",
       [](Scenario& s) {
         halted(s, HaltCause::kill_switch);
         exit_order(s, true);
       },
       {},
       "0.03"},
      {"daily-loss halt refuses an entry",
       [](Scenario& s) { halted(s, HaltCause::daily_loss); },
       {R::daily_loss}},
      {"daily-loss halt lets a protective exit through",
       [](Scenario& s) {
         halted(s, HaltCause::daily_loss);
         exit_order(s, true);
       },
       {},
       "0.03"},
      {"drawdown halt refuses an entry",
       [](Scenario& s) { halted(s, HaltCause::max_drawdown); },
       {R::max_drawdown}},
      {"operator halt refuses an entry",
       [](Scenario& s) { halted(s, HaltCause::operator_halt); },
       {R::trading_halted}},
      {"every reason is reported",
       [](Scenario& s) {
         halted(s, HaltCause::kill_switch);
         s.intent.stop_loss_pct = 5;
         s.intent.take_profit_pct = 3;
         s.intent.data_time.reset();
         s.intent.position_size = 0.5;
       },
       {R::kill_switch, R::reward_risk_below_minimum, R::position_size_above_max,
        R::stale_market_data}},
  };
  return table;
}

std::vector<RejectReason> sorted(std::vector<RejectReason> reasons) {
  std::sort(reasons.begin(), reasons.end());
  return reasons;
}

TEST(RiskEngineRules, ScenarioTable) {
  for (const auto& row : rows()) {
    Scenario s;
    row.setup(s);
    RiskEngine engine{s.options, s.state};
    for (const auto t : s.sent_orders) {
      engine.record_order(t);
    }
    const auto verdict = engine.validate(s.intent, s.portfolio, s.rules, noon());
    std::vector<RejectReason> got;
    for (const auto& r : verdict.rejections) {
      got.push_back(r.reason);
      EXPECT_FALSE(r.message.empty()) << row.name;
    }
    EXPECT_EQ(sorted(got), sorted(row.reasons)) << row.name;
    EXPECT_EQ(verdict.approved, row.reasons.empty()) << row.name;
    if (!verdict.approved) {
      EXPECT_TRUE(verdict.quantity.is_zero()) << row.name;
      continue;
    }
    if (row.quantity != nullptr) {
      EXPECT_EQ(verdict.quantity.to_string(), row.quantity) << row.name;
    }
    if (row.price != nullptr) {
      EXPECT_EQ(verdict.price.to_string(), row.price) << row.name;
    }
    const auto text = [](const std::optional<core::Decimal>& d) {
      return d ? d->to_string() : std::string{};
    };
    if (row.stop_loss != nullptr) {
      EXPECT_EQ(text(verdict.stop_loss_price), row.stop_loss) << row.name;
    }
    if (row.take_profit != nullptr) {
      EXPECT_EQ(text(verdict.take_profit_price), row.take_profit) << row.name;
    }
    EXPECT_TRUE(verdict.quantity.is_multiple_of(s.rules.step_size)) << row.name;
    EXPECT_TRUE(verdict.price.is_multiple_of(s.rules.tick_size)) << row.name;
  }
}

TEST(RiskEngineRules, MessagesCarryTheNumbers) {
  Scenario s;
  s.intent.stop_loss_pct = 5;
  s.intent.take_profit_pct = 3;
  RiskEngine engine{s.options, s.state};
  const auto verdict = engine.validate(s.intent, s.portfolio, s.rules, noon());
  ASSERT_EQ(verdict.rejections.size(), 1U);
  EXPECT_EQ(verdict.rejections[0].message,
            "reward/risk 0.6 (take-profit 3% / stop-loss 5%) is below the minimum 2");
}

TEST(RiskEngineRules, TheDefaultsAreConsistent) {
  // The configured fallback protection must pass the configured rules, or every decision that
  // leaves protection to the config would be refused.
  const RiskOptions o;
  EXPECT_GE(o.take_profit_pct / o.stop_loss_pct, o.min_reward_risk);
  EXPECT_GE(o.stop_loss_pct, o.min_stop_loss_pct);
  EXPECT_LE(o.stop_loss_pct, o.max_stop_loss_pct);
  EXPECT_GE(o.take_profit_pct, o.min_take_profit_pct);
  EXPECT_LE(o.take_profit_pct, o.max_take_profit_pct);
  EXPECT_LE(o.base_position_size, o.max_position_size);
  EXPECT_LE(o.max_position_size, o.max_symbol_exposure);
  EXPECT_LT(o.max_daily_loss, o.max_drawdown);
}

}  // namespace
}  // namespace autotrader::risk
