#include "supervision/intensity.hpp"

#include <gtest/gtest.h>

namespace autotrader::supervision {
namespace {

using std::chrono::milliseconds;
using time_point = RestartWindow::time_point;

time_point at(long ms) {
  return time_point{milliseconds(ms)};
}

TEST(SupervisionRestartWindow, AllowsExactlyMaxRestartsWithinThePeriod) {
  RestartWindow w{Intensity{3, milliseconds(1'000)}};
  EXPECT_TRUE(w.record(at(0)));
  EXPECT_TRUE(w.record(at(100)));
  EXPECT_TRUE(w.record(at(200)));
  EXPECT_FALSE(w.record(at(300)));  // the fourth within 1 s
}

TEST(SupervisionRestartWindow, ForgetsRestartsOlderThanThePeriod) {
  RestartWindow w{Intensity{2, milliseconds(1'000)}};
  EXPECT_TRUE(w.record(at(0)));
  EXPECT_TRUE(w.record(at(600)));
  EXPECT_TRUE(w.record(at(1'000)));  // the one at 0 is exactly a period old: gone
  EXPECT_EQ(w.size(), 2u);
  EXPECT_FALSE(w.record(at(1'599)));  // 600, 1000, 1599
}

TEST(SupervisionRestartWindow, SpreadOutRestartsNeverEscalate) {
  RestartWindow w{Intensity{1, milliseconds(1'000)}};
  for (long t = 0; t < 100'000; t += 1'000) EXPECT_TRUE(w.record(at(t)));
}

TEST(SupervisionRestartWindow, ZeroMaxRestartsGivesUpAtTheFirst) {
  RestartWindow w{Intensity{0, milliseconds(1'000)}};
  EXPECT_FALSE(w.record(at(0)));
}

}  // namespace
}  // namespace autotrader::supervision
