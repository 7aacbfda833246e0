#include "venues/sim/portable_random.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace autotrader::sim {
namespace {

// Reference outputs (xoshiro256** from the state {1, 2, 3, 4} as in the rand_xoshiro test
// vectors, SplitMix64 from 0), so the streams are the published algorithms and not merely
// self-consistent.
TEST(PortableRandom, SplitMix64MatchesTheReference) {
  std::uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(splitmix64(state), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(splitmix64(state), 0x06c45d188009454fULL);
}

TEST(PortableRandom, Xoshiro256StarStarMatchesTheReference) {
  auto rng = Xoshiro256::from_state({1, 2, 3, 4});
  const std::uint64_t expected[] = {11520ULL,
                                    0ULL,
                                    1509978240ULL,
                                    1215971899390074240ULL,
                                    1216172134540287360ULL,
                                    607988272756665600ULL,
                                    16172922978634559625ULL,
                                    8476171486693032832ULL,
                                    10595114339597558777ULL,
                                    2904607092377533576ULL};
  for (const auto value : expected) EXPECT_EQ(rng.next(), value);
}

TEST(PortableRandom, SameSeedSameStreamDifferentSeedDifferentStream) {
  Xoshiro256 a{7};
  Xoshiro256 b{7};
  Xoshiro256 c{8};
  int differing = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differing += x != c.next();
  }
  EXPECT_EQ(differing, 1000);
}

TEST(PortableRandom, UniformIsInUnitIntervalWithTheRightMoments) {
  Xoshiro256 rng{1};
  const int n = 200'000;
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  // Mean 1/2 (standard error 0.00065), variance 1/12.
  EXPECT_NEAR(sum / n, 0.5, 0.003);
  EXPECT_NEAR(sum_sq / n - (sum / n) * (sum / n), 1.0 / 12, 0.002);
}

TEST(PortableRandom, NormalHasZeroMeanUnitVarianceAndNormalTails) {
  Xoshiro256 rng{2};
  const int n = 400'000;
  double sum = 0;
  double sum_sq = 0;
  double sum_4 = 0;
  int beyond_2 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sum_sq += z * z;
    sum_4 += z * z * z * z;
    beyond_2 += std::fabs(z) > 2;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / n, 1.0, 0.01);
  EXPECT_NEAR(sum_4 / n, 3.0, 0.06);                               // kurtosis of a normal
  EXPECT_NEAR(static_cast<double>(beyond_2) / n, 0.0455, 0.0015);  // P(|Z| > 2)
}

TEST(PortableMath, ExpAndLogAgreeWithTheStandardLibraryToAFewUlp) {
  Xoshiro256 rng{3};
  for (int i = 0; i < 100'000; ++i) {
    const double x = (rng.uniform01() - 0.5) * 1400;  // most of exp's range
    const double expected = std::exp(x);
    EXPECT_NEAR(portable_exp(x), expected, 4 * std::numeric_limits<double>::epsilon() * expected)
        << x;
    const double y = std::ldexp(0.5 + rng.uniform01(), static_cast<int>(x / 2));
    EXPECT_NEAR(portable_log(y), std::log(y),
                4 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::fabs(std::log(y))))
        << y;
  }
}

TEST(PortableMath, EdgeCases) {
  EXPECT_EQ(portable_exp(0), 1.0);
  EXPECT_EQ(portable_log(1), 0.0);
  EXPECT_EQ(portable_exp(800), std::numeric_limits<double>::infinity());
  EXPECT_EQ(portable_exp(-800), 0.0);
  EXPECT_TRUE(std::isnan(portable_exp(std::nan(""))));
  EXPECT_EQ(portable_log(0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(portable_log(-1)));
  EXPECT_NEAR(portable_log(2), 0.6931471805599453, 1e-16);
  EXPECT_NEAR(portable_exp(1), 2.718281828459045, 1e-15);
  EXPECT_NEAR(portable_log(1e-300), std::log(1e-300), 1e-12);
}

}  // namespace
}  // namespace autotrader::sim
