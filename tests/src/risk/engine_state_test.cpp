// The trading state over time: the daily-loss halt and its day boundary in the configured
// offset, the drawdown halt, the kill switch, REDUCING, the rate window and a restart.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace autotrader::risk {
namespace {

using namespace testing;
using namespace std::chrono_literals;

// 2026-11-21T00:00:00Z.
const TimePoint midnight_utc{std::chrono::seconds{1'795'219'200}};

bool approves(RiskEngine& engine, TimePoint now) {
  return engine.validate(btc_buy(now), account(), btc_rules(), now).approved;
}

RejectReason first_reason(RiskEngine& engine, TimePoint now) {
  const auto verdict = engine.validate(btc_buy(now), account(), btc_rules(), now);
  EXPECT_FALSE(verdict.rejections.empty());
  return verdict.rejections.empty() ? RejectReason::invalid_order : verdict.rejections[0].reason;
}

TEST(RiskEngineState, DailyLossHaltsUntilMidnightInTheConfiguredOffset) {
  RiskOptions options;
  options.day_utc_offset = -300min;  // UTC-5: the trading day turns at 05:00Z
  RiskEngine engine{options, {}};
  // The day opens (local 2026-11-20 09:00) at 10 000.
  const TimePoint open = midnight_utc - 10h;
  engine.on_equity(dec("10000"), open);
  EXPECT_EQ(day_to_string(*engine.state().day), "2026-11-20");
  // A 2.99% loss is within the 3% limit.
  engine.on_equity(dec("9701"), open + 1h);
  EXPECT_EQ(engine.trading_state(), TradingState::active);
  EXPECT_TRUE(approves(engine, open + 1h));
  // 3%: HALTED, although midnight UTC has passed, until local midnight (05:00Z).
  engine.on_equity(dec("9700"), midnight_utc + 1h);
  EXPECT_EQ(engine.trading_state(), TradingState::halted);
  EXPECT_EQ(engine.state().halt_cause, HaltCause::daily_loss);
  EXPECT_NE(engine.state().halt_message.find("halted until 2026-11-21"), std::string::npos)
      << engine.state().halt_message;
  EXPECT_EQ(first_reason(engine, midnight_utc + 5h - 1s), RejectReason::daily_loss);
  std::string why;
  EXPECT_FALSE(engine.resume(&why));
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(engine.trading_state(), TradingState::halted);
  // Local midnight: the halt lifts and the new day opens at the last equity.
  EXPECT_TRUE(approves(engine, midnight_utc + 5h));
  EXPECT_EQ(engine.trading_state(), TradingState::active);
  EXPECT_EQ(day_to_string(*engine.state().day), "2026-11-21");
  EXPECT_EQ(*engine.state().day_start_equity, dec("9700"));
  // The new day's loss counts from 9 700: 9 410 is 2.99%.
  engine.on_equity(dec("9410"), midnight_utc + 6h);
  EXPECT_EQ(engine.trading_state(), TradingState::active);
}

TEST(RiskEngineState, TheSameInstantsInUtcGiveADifferentDay) {
  RiskEngine engine{RiskOptions{}, {}};  // UTC
  engine.on_equity(dec("10000"), midnight_utc - 10h);
  // In UTC the day rolled at 00:00Z with the last equity (10 000) as its opening, so 9 700 at
  // 01:00Z is 3% down on 2026-11-21, and the halt lasts until the next UTC midnight.
  engine.on_equity(dec("9700"), midnight_utc + 1h);
  EXPECT_EQ(engine.state().halt_cause, HaltCause::daily_loss);
  EXPECT_EQ(day_to_string(*engine.state().day), "2026-11-21");
  EXPECT_EQ(first_reason(engine, midnight_utc + 23h), RejectReason::daily_loss);
  EXPECT_TRUE(approves(engine, midnight_utc + 24h));
}

TEST(RiskEngineState, AClockSteppingBackNeverUndoesADay) {
  RiskEngine engine{RiskOptions{}, {}};
  engine.on_equity(dec("10000"), midnight_utc + 1h);
  engine.on_equity(dec("9600"), midnight_utc + 2h);
  ASSERT_EQ(engine.state().halt_cause, HaltCause::daily_loss);
  engine.on_time(midnight_utc - 1h);
  EXPECT_EQ(engine.state().halt_cause, HaltCause::daily_loss);
  EXPECT_EQ(day_to_string(*engine.state().day), "2026-11-21");
}

TEST(RiskEngineState, DrawdownFromThePeakHaltsUntilResumed) {
  RiskEngine engine{RiskOptions{}, {}};
  // Up to a peak of 12 000 over three days, then down 2% a day (never a daily-loss halt).
  TimePoint t = midnight_utc + 12h;
  engine.on_equity(dec("10000"), t);
  engine.on_equity(dec("12000"), t += 24h);
  for (const char* equity : {"11760", "11525", "11295", "11069"}) {
    engine.on_equity(dec(equity), t += 24h);
    ASSERT_EQ(engine.trading_state(), TradingState::active) << equity;
  }
  // 10 800 is 10% below 12 000 (and 2.4% below the day's opening).
  engine.on_equity(dec("10800"), t += 24h);
  EXPECT_EQ(engine.state().halt_cause, HaltCause::max_drawdown);
  EXPECT_EQ(first_reason(engine, t), RejectReason::max_drawdown);
  // A new day does not lift it.
  EXPECT_EQ(first_reason(engine, t + 24h), RejectReason::max_drawdown);
  // The operator does; the peak restarts at the last equity so it does not halt again at once.
  EXPECT_TRUE(engine.resume());
  EXPECT_EQ(*engine.state().equity_peak, dec("10800"));
  engine.on_equity(dec("10800"), t + 24h);
  EXPECT_TRUE(approves(engine, t + 24h));
}

TEST(RiskEngineState, KillSwitchOutranksEveryOtherHalt) {
  RiskEngine engine{RiskOptions{}, {}};
  engine.on_equity(dec("10000"), midnight_utc + 1h);
  engine.kill_switch("operator pressed the kill switch");
  EXPECT_EQ(engine.trading_state(), TradingState::halted);
  EXPECT_EQ(first_reason(engine, midnight_utc + 1h), RejectReason::kill_switch);
  // A daily loss or a drawdown while killed does not replace the cause...
  engine.on_equity(dec("8000"), midnight_utc + 2h);
  EXPECT_EQ(engine.state().halt_cause, HaltCause::kill_switch);
  EXPECT_EQ(engine.state().halt_message, "operator pressed the kill switch");
  // ...nor does the next day lift it.
  EXPECT_EQ(first_reason(engine, midnight_utc + 30h), RejectReason::kill_switch);
  // Resuming lifts the kill switch; the drawdown still holds and halts at the next equity.
  EXPECT_TRUE(engine.resume());
  EXPECT_EQ(engine.trading_state(), TradingState::active);
  engine.on_equity(dec("8000"), midnight_utc + 31h);
  EXPECT_EQ(engine.state().halt_cause, HaltCause::max_drawdown);
  // The kill switch over a daily-loss halt takes over too.
  RiskEngine daily{RiskOptions{}, {}};
  daily.on_equity(dec("10000"), midnight_utc + 1h);
  daily.on_equity(dec("9650"), midnight_utc + 2h);
  ASSERT_EQ(daily.state().halt_cause, HaltCause::daily_loss);
  daily.kill_switch();
  EXPECT_EQ(daily.state().halt_cause, HaltCause::kill_switch);
  EXPECT_EQ(first_reason(daily, midnight_utc + 30h), RejectReason::kill_switch);
}

TEST(RiskEngineState, OperatorHaltAndResume) {
  RiskEngine engine{RiskOptions{}, {}};
  engine.halt("the audit file cannot be written");
  EXPECT_EQ(first_reason(engine, midnight_utc), RejectReason::trading_halted);
  EXPECT_TRUE(engine.resume());
  EXPECT_TRUE(approves(engine, midnight_utc));
}

TEST(RiskEngineState, ReducingOutlivesADailyLossHalt) {
  RiskEngine engine{RiskOptions{}, {}};
  engine.set_reducing(true);
  EXPECT_EQ(first_reason(engine, midnight_utc + 1h), RejectReason::reducing_only);
  engine.on_equity(dec("10000"), midnight_utc + 1h);
  engine.on_equity(dec("9600"), midnight_utc + 2h);
  EXPECT_EQ(engine.trading_state(), TradingState::halted);
  engine.on_time(midnight_utc + 25h);
  EXPECT_EQ(engine.trading_state(), TradingState::reducing);
  engine.set_reducing(false);
  EXPECT_EQ(engine.trading_state(), TradingState::active);
}

TEST(RiskEngineState, TheRateWindowSlides) {
  RiskEngine engine{RiskOptions{}, {}};
  const TimePoint t = midnight_utc + 1h;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(approves(engine, t + std::chrono::seconds{i})) << i;
    engine.record_order(t + std::chrono::seconds{i});
  }
  EXPECT_EQ(engine.orders_in_last_minute(t + 10s), 10U);
  EXPECT_EQ(first_reason(engine, t + 59s), RejectReason::order_rate_limit);
  // At t+60s the first order leaves the window.
  EXPECT_EQ(engine.orders_in_last_minute(t + 60s), 9U);
  EXPECT_TRUE(approves(engine, t + 60s));
  RiskOptions unlimited;
  unlimited.max_orders_per_minute = 0;
  RiskEngine free{unlimited, {}};
  for (int i = 0; i < 50; ++i) {
    free.record_order(t);
  }
  EXPECT_TRUE(approves(free, t));
}

TEST(RiskEngineState, RecentOutcomesKeepTheWindow) {
  RiskEngine engine{RiskOptions{}, {}};
  for (int i = 0; i < 25; ++i) {
    engine.on_trade_closed(i < 5 ? dec("-1") : dec("2.5"));
  }
  engine.on_trade_closed(dec("0"));  // break-even is not a win
  ASSERT_EQ(engine.state().recent_outcomes.size(), 20U);
  EXPECT_FALSE(engine.state().recent_outcomes.back());
  EXPECT_TRUE(engine.state().recent_outcomes.front());
}

TEST(RiskEngineState, AHaltSurvivesARestartThroughJson) {
  RiskEngine before{RiskOptions{}, {}};
  before.on_equity(dec("10000"), midnight_utc + 1h);
  before.on_equity(dec("12000"), midnight_utc + 2h);
  before.on_equity(dec("11500"), midnight_utc + 3h);
  before.kill_switch();
  before.on_trade_closed(dec("5"));
  const std::string stored = state_to_json(before.state()).dump();

  const auto restored = state_from_json(nlohmann::json::parse(stored));
  ASSERT_TRUE(restored);
  RiskEngine after{RiskOptions{}, *restored};
  EXPECT_EQ(after.state(), before.state());
  EXPECT_EQ(first_reason(after, midnight_utc + 4h), RejectReason::kill_switch);
  // A protective exit still works after the restart.
  auto exit = btc_buy(midnight_utc + 4h);
  exit.side = Side::sell;
  exit.protective = true;
  auto portfolio = account();
  portfolio.positions.push_back(position("BTCUSDT", "0.02", "50000"));
  EXPECT_TRUE(after.validate(exit, portfolio, btc_rules(), midnight_utc + 4h).approved);
  // The peak survived too: resuming and falling 10% below 12 000 halts for drawdown.
  EXPECT_TRUE(after.resume());
  after.on_equity(dec("10800"), midnight_utc + 5h);
  EXPECT_EQ(after.state().halt_cause, HaltCause::max_drawdown);
}

}  // namespace
}  // namespace autotrader::risk
