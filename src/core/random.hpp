#pragma once
// Injected randomness. Logic that needs jitter or sampling takes a Random, so a test can fix
// the sequence and a run can be reproduced from its seed.
#include <cstdint>
#include <random>

namespace autotrader::core {

class Random {
 public:
  virtual ~Random() = default;
  // A uniform draw in [0, 1).
  virtual double uniform01() = 0;
};

// A Mersenne Twister with an explicit seed. Not thread-safe: one per owner.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_{seed} {}
  double uniform01() override { return dist_(engine_); }

 private:
  std::mt19937_64 engine_;
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
};

// Always returns the same value: for tests that want an exact jitter.
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(double value) : value_{value} {}
  double uniform01() override { return value_; }

 private:
  double value_;
};

}  // namespace autotrader::core
