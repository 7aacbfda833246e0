#pragma once
// Akka's backoff formula as a pure function, so its numbers can be checked without actors.
#include <chrono>
#include <cstdint>

#include "supervision/spec.hpp"

namespace autotrader::supervision {

// min(max, min * 2^exponent) * (1 + u * random_factor), with u in [0, 1) drawn by the caller.
// Rounded to whole nanoseconds; huge exponents saturate at max instead of overflowing.
std::chrono::nanoseconds backoff_delay(const Backoff& backoff, std::uint32_t exponent, double u);

}  // namespace autotrader::supervision
