#include "venues/sim/market_generator.hpp"

#include <cmath>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace autotrader::sim {
namespace {

constexpr core::TimestampMs origin = 1'700'000'040'000;  // a whole minute

core::Symbol sym(const char* name) {
  return *core::Symbol::parse(name);
}

GeneratorConfig config(std::uint64_t seed,
                       std::vector<const char*> names = {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) {
  GeneratorConfig c;
  c.seed = seed;
  c.origin = origin;
  for (const char* name : names) c.symbols.push_back({sym(name), default_start_price(sym(name))});
  return c;
}

// Bit-for-bit equality of every field (== on doubles would let -0 equal 0).
bool same_bits(const core::Candle& a, const core::Candle& b) {
  const auto bits = [](double x) {
    std::uint64_t u = 0;
    std::memcpy(&u, &x, sizeof u);
    return u;
  };
  return a.symbol == b.symbol && a.interval == b.interval && a.open_time == b.open_time &&
         a.close_time == b.close_time && bits(a.open) == bits(b.open) &&
         bits(a.high) == bits(b.high) && bits(a.low) == bits(b.low) &&
         bits(a.close) == bits(b.close) && bits(a.volume) == bits(b.volume) &&
         bits(a.quote_volume) == bits(b.quote_volume) && a.trades == b.trades &&
         a.closed == b.closed;
}

TEST(MarketGenerator, SameSeedSameCandlesBitForBit) {
  MarketGenerator a{config(42)};
  MarketGenerator b{config(42)};
  for (int i = 0; i < 20'000; ++i) {
    const auto x = a.next_bar();
    const auto y = b.next_bar();
    ASSERT_EQ(x.size(), 3u);
    for (std::size_t s = 0; s < x.size(); ++s) ASSERT_TRUE(same_bits(x[s], y[s])) << i;
  }
}

TEST(MarketGenerator, DifferentSeedsGiveDifferentCandles) {
  MarketGenerator a{config(42)};
  MarketGenerator b{config(43)};
  int same_close = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next_bar();
    const auto y = b.next_bar();
    for (std::size_t s = 0; s < x.size(); ++s) same_close += x[s].close == y[s].close;
  }
  EXPECT_EQ(same_close, 0);
}

TEST(MarketGenerator, SymbolsAreIndependentStreams) {
  MarketGenerator alone{config(42, {"ETHUSDT"})};
  MarketGenerator with_others{config(42, {"BTCUSDT", "ETHUSDT", "XYZUSDT"})};
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(same_bits(alone.next_bar()[0], with_others.next_bar()[1])) << i;
  }
  // Two symbols with the same start price still move differently.
  MarketGenerator twins{config(42, {"AAA", "BBB"})};
  const auto bar = twins.next_bar();
  EXPECT_NE(bar[0].close, bar[1].close);
}

// The first bars of seed 42, written down once: any change to the generator's arithmetic, its
// random stream or the order of its draws changes these and must be deliberate (it changes
// every user's simulated market).
TEST(MarketGenerator, GoldenBarsOfSeed42) {
  MarketGenerator generator{config(42, {"BTCUSDT"})};
  struct Golden {
    double open, high, low, close, volume, quote_volume;
    std::int64_t trades;
  };
  const Golden golden[] = {
      {0x1.d4cp+15, 0x1.d582bd2d6ca22p+15, 0x1.d4a6d88a1346dp+15, 0x1.d582bd2d6ca22p+15,
       0x1.f14a21b1b28ffp+3, 0x1.c7be32561eaecp+19, 2333},
      {0x1.d582bd2d6ca22p+15, 0x1.d61cb68f99e08p+15, 0x1.d580710443762p+15, 0x1.d5e8d54561455p+15,
       0x1.3c563b011a0cdp+3, 0x1.224a07552cbfap+19, 1486},
      {0x1.d5e8d54561455p+15, 0x1.d5e8d54561455p+15, 0x1.d5a0eb5fb5478p+15, 0x1.d5b6463d4f92ep+15,
       0x1.bf210d9c54ecdp+2, 0x1.9a3b755dd70fcp+18, 1050},
  };
  for (const auto& g : golden) {
    const auto k = generator.next_bar()[0];
    EXPECT_EQ(k.open, g.open);
    EXPECT_EQ(k.high, g.high);
    EXPECT_EQ(k.low, g.low);
    EXPECT_EQ(k.close, g.close);
    EXPECT_EQ(k.volume, g.volume);
    EXPECT_EQ(k.quote_volume, g.quote_volume);
    EXPECT_EQ(k.trades, g.trades);
  }
}

