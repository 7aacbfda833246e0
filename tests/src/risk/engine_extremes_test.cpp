// Bad and extreme inputs: the engine never crashes (the suite runs under ASan and UBSan), and an
// approved entry never breaks a limit, whatever the numbers.
#include <gtest/gtest.h>

#include <limits>

#include "engine_fixture.hpp"

namespace autotrader::risk {
namespace {

using namespace testing;

TEST(RiskEngineExtremes, ApprovedEntriesKeepEveryLimitOverAGridOfInputs) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const char* equities[] = {"0", "-5", "0.01", "10000", "92233720368.5"};
  const char* prices[] = {"0", "-1", "0.00000001", "0.00001234", "50000", "9000000000"};
  const char* steps[] = {"0", "0.00001", "1", "1000"};
  const double sizes[] = {0, -0.1, 0.01, 0.1, 1, nan, inf};
  const double confidences[] = {0, 0.5, 0.95, nan, -inf};
  const double stops[] = {0, 2, nan, inf, -2};
  std::size_t approved = 0;
  std::size_t total = 0;
  for (const char* equity : equities) {
    for (const char* price : prices) {
      for (const char* step : steps) {
        for (const double size : sizes) {
          for (const double confidence : confidences) {
            for (const double stop : stops) {
              RiskEngine engine{RiskOptions{}, {}};
              auto intent = btc_buy(noon());
              intent.price = dec(price);
              intent.position_size = size;
              intent.confidence = confidence;
              intent.stop_loss_pct = stop;
              auto rules = btc_rules();
              rules.step_size = dec(step);
              rules.tick_size = dec("0");
              rules.min_qty = dec("0");
              rules.max_qty = dec("0");
              const auto portfolio = account(equity);
              const auto verdict = engine.validate(intent, portfolio, rules, noon());
              ++total;
              ASSERT_EQ(verdict.approved, verdict.rejections.empty());
              if (!verdict.approved) {
                continue;
              }
              ++approved;
              const std::string where = std::string{equity} + " " + price + " " + step;
              EXPECT_TRUE(verdict.quantity > core::Decimal{}) << where;
              EXPECT_TRUE(verdict.quantity.is_multiple_of(rules.step_size)) << where;
              const auto notional = core::multiply(verdict.quantity, verdict.price);
              const auto limit = core::multiply(portfolio.equity, dec("0.1"));
              ASSERT_TRUE(notional && limit) << where;
              EXPECT_LE(*notional, *limit) << where;
              EXPECT_LE(*notional, portfolio.cash) << where;
              ASSERT_TRUE(verdict.stop_loss_price && verdict.take_profit_price) << where;
              EXPECT_LT(*verdict.stop_loss_price, verdict.price) << where;
              EXPECT_GT(*verdict.take_profit_price, verdict.price) << where;
            }
          }
        }
      }
    }
  }
  // The grid must exercise both answers, or it proves nothing.
  EXPECT_GT(approved, 0U);
  EXPECT_LT(approved, total);
}

TEST(RiskEngineExtremes, EquityUpdatesWithOddValuesNeverCrash) {
  RiskEngine engine{RiskOptions{}, {}};
  for (const char* equity : {"0", "-100", "0.000000000000000001", "9223372036854775807", "1"}) {
    engine.on_equity(dec(equity), noon());
  }
  // Zero and negative equity are a 100% drawdown.
  EXPECT_EQ(engine.state().halt_cause, HaltCause::max_drawdown);
  engine.on_time(TimePoint::min());
  engine.on_time(TimePoint::max());
  EXPECT_EQ(engine.trading_state(), TradingState::halted);
}

}  // namespace
}  // namespace autotrader::risk
