#include "risk/reasons.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace autotrader::risk {
namespace {

TEST(RiskReasons, EveryReasonHasAUniqueSnakeCaseNameAndAMessage) {
  std::set<std::string> names;
  for (const auto reason : all_reject_reasons()) {
    const std::string name{to_string(reason)};
    EXPECT_FALSE(name.empty());
    for (const char c : name) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    }
    EXPECT_NE(name.front(), '_') << name;
    EXPECT_NE(name.back(), '_') << name;
    EXPECT_FALSE(describe(reason).empty()) << name;
    EXPECT_NE(describe(reason), "unknown reason") << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), reject_reason_count);
}

TEST(RiskReasons, NamesAreStable) {
  // The metric label set: renaming one breaks dashboards and alerts.
  EXPECT_EQ(to_string(RejectReason::kill_switch), "kill_switch");
  EXPECT_EQ(to_string(RejectReason::daily_loss), "daily_loss");
  EXPECT_EQ(to_string(RejectReason::max_drawdown), "max_drawdown");
  EXPECT_EQ(to_string(RejectReason::reducing_only), "reducing_only");
  EXPECT_EQ(to_string(RejectReason::reward_risk_below_minimum), "reward_risk_below_minimum");
  EXPECT_EQ(to_string(RejectReason::order_rate_limit), "order_rate_limit");
  EXPECT_EQ(to_string(RejectReason::too_few_factors), "too_few_factors");
  EXPECT_EQ(all_reject_reasons().front(), RejectReason::kill_switch);
  EXPECT_EQ(all_reject_reasons().back(), RejectReason::too_few_factors);
}

TEST(RiskReasons, AnOutOfRangeValueDoesNotCrash) {
  const auto bogus = static_cast<RejectReason>(200);
  EXPECT_EQ(to_string(bogus), "unknown");
  EXPECT_EQ(describe(bogus), "unknown reason");
}

}  // namespace
}  // namespace autotrader::risk
