#pragma once
// An exact decimal number for prices and quantities that leave the process: order prices,
// quantities, and the venue filters they are checked against (tick size, step size). Binance
// sends these as strings ("0.01634790"); parsing them into a double and back can change the
// last digit and fail the venue's `price % tickSize == 0` check, so they are kept exact here.
//
// Representation: value = mantissa * 10^-scale, a 64-bit mantissa and 0 <= scale <= max_scale,
// always normalised (no trailing zero digits in the mantissa, zero has scale 0), so equal values
// have equal representations. That covers every number a venue quotes: 18 fraction digits, and
// up to 9.2e18 units of the last digit (92 billion at 8 decimals).
//
// Arithmetic never overflows silently and never rounds silently: add/subtract/multiply return
// nullopt when the exact result does not fit, and anything that must round (division, from a
// double, to a tick) takes an explicit Rounding. A plain value type; thread-compatible.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace autotrader::core {

enum class Rounding : std::uint8_t {
  down,       // toward zero (truncate)
  up,         // away from zero
  floor,      // toward negative infinity
  ceiling,    // toward positive infinity
  half_up,    // to nearest, ties away from zero
  half_even,  // to nearest, ties to the even neighbour (banker's rounding)
};

class Decimal {
 public:
  static constexpr int max_scale = 18;

  // Zero.
  constexpr Decimal() = default;
  // An integer value; `value` must not be INT64_MIN (asserted).
  static Decimal from_integer(std::int64_t value);
  // mantissa * 10^-scale, normalised; nullopt when scale is outside 0..max_scale or the
  // mantissa is INT64_MIN (excluded so that negation never overflows).
  static std::optional<Decimal> from_units(std::int64_t mantissa, int scale);

  // Plain decimal text as venues send it: optional sign, digits, optional '.' and digits
  // ("0.01634790", "-12", ".5", "5."). No exponent, no spaces, no thousands separators.
  // nullopt when malformed, when more than max_scale significant fraction digits are given
  // (trailing zeros do not count) or when the value does not fit.
  static std::optional<Decimal> parse(std::string_view text);

  // The double's shortest round-trip decimal form (so 0.1 is 0.1, not 0.1000000000000000055),
  // rounded to `scale` fraction digits. nullopt for NaN, infinities and values that do not fit.
  static std::optional<Decimal> from_double(double value, int scale, Rounding rounding);

  std::int64_t mantissa() const { return mantissa_; }
  int scale() const { return scale_; }
  bool is_zero() const { return mantissa_ == 0; }
  bool is_negative() const { return mantissa_ < 0; }

  // The nearest double (correctly rounded).
  double to_double() const;
  // Shortest exact text: "0.0163479", "-1.5", "42", "0".
  std::string to_string() const;
  // Exact text with at least `min_scale` fraction digits, zero-padded: to_string(8) of 0.5 is
  // "0.50000000". Never drops digits: a value with more digits prints them all.
  std::string to_string(int min_scale) const;

  // Whether this is a whole multiple of `step` (Binance's `price % tickSize == 0`). A zero step
  // means the rule is disabled (Binance's convention), so every value is a multiple of it.
  bool is_multiple_of(const Decimal& step) const;

  friend bool operator==(const Decimal& a, const Decimal& b) {
    return a.mantissa_ == b.mantissa_ && a.scale_ == b.scale_;
  }
  friend bool operator!=(const Decimal& a, const Decimal& b) { return !(a == b); }
  friend bool operator<(const Decimal& a, const Decimal& b) { return compare(a, b) < 0; }
  friend bool operator>(const Decimal& a, const Decimal& b) { return compare(a, b) > 0; }
  friend bool operator<=(const Decimal& a, const Decimal& b) { return compare(a, b) <= 0; }
  friend bool operator>=(const Decimal& a, const Decimal& b) { return compare(a, b) >= 0; }
  // -1, 0 or 1. Exact for every pair of values.
  static int compare(const Decimal& a, const Decimal& b);

 private:
  constexpr Decimal(std::int64_t mantissa, int scale) : mantissa_{mantissa}, scale_{scale} {}

  std::int64_t mantissa_ = 0;
  int scale_ = 0;
};

// Exact arithmetic; nullopt when the exact result does not fit a Decimal (mantissa overflow,
// or more than max_scale fraction digits for multiply).
std::optional<Decimal> add(const Decimal& a, const Decimal& b);
std::optional<Decimal> subtract(const Decimal& a, const Decimal& b);
std::optional<Decimal> multiply(const Decimal& a, const Decimal& b);
// Always exact: the mantissa range is symmetric.
Decimal negate(const Decimal& a);
Decimal abs(const Decimal& a);

// a / b rounded to `scale` fraction digits. nullopt when b is zero, scale is outside
// 0..max_scale or the result does not fit.
std::optional<Decimal> divide(const Decimal& a, const Decimal& b, int scale, Rounding rounding);

// `value` rounded to `scale` fraction digits; nullopt only when scale is outside 0..max_scale
// (dropping digits never makes the mantissa larger, so the result always fits).
std::optional<Decimal> round_to_scale(const Decimal& value, int scale, Rounding rounding);

// The multiple of `step` nearest to `value` in the rounding's direction: a sell price rounds
// up to the tick (Rounding::ceiling), a buy price and a quantity round down (Rounding::floor).
// A zero step returns `value` unchanged (disabled rule). nullopt when step is negative or the
// result does not fit.
std::optional<Decimal> round_to_step(const Decimal& value, const Decimal& step, Rounding rounding);

const char* to_string(Rounding rounding);

}  // namespace autotrader::core
