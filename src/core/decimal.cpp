#include "core/decimal.hpp"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace autotrader::core {
namespace {

// 128-bit intermediates make every alignment and product of two mantissas exact.
__extension__ typedef __int128 Int128;

constexpr std::int64_t kMaxMantissa = std::numeric_limits<std::int64_t>::max();

constexpr Int128 pow10(int n) {
  Int128 result = 1;
  for (int i = 0; i < n; ++i) result *= 10;
  return result;
}

// How the discarded part of a rounded magnitude compares with half a unit of the last kept digit.
enum class Rest { zero, below_half, half, above_half };

Int128 apply_rounding(Int128 magnitude, bool negative, Rest rest, Rounding rounding) {
  bool away = false;
  if (rest != Rest::zero) {
    switch (rounding) {
      case Rounding::down:
        away = false;
        break;
      case Rounding::up:
        away = true;
        break;
      case Rounding::floor:
        away = negative;
        break;
      case Rounding::ceiling:
        away = !negative;
        break;
      case Rounding::half_up:
        away = rest == Rest::half || rest == Rest::above_half;
        break;
      case Rounding::half_even:
        away = rest == Rest::above_half || (rest == Rest::half && magnitude % 2 != 0);
        break;
    }
  }
  if (away) ++magnitude;
  return negative ? -magnitude : magnitude;
}

// num / den rounded; den > 0 and |num| small enough that 2 * remainder cannot overflow (every
// caller keeps both below 10^37).
Int128 round_div(Int128 num, Int128 den, Rounding rounding) {
  assert(den > 0);
  const bool negative = num < 0;
  const Int128 magnitude = negative ? -num : num;
  const Int128 quotient = magnitude / den;
  const Int128 remainder = magnitude % den;
  Rest rest = Rest::zero;
  if (remainder != 0) {
    const Int128 twice = remainder * 2;
    rest = twice < den ? Rest::below_half : twice == den ? Rest::half : Rest::above_half;
  }
  return apply_rounding(quotient, negative, rest, rounding);
}

// mantissa * 10^-scale, normalised; nullopt when it does not fit.
std::optional<Decimal> make(Int128 mantissa, int scale) {
  while (scale > 0 && mantissa % 10 == 0) {
    mantissa /= 10;
    --scale;
  }
  if (scale > Decimal::max_scale) return std::nullopt;
  if (mantissa > kMaxMantissa || mantissa < -kMaxMantissa) return std::nullopt;
  return Decimal::from_units(static_cast<std::int64_t>(mantissa), scale);
}

Int128 aligned(const Decimal& d, int scale) {
  return Int128{d.mantissa()} * pow10(scale - d.scale());
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The parts of [sign] digits [. digits]: nullopt for anything else, or when the integer digits
// exceed `limit`.
struct Scanned {
  bool negative = false;
  Int128 integer = 0;
  std::string_view fraction;
};

std::optional<Scanned> scan(std::string_view text, Int128 limit) {
  Scanned out;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) out.negative = text[i++] == '-';
  bool any_digit = false;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    out.integer = out.integer * 10 + (text[i] - '0');
    any_digit = true;
    if (out.integer > limit) return std::nullopt;
  }
  if (i < text.size() && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    out.fraction = text.substr(start, i - start);
    any_digit = any_digit || !out.fraction.empty();
  }
  if (!any_digit || i != text.size()) return std::nullopt;
  return out;
}

// Parses [sign] digits [. digits] and rounds to `scale` fraction digits. Used for double
// conversion, where the text may carry hundreds of digits.
std::optional<Decimal> parse_rounded(std::string_view text, int scale, Rounding rounding) {
  // Past 10^20 no result with scale >= 0 fits a 64-bit mantissa; stop before Int128 overflows.
  auto scanned = scan(text, pow10(20));
  if (!scanned) return std::nullopt;
  const bool negative = scanned->negative;
  Int128 magnitude = scanned->integer;
  const std::string_view fraction = scanned->fraction;
  for (int k = 0; k < scale; ++k) {
    const auto index = static_cast<std::size_t>(k);
    magnitude = magnitude * 10 + (index < fraction.size() ? fraction[index] - '0' : 0);
  }
  Rest rest = Rest::zero;
  const auto kept = static_cast<std::size_t>(scale);
  if (fraction.size() > kept) {
    const char first = fraction[kept];
    const bool more = fraction.find_first_not_of('0', kept + 1) != std::string_view::npos;
    if (first > '5' || (first == '5' && more)) {
      rest = Rest::above_half;
    } else if (first == '5') {
      rest = Rest::half;
    } else if (first > '0' || more) {
      rest = Rest::below_half;
    }
  }
  return make(apply_rounding(magnitude, negative, rest, rounding), scale);
}

}  // namespace

Decimal Decimal::from_integer(std::int64_t value) {
  assert(value != std::numeric_limits<std::int64_t>::min());
  return Decimal{value, 0};
}

