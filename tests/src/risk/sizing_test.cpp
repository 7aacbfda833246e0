#include "risk/sizing.hpp"

#include <gtest/gtest.h>

namespace autotrader::risk {
namespace {

core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}

std::vector<bool> outcomes(int wins, int losses) {
  std::vector<bool> result(static_cast<std::size_t>(wins), true);
  result.insert(result.end(), static_cast<std::size_t>(losses), false);
  return result;
}

TEST(RiskSizing, ConfidenceMultiplierTable) {
  const RiskOptions options;
  const struct {
    double confidence;
    double multiplier;
  } cases[] = {{0.99, 1.5}, {0.91, 1.5}, {0.90, 1.0}, {0.80, 1.0},
               {0.75, 1.0}, {0.74, 0.7}, {0.60, 0.7}, {0.0, 0.7}};
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(confidence_multiplier(c.confidence, options), c.multiplier) << c.confidence;
  }
}

TEST(RiskSizing, WinRateMultiplierTable) {
  const RiskOptions options;  // window 20, at least 10 trades, >60% ×1.2, <40% ×0.8
  const struct {
    const char* name;
    std::vector<bool> outcomes;
    double multiplier;
  } cases[] = {
      {"no trades", {}, 1.0},
      {"9 wins of 9 is too few to judge", outcomes(9, 0), 1.0},
      {"7 of 10 wins", outcomes(7, 3), 1.2},
      {"6 of 10 is not above 60%", outcomes(6, 4), 1.0},
      {"4 of 10 is not below 40%", outcomes(4, 6), 1.0},
      {"3 of 10 wins", outcomes(3, 7), 0.8},
      // Only the last 20 count: 10 old losses, then 13 wins and 7 losses.
      {"window of the last 20",
       [] {
         auto o = outcomes(0, 10);
         const auto recent = outcomes(13, 7);
         o.insert(o.end(), recent.begin(), recent.end());
         return o;
       }(),
       1.2},
  };
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(win_rate_multiplier(c.outcomes, options), c.multiplier) << c.name;
  }
  EXPECT_DOUBLE_EQ(*recent_win_rate(outcomes(7, 3), options), 0.7);
  EXPECT_FALSE(recent_win_rate(outcomes(1, 1), options));
}

TEST(RiskSizing, RoundsToTheVenueRules) {
  using core::Rounding;
  EXPECT_EQ(*round_to_rule(dec("123.456789"), dec("0.01"), Rounding::floor), dec("123.45"));
  EXPECT_EQ(*round_to_rule(dec("123.451"), dec("0.01"), Rounding::ceiling), dec("123.46"));
  EXPECT_EQ(*round_to_rule(dec("123.45"), dec("0.05"), Rounding::ceiling), dec("123.45"));
  EXPECT_EQ(*round_to_rule(dec("123.46"), dec("0.05"), Rounding::floor), dec("123.45"));
  EXPECT_EQ(*round_to_rule(dec("7"), dec("5"), Rounding::floor), dec("5"));
  EXPECT_EQ(*round_to_rule(dec("1.123456789"), dec("0"), Rounding::floor), dec("1.12345678"));
  // 1000 / 30000 = 0.0333.. rounded down to the 0.00001 step.
  EXPECT_EQ(*divide_to_rule(dec("1000"), dec("30000"), dec("0.00001"), Rounding::floor),
            dec("0.03333"));
  // A cheap coin: 1000 / 0.00001234 = 81037277.1.. down to whole units, without overflow.
  EXPECT_EQ(*divide_to_rule(dec("1000"), dec("0.00001234"), dec("1"), Rounding::floor),
            dec("81037277"));
  EXPECT_FALSE(divide_to_rule(dec("1"), dec("0"), dec("1"), Rounding::floor));
}

}  // namespace
}  // namespace autotrader::risk
