#include "indicators/moving_average.hpp"

#include <deque>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

namespace autotrader::indicators {
namespace {

TEST(Sma, EmptyUntilTheWindowIsFullThenTheWindowMean) {
  Sma sma{3};
  EXPECT_FALSE(sma.update(1));
  EXPECT_FALSE(sma.update(2));
  EXPECT_DOUBLE_EQ(*sma.update(3), 2.0);
  EXPECT_DOUBLE_EQ(*sma.update(4), 3.0);
  EXPECT_DOUBLE_EQ(*sma.update(8), 5.0);
  EXPECT_DOUBLE_EQ(*sma.value(), 5.0);
  EXPECT_EQ(sma.period(), 3u);
  Sma one{1};
  EXPECT_DOUBLE_EQ(*one.update(7.5), 7.5);
}

// A running sum drifts over millions of updates; the window is re-summed each time it wraps, so
// the average stays within a rounding error of the exact window mean.
TEST(Sma, DoesNotDriftOverAMillionUpdates) {
  Sma sma{20};
  std::deque<double> window;
  std::mt19937_64 rng{7};
  std::normal_distribution<double> noise{0.0, 50.0};
  double worst = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const double x = 60000.0 + noise(rng);
    const auto value = sma.update(x);
    window.push_back(x);
    if (window.size() > 20) window.pop_front();
    if (i % 997 == 0 && value) {
      const double exact = std::accumulate(window.begin(), window.end(), 0.0) / 20.0;
      worst = std::max(worst, std::abs(*value - exact));
    }
  }
  EXPECT_LT(worst, 1e-9);
}

TEST(Ema, SeededWithTheSimpleAverageThenSmoothed) {
  Ema ema{3};  // alpha = 0.5
  EXPECT_FALSE(ema.update(1));
  EXPECT_FALSE(ema.update(2));
  EXPECT_DOUBLE_EQ(*ema.update(3), 2.0);
  EXPECT_DOUBLE_EQ(*ema.update(4), 3.0);
  EXPECT_DOUBLE_EQ(*ema.update(0), 1.5);
  EXPECT_EQ(ema.period(), 3u);
}

// On a ramp x_i = i, an SMA-seeded EMA lags by exactly (period - 1) / 2 from its first value.
TEST(Ema, LagsARampByHalfItsPeriodMinusOne) {
  Ema ema{10};
  for (int i = 0; i < 200; ++i) {
    const auto value = ema.update(i);
    if (i < 9) {
      EXPECT_FALSE(value) << i;
    } else {
      ASSERT_TRUE(value);
      EXPECT_NEAR(*value, i - 4.5, 1e-9) << i;
    }
  }
}

}  // namespace
}  // namespace autotrader::indicators
