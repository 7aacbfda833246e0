#pragma once
// Randomness and the two transcendental functions the simulator needs, written out so that a
// seed gives the same candles bit for bit on every IEEE-754 platform and standard library:
// std::normal_distribution (and even std::uniform_real_distribution) are implementation-defined,
// and libm's exp/log may differ in the last bit between versions. Everything here is built from
// +, -, *, /, sqrt, frexp, ldexp and floor, which IEEE-754 defines exactly (the library is
// compiled with -ffp-contract=off so no compiler fuses a multiply and an add).
#include <array>
#include <cstdint>

namespace autotrader::sim {

// SplitMix64 (Steele, Lea, Flood 2014): expands one 64-bit seed into well-mixed words.
std::uint64_t splitmix64(std::uint64_t& state);

// 64-bit FNV-1a of a text: a stable hash for deriving per-symbol seeds from names.
std::uint64_t fnv1a64(const char* data, std::size_t size);

// xoshiro256** 1.0 (Blackman, Vigna 2018), seeded through SplitMix64 as its authors advise.
// Not thread-safe: one per owner.
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed);
  // A generator in exactly this state (for checking against the reference vectors).
  static Xoshiro256 from_state(const std::array<std::uint64_t, 4>& state);

  std::uint64_t next();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Standard normal by Marsaglia's polar method (uses only log and sqrt); the second value of
  // each pair is kept for the next call.
  double normal();

 private:
  std::array<std::uint64_t, 4> s_{};
  double spare_ = 0;
  bool has_spare_ = false;
};

// e^x and ln(x) to within a few ulp, identical on every IEEE-754 platform. exp overflows to
// +inf above ~709.78 and underflows to 0 below ~-745; log(x <= 0) is -inf / NaN as for std::log.
double portable_exp(double x);
double portable_log(double x);

}  // namespace autotrader::sim