TEST(MarketGenerator, SkipEqualsGeneratingAndDiscarding) {
  MarketGenerator a{config(9)};
  MarketGenerator b{config(9)};
  for (int i = 0; i < 777; ++i) a.next_bar();
  for (auto& s : b.symbols()) s.skip(777);
  EXPECT_EQ(b.symbols()[0].bars_generated(), 777u);
  EXPECT_EQ(b.symbols()[0].next_open_time(), origin + 777 * 60'000);
  const auto x = a.next_bar();
  const auto y = b.next_bar();
  for (std::size_t s = 0; s < x.size(); ++s) EXPECT_TRUE(same_bits(x[s], y[s]));
}

void expect_invariants(core::Interval interval, int bars) {
  auto c = config(2024, {"BTCUSDT", "XRPUSDT", "OTHER"});
  c.interval = interval;
  const auto length = core::duration(interval).count();
  MarketGenerator generator{c};
  std::vector<core::Candle> previous;
  for (int i = 0; i < bars; ++i) {
    const auto bar = generator.next_bar();
    for (std::size_t s = 0; s < bar.size(); ++s) {
      const auto& k = bar[s];
      ASSERT_TRUE(std::isfinite(k.open) && std::isfinite(k.close) && std::isfinite(k.volume)) << i;
      ASSERT_GT(k.low, 0) << i;
      ASSERT_LE(k.low, k.open) << i;
      ASSERT_LE(k.low, k.close) << i;
      ASSERT_GE(k.high, k.open) << i;
      ASSERT_GE(k.high, k.close) << i;
      ASSERT_GT(k.volume, 0) << i;
      // The quote volume is the volume at a price inside the bar.
      ASSERT_GE(k.quote_volume, k.volume * k.low * (1 - 1e-12)) << i;
      ASSERT_LE(k.quote_volume, k.volume * k.high * (1 + 1e-12)) << i;
      ASSERT_GE(k.trades, 1) << i;
      ASSERT_TRUE(k.closed);
      ASSERT_EQ(k.interval, interval);
      ASSERT_EQ(k.open_time, origin + static_cast<core::TimestampMs>(i) * length) << i;
      ASSERT_EQ(k.close_time, k.open_time + length - 1) << i;
      if (!previous.empty()) {
        ASSERT_EQ(k.open, previous[s].close) << i;
      }
    }
    previous = bar;
  }
}

TEST(MarketGenerator, OhlcVolumeAndTimeInvariantsOver100kBars) {
  expect_invariants(core::Interval::m1, 100'000);
}

TEST(MarketGenerator, InvariantsHoldAtOtherIntervals) {
  expect_invariants(core::Interval::s1, 5'000);
  expect_invariants(core::Interval::h4, 5'000);
  expect_invariants(core::Interval::d1, 5'000);
}

struct Stats {
  double mean_return = 0;
  double sd_return = 0;
  double mean_volume = 0;
  double sd_log_price = 0;            // around the start price
  double volume_abs_return_corr = 0;  // correlation of volume with |return|
  // Mean volume divided by the activity of its bar (0.5 + |return| / the ranging regime's
  // one-bar volatility): what remains is the regime's volume factor times the base volume.
  double mean_volume_per_activity = 0;
};

Stats regime_stats(Regime regime, int bars, core::Interval interval = core::Interval::m1) {
  auto c = config(11, {"TEST"});
  c.model = RegimeModel::fixed(regime);
  c.interval = interval;
  SymbolGenerator generator{c, c.symbols[0]};
  EXPECT_EQ(generator.regime(), regime);
  std::vector<double> returns;
  std::vector<double> volumes;
  double sum_sq_log_price = 0;
  double sum_per_activity = 0;
  const double reference_sigma = c.model[Regime::ranging].volatility_per_day *
                                 std::sqrt(core::duration(interval).count() / 86'400'000.0);
  for (int i = 0; i < bars; ++i) {
    const auto k = generator.next();
    returns.push_back(std::log(k.close / k.open));
    volumes.push_back(k.volume);
    sum_per_activity += k.volume / (0.5 + std::fabs(returns.back()) / reference_sigma);
    sum_sq_log_price += std::pow(std::log(k.close / 100.0), 2);
  }
  EXPECT_EQ(generator.regime(), regime);
  const auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.size();
  };
  Stats stats;
  stats.mean_return = mean(returns);
  stats.mean_volume = mean(volumes);
  double var = 0;
  double cov = 0;
  double var_abs = 0;
  double var_volume = 0;
  double mean_abs = 0;
  for (double r : returns) mean_abs += std::fabs(r) / returns.size();
  for (std::size_t i = 0; i < returns.size(); ++i) {
    var += std::pow(returns[i] - stats.mean_return, 2);
    cov += (std::fabs(returns[i]) - mean_abs) * (volumes[i] - stats.mean_volume);
    var_abs += std::pow(std::fabs(returns[i]) - mean_abs, 2);
    var_volume += std::pow(volumes[i] - stats.mean_volume, 2);
  }
  stats.sd_return = std::sqrt(var / (returns.size() - 1));
  stats.volume_abs_return_corr = cov / std::sqrt(var_abs * var_volume);
  stats.sd_log_price = std::sqrt(sum_sq_log_price / bars);
  stats.mean_volume_per_activity = sum_per_activity / bars;
  return stats;
}

// Per-regime statistics with a fixed seed, over 40,000 one-minute bars (about 28 days). The
// bounds are several standard errors wide, yet a generator that ignored the regime's drift,
// volatility, reversion or volume factor falls far outside them.
constexpr int bars = 40'000;
const double minute_days = 1.0 / 1440;

void expect_drift_and_volatility(const Stats& s, const RegimeParams& p) {
  const double sd = p.volatility_per_day * std::sqrt(minute_days);
  const double standard_error = sd / std::sqrt(bars);
  EXPECT_NEAR(s.mean_return, p.drift_per_day * minute_days, 4 * standard_error);
  EXPECT_NEAR(s.sd_return / sd, 1.0, 0.03);
}

TEST(MarketGeneratorRegimes, TrendingUpDriftsUpAtItsVolatility) {
  const auto model = RegimeModel::defaults();
  const auto s = regime_stats(Regime::trending_up, bars);
  expect_drift_and_volatility(s, model[Regime::trending_up]);
  EXPECT_GT(s.mean_return, 0);
}

TEST(MarketGeneratorRegimes, TrendingDownDriftsDownAtItsVolatility) {
  const auto model = RegimeModel::defaults();
  const auto s = regime_stats(Regime::trending_down, bars);
  expect_drift_and_volatility(s, model[Regime::trending_down]);
  EXPECT_LT(s.mean_return, 0);
}

TEST(MarketGeneratorRegimes, HighAndLowVolatilityHaveTheirVolatilityAndVolume) {
  const auto model = RegimeModel::defaults();
  const auto high = regime_stats(Regime::high_volatility, bars);
  const auto low = regime_stats(Regime::low_volatility, bars);
  expect_drift_and_volatility(high, model[Regime::high_volatility]);
  expect_drift_and_volatility(low, model[Regime::low_volatility]);
  const auto ranging = regime_stats(Regime::ranging, bars);
  EXPECT_GT(high.mean_volume, 2.5 * ranging.mean_volume);
  EXPECT_LT(low.mean_volume, 0.8 * ranging.mean_volume);
  // Beyond the busier bars, each regime scales volume by its own factor (log-normal noise
  // with mean 1: about 0.2 % standard error per mean here).
  const auto factor = [&](Regime r) {
    return model[r].volume_factor / model[Regime::ranging].volume_factor;
  };
  EXPECT_NEAR(high.mean_volume_per_activity / ranging.mean_volume_per_activity,
              factor(Regime::high_volatility), 0.03 * factor(Regime::high_volatility));
  EXPECT_NEAR(low.mean_volume_per_activity / ranging.mean_volume_per_activity,
              factor(Regime::low_volatility), 0.03 * factor(Regime::low_volatility));
}

TEST(MarketGeneratorRegimes, RangingStaysNearItsAnchor) {
  const auto p = RegimeModel::defaults()[Regime::ranging];
  const auto s = regime_stats(Regime::ranging, bars);
  // Ornstein-Uhlenbeck: the log price's stationary deviation is sigma / sqrt(2 kappa) (0.35 %),
  // where a random walk at the same volatility would wander about 10 % over these 28 days.
  const double stationary = p.volatility_per_day / std::sqrt(2 * p.reversion_per_day);
  EXPECT_NEAR(s.sd_log_price / stationary, 1.0, 0.25);
  EXPECT_NEAR(s.mean_return, 0, 1e-5);
}

TEST(MarketGeneratorRegimes, VolumeRisesWithTheAbsoluteReturn) {
  for (auto regime : {Regime::trending_up, Regime::ranging, Regime::high_volatility}) {
    EXPECT_GT(regime_stats(regime, 10'000).volume_abs_return_corr, 0.3) << to_string(regime);
  }
}

TEST(MarketGeneratorRegimes, VolatilityIsPerDayAtAnyInterval) {
  const auto p = RegimeModel::defaults()[Regime::high_volatility];
  const auto s = regime_stats(Regime::high_volatility, 20'000, core::Interval::h1);
  EXPECT_NEAR(s.sd_return / (p.volatility_per_day * std::sqrt(1.0 / 24)), 1.0, 0.03);
}

TEST(MarketGeneratorRegimes, MarkovChainSwitchesAtTheConfiguredRateAndVisitsEveryRegime) {
  auto c = config(5, {"TEST"});
  SymbolGenerator generator{c, c.symbols[0]};
  const int n = 200'000;
  std::array<int, regime_count> time_in{};
  int switches = 0;
  auto current = generator.regime();
  for (int i = 0; i < n; ++i) {
    generator.next();
    if (generator.regime() != current) ++switches;
    current = generator.regime();
    ++time_in[static_cast<std::size_t>(current)];
  }
  // A regime lasts 4 h = 240 one-minute bars on average: about 833 switches (sd about 29).
  EXPECT_GT(switches, 700);
  EXPECT_LT(switches, 970);
  for (std::size_t r = 0; r < regime_count; ++r) {
    EXPECT_GT(time_in[r], n / 20) << to_string(static_cast<Regime>(r));
  }
}

TEST(MarketGenerator, DefaultStartPrices) {
  EXPECT_EQ(default_start_price(sym("BTCUSDT")), 60'000);
  EXPECT_EQ(default_start_price(sym("ETHUSDT")), 3'000);
  EXPECT_EQ(default_start_price(sym("AAPL")), 100);
  MarketGenerator generator{config(1, {"ETHUSDT"})};
  EXPECT_EQ(generator.next_bar()[0].open, 3'000);
}

}  // namespace
}  // namespace autotrader::sim
