#include "supervision/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace autotrader::supervision {

std::chrono::nanoseconds backoff_delay(const Backoff& backoff, std::uint32_t exponent, double u) {
  using ms_double = std::chrono::duration<double, std::milli>;
  const double min_ms = ms_double{backoff.min}.count();
  const double max_ms = ms_double{backoff.max}.count();
  // ldexp is exact for powers of two and yields inf past the double range; min() then caps it.
  const double base_ms = std::min(
      max_ms, std::ldexp(min_ms, static_cast<int>(std::min(exponent, std::uint32_t{1024}))));
  const double jitter = 1.0 + std::clamp(u, 0.0, 1.0) * std::max(0.0, backoff.random_factor);
  return std::chrono::nanoseconds{std::llround(base_ms * jitter * 1e6)};
}

}  // namespace autotrader::supervision
