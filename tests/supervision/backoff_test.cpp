#include "supervision/backoff.hpp"

#include <gtest/gtest.h>

namespace autotrader::supervision {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(SupervisionBackoffDelay, DoublesFromMinWithoutJitter) {
  Backoff b;  // 500 ms .. 30 s, factor 0.2
  EXPECT_EQ(backoff_delay(b, 0, 0.0), milliseconds(500));
  EXPECT_EQ(backoff_delay(b, 1, 0.0), milliseconds(1'000));
  EXPECT_EQ(backoff_delay(b, 2, 0.0), milliseconds(2'000));
  EXPECT_EQ(backoff_delay(b, 5, 0.0), milliseconds(16'000));
}

TEST(SupervisionBackoffDelay, IsCappedAtMaxBeforeJitter) {
  Backoff b;
  EXPECT_EQ(backoff_delay(b, 6, 0.0), milliseconds(30'000));  // 32 s capped
  EXPECT_EQ(backoff_delay(b, 6, 0.5), milliseconds(33'000));  // jitter applies after the cap
  EXPECT_EQ(backoff_delay(b, 4'000'000'000u, 0.0), milliseconds(30'000));  // no overflow
}

TEST(SupervisionBackoffDelay, JitterFollowsTheAkkaFormula) {
  Backoff b;
  EXPECT_EQ(backoff_delay(b, 0, 0.5), milliseconds(550));  // 500 * (1 + 0.5 * 0.2)
  EXPECT_EQ(backoff_delay(b, 2, 0.25), milliseconds(2'100));
  // u is in [0, 1): the delay stays below min * 2^n * (1 + factor).
  EXPECT_LT(backoff_delay(b, 0, 0.999999), milliseconds(600));
}

TEST(SupervisionBackoffDelay, RoundsToNanoseconds) {
  Backoff b;
  b.min = milliseconds(1);
  b.random_factor = 0.3;
  EXPECT_EQ(backoff_delay(b, 0, 1.0 / 3.0), nanoseconds(1'100'000));
}

TEST(SupervisionBackoffDelay, ZeroMinMeansImmediateRestarts) {
  Backoff b;
  b.min = milliseconds(0);
  EXPECT_EQ(backoff_delay(b, 10, 0.9), nanoseconds(0));
}

}  // namespace
}  // namespace autotrader::supervision
