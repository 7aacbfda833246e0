#include "risk/confidence_gate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace autotrader::risk {
namespace {

struct GateCase {
  const char* name;
  double confidence;
  std::vector<std::string> factors;
  std::vector<RejectReason> expected;  // empty = passes
};

TEST(RiskConfidenceGate, ScenarioTable) {
  const std::vector<std::string> three{"RSI 28 oversold", "price above VWAP", "volume 2x"};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<GateCase> cases{
      {"confident with three factors", 0.80, three, {}},
      {"exactly the minimum confidence passes", 0.60, three, {}},
      {"just below the minimum", 0.5999, three, {RejectReason::confidence_below_minimum}},
      {"two factors", 0.80, {"a", "b"}, {RejectReason::too_few_factors}},
      {"no factors", 0.95, {}, {RejectReason::too_few_factors}},
      {"repeats count once",
       0.80,
       {"RSI low", " rsi LOW ", "RSI low"},
       {RejectReason::too_few_factors}},
      {"blank factors do not count", 0.80, {"a", "  ", "", "b"}, {RejectReason::too_few_factors}},
      {"both fail",
       0.10,
       {"a"},
       {RejectReason::confidence_below_minimum, RejectReason::too_few_factors}},
      {"NaN confidence fails", nan, three, {RejectReason::confidence_below_minimum}},
      {"four factors", 0.61, {"a", "b", "c", "d"}, {}},
  };
  for (const auto& c : cases) {
    const auto rejections = check_confidence_gate(c.confidence, c.factors);
    std::vector<RejectReason> got;
    for (const auto& r : rejections) {
      got.push_back(r.reason);
      EXPECT_FALSE(r.message.empty()) << c.name;
    }
    EXPECT_EQ(got, c.expected) << c.name;
  }
}

TEST(RiskConfidenceGate, OptionsChangeTheThresholds) {
  ConfidenceGateOptions options;
  options.min_confidence_for_trade = 0.9;
  options.confidence_factors = 1;
  EXPECT_TRUE(check_confidence_gate(0.95, {"one"}, options).empty());
  const auto rejections = check_confidence_gate(0.85, {"one"}, options);
  ASSERT_EQ(rejections.size(), 1U);
  EXPECT_EQ(rejections[0].reason, RejectReason::confidence_below_minimum);
  EXPECT_EQ(rejections[0].message, "confidence 0.85 is below the minimum 0.9");
}

TEST(RiskConfidenceGate, CountsDistinctFactors) {
  EXPECT_EQ(count_distinct_factors({}), 0U);
  EXPECT_EQ(count_distinct_factors({"A", "a", " a\t", "b"}), 2U);
}

}  // namespace
}  // namespace autotrader::risk