std::optional<Decimal> Decimal::from_units(std::int64_t mantissa, int scale) {
  if (scale < 0 || scale > max_scale) return std::nullopt;
  if (mantissa == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
  while (scale > 0 && mantissa % 10 == 0) {
    mantissa /= 10;
    --scale;
  }
  if (mantissa == 0) scale = 0;
  return Decimal{mantissa, scale};
}

std::optional<Decimal> Decimal::parse(std::string_view text) {
  auto scanned = scan(text, kMaxMantissa);
  if (!scanned) return std::nullopt;
  const bool negative = scanned->negative;
  Int128 magnitude = scanned->integer;
  std::string_view fraction = scanned->fraction;
  // Trailing zeros carry no value ("0.01634790" has 7 significant fraction digits).
  const std::size_t significant = fraction.find_last_not_of('0');
  fraction = significant == std::string_view::npos ? std::string_view{}
                                                   : fraction.substr(0, significant + 1);
  if (fraction.size() > static_cast<std::size_t>(max_scale)) return std::nullopt;
  for (char c : fraction) magnitude = magnitude * 10 + (c - '0');
  return make(negative ? -magnitude : magnitude, static_cast<int>(fraction.size()));
}

std::optional<Decimal> Decimal::from_double(double value, int scale, Rounding rounding) {
  if (!std::isfinite(value) || scale < 0 || scale > max_scale) return std::nullopt;
  // Fixed notation of the largest double has 309 digits; the smallest subnormal needs ~1100.
  std::array<char, 1200> buffer{};
  const auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed);
  if (ec != std::errc{}) return std::nullopt;
  return parse_rounded(
      std::string_view{buffer.data(), static_cast<std::size_t>(end - buffer.data())}, scale,
      rounding);
}

double Decimal::to_double() const {
  const std::string text = to_string();
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string Decimal::to_string() const {
  return to_string(0);
}

std::string Decimal::to_string(int min_scale) const {
  // The magnitude as unsigned so that the sign is handled separately.
  std::uint64_t magnitude = mantissa_ < 0 ? static_cast<std::uint64_t>(-mantissa_)
                                          : static_cast<std::uint64_t>(mantissa_);
  std::string digits = std::to_string(magnitude);
  const auto scale = static_cast<std::size_t>(scale_);
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  std::string text = mantissa_ < 0 ? "-" : "";
  text += digits.substr(0, digits.size() - scale);
  const int fraction_digits = scale_ > min_scale ? scale_ : min_scale;
  if (fraction_digits > 0) {
    text += '.';
    text += digits.substr(digits.size() - scale);
    text.append(static_cast<std::size_t>(fraction_digits - scale_), '0');
  }
  return text;
}

bool Decimal::is_multiple_of(const Decimal& step) const {
  if (step.is_zero()) return true;
  const int scale = scale_ > step.scale_ ? scale_ : step.scale_;
  return aligned(*this, scale) % aligned(step, scale) == 0;
}

int Decimal::compare(const Decimal& a, const Decimal& b) {
  const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
  const Int128 x = aligned(a, scale);
  const Int128 y = aligned(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

std::optional<Decimal> add(const Decimal& a, const Decimal& b) {
  const int scale = a.scale() > b.scale() ? a.scale() : b.scale();
  return make(aligned(a, scale) + aligned(b, scale), scale);
}

std::optional<Decimal> subtract(const Decimal& a, const Decimal& b) {
  const int scale = a.scale() > b.scale() ? a.scale() : b.scale();
  return make(aligned(a, scale) - aligned(b, scale), scale);
}

std::optional<Decimal> multiply(const Decimal& a, const Decimal& b) {
  return make(Int128{a.mantissa()} * b.mantissa(), a.scale() + b.scale());
}

Decimal negate(const Decimal& a) {
  return *Decimal::from_units(-a.mantissa(), a.scale());
}

Decimal abs(const Decimal& a) {
  return a.is_negative() ? negate(a) : a;
}

std::optional<Decimal> divide(const Decimal& a, const Decimal& b, int scale, Rounding rounding) {
  if (b.is_zero() || scale < 0 || scale > Decimal::max_scale) return std::nullopt;
  // (A / 10^sa) / (B / 10^sb) at `scale` digits = A * 10^(scale + sb - sa) / B.
  const int exponent = scale + b.scale() - a.scale();
  Int128 num = a.mantissa();
  Int128 den = b.mantissa();
  if (exponent >= 0) {
    // An overflow here means a quotient above 10^19: it could not fit a mantissa anyway.
    if (__builtin_mul_overflow(num, pow10(exponent), &num)) return std::nullopt;
  } else {
    den *= pow10(-exponent);
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  // round_div needs 2 * remainder to fit: the remainder is below den < 10^37.
  return make(round_div(num, den, rounding), scale);
}

std::optional<Decimal> round_to_scale(const Decimal& value, int scale, Rounding rounding) {
  if (scale < 0 || scale > Decimal::max_scale) return std::nullopt;
  if (value.scale() <= scale) return value;
  return make(round_div(value.mantissa(), pow10(value.scale() - scale), rounding), scale);
}

std::optional<Decimal> round_to_step(const Decimal& value, const Decimal& step, Rounding rounding) {
  if (step.is_negative()) return std::nullopt;
  if (step.is_zero()) return value;
  const int scale = value.scale() > step.scale() ? value.scale() : step.scale();
  const Int128 unit = aligned(step, scale);
  const Int128 steps = round_div(aligned(value, scale), unit, rounding);
  return make(steps * unit, scale);
}

const char* to_string(Rounding rounding) {
  switch (rounding) {
    case Rounding::down:
      return "down";
    case Rounding::up:
      return "up";
    case Rounding::floor:
      return "floor";
    case Rounding::ceiling:
      return "ceiling";
    case Rounding::half_up:
      return "half_up";
    case Rounding::half_even:
      return "half_even";
  }
  return "unknown";
}

}  // namespace autotrader::core
