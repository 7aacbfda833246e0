#include "supervision/restart_plan.hpp"

#include <gtest/gtest.h>

namespace autotrader::supervision {
namespace {

using V = std::vector<std::size_t>;
constexpr auto P = Restart::permanent;
constexpr auto T = Restart::transient;
constexpr auto X = Restart::temporary;

TEST(SupervisionShouldRestart, FollowsOtpRestartTypes) {
  EXPECT_TRUE(should_restart(P, true));
  EXPECT_TRUE(should_restart(P, false));
  EXPECT_TRUE(should_restart(T, true));
  EXPECT_FALSE(should_restart(T, false));
  EXPECT_FALSE(should_restart(X, true));
  EXPECT_FALSE(should_restart(X, false));
}

TEST(SupervisionPlanRestart, OneForOneTouchesOnlyTheFailedChild) {
  auto plan = plan_restart(Strategy::one_for_one, {P, P, P}, 1, true);
  EXPECT_TRUE(plan.restart);
  EXPECT_EQ(plan.stop, V{});
  EXPECT_EQ(plan.restart_group, V{1});
}

TEST(SupervisionPlanRestart, OneForAllStopsOthersInReverseAndRestartsAllInOrder) {
  auto plan = plan_restart(Strategy::one_for_all, {P, T, P, P}, 2, true);
  EXPECT_EQ(plan.stop, (V{3, 1, 0}));
  EXPECT_EQ(plan.restart_group, (V{0, 1, 2, 3}));
  EXPECT_EQ(plan.remove, V{});
}

TEST(SupervisionPlanRestart, RestForOneTouchesTheFailedAndLaterChildren) {
  auto plan = plan_restart(Strategy::rest_for_one, {P, P, P, P}, 1, true);
  EXPECT_EQ(plan.stop, (V{3, 2}));
  EXPECT_EQ(plan.restart_group, (V{1, 2, 3}));
}

TEST(SupervisionPlanRestart, TemporarySiblingsAreStoppedAndRemovedNotRestarted) {
  auto all = plan_restart(Strategy::one_for_all, {P, X, P}, 0, true);
  EXPECT_EQ(all.stop, (V{2, 1}));
  EXPECT_EQ(all.remove, V{1});
  EXPECT_EQ(all.restart_group, (V{0, 2}));
  auto rest = plan_restart(Strategy::rest_for_one, {X, P, X, P}, 1, true);
  EXPECT_EQ(rest.stop, (V{3, 2}));
  EXPECT_EQ(rest.remove, V{2});
  EXPECT_EQ(rest.restart_group, (V{1, 3}));
}

TEST(SupervisionPlanRestart, NoRestartForTransientNormalExitOrTemporary) {
  for (auto strategy : {Strategy::one_for_one, Strategy::one_for_all, Strategy::rest_for_one}) {
    auto transient = plan_restart(strategy, {P, T, P}, 1, false);
    EXPECT_FALSE(transient.restart);
    EXPECT_FALSE(transient.remove_failed);
    EXPECT_EQ(transient.stop, V{});
    auto temporary = plan_restart(strategy, {P, X, P}, 1, true);
    EXPECT_FALSE(temporary.restart);
    EXPECT_TRUE(temporary.remove_failed);
  }
  EXPECT_TRUE(plan_restart(Strategy::one_for_all, {P, T, P}, 1, true).restart);
}

}  // namespace
}  // namespace autotrader::supervision
