#pragma once
// The market regimes of the simulator and the Markov chain that switches between them. Each
// regime is a drift and a volatility of the log price (per day, so the same regime looks alike
// at any candle interval), a volume factor, and for ranging markets a pull back to the price at
// which the range began.
#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace autotrader::sim {

enum class Regime : std::uint8_t {
  trending_up,
  trending_down,
  ranging,
  high_volatility,
  low_volatility
};
inline constexpr std::size_t regime_count = 5;

std::string_view to_string(Regime regime);

struct RegimeParams {
  double drift_per_day = 0;       // mean log return per day
  double volatility_per_day = 0;  // standard deviation of the log return over one day
  double volume_factor = 1;       // multiplies the symbol's base volume
  double reversion_per_day = 0;   // Ornstein-Uhlenbeck pull of the log price to the range anchor
};

// A Markov chain over the regimes: a regime lasts `mean_duration` of market time on average
// (each bar leaves it with probability bar / mean_duration), and the next regime is drawn with
// `next_weights` (the current regime's own weight is ignored).
struct RegimeModel {
  std::array<RegimeParams, regime_count> params{};
  std::array<double, regime_count> next_weights{};
  std::chrono::milliseconds mean_duration{std::chrono::hours{4}};

  const RegimeParams& operator[](Regime r) const { return params[static_cast<std::size_t>(r)]; }

  // Crypto-like defaults: trends of +-12 %/day, 2-3 % daily volatility, a high-volatility
  // regime at 8 % with 2.5x volume, a quiet one at 0.8 % with half the volume.
  static RegimeModel defaults();
  // Never leaves `regime` (tests of one regime's statistics).
  static RegimeModel fixed(Regime regime);
};

}  // namespace autotrader::sim
