#include "core/decimal.hpp"

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace autotrader::core {
namespace {

Decimal d(const char* text) {
  auto value = Decimal::parse(text);
  EXPECT_TRUE(value.has_value()) << text;
  return value.value_or(Decimal{});
}

TEST(Decimal, ParsesVenueStringsExactly) {
  const Decimal price = d("0.01634790");
  EXPECT_EQ(price.mantissa(), 1634790 / 10);
  EXPECT_EQ(price.scale(), 7);
  EXPECT_EQ(price.to_string(), "0.0163479");
  EXPECT_EQ(price.to_string(8), "0.01634790");
  EXPECT_EQ(d("-12").to_string(), "-12");
  EXPECT_EQ(d("+12.50").to_string(), "12.5");
  EXPECT_EQ(d(".5").to_string(), "0.5");
  EXPECT_EQ(d("5.").to_string(), "5");
  EXPECT_EQ(d("000123.4500").to_string(), "123.45");
  EXPECT_EQ(d("0.000000000000000001").to_string(), "0.000000000000000001");
  EXPECT_EQ(d("9223372036854775807").to_string(), "9223372036854775807");
  // Trailing zeros past max_scale carry no value, so they are accepted.
  EXPECT_EQ(d("1.50000000000000000000000").to_string(), "1.5");
}

TEST(Decimal, RejectsMalformedOrUnrepresentableText) {
  for (const char* text : {"", "-", "+", ".", "1e5", "1.2.3", " 1", "1 ", "0x10", "1,000", "--1",
                           "abc", "1.0000000000000000001", "9223372036854775808",
                           "-9223372036854775808", "99999999999999999999999"}) {
    EXPECT_FALSE(Decimal::parse(text).has_value()) << text;
  }
}

TEST(Decimal, EqualValuesHaveEqualRepresentations) {
  EXPECT_EQ(d("1.10"), d("1.1"));
  EXPECT_EQ(d("-0"), d("0.000"));
  EXPECT_EQ(d("0").scale(), 0);
  EXPECT_EQ(*Decimal::from_units(1500, 3), d("1.5"));
  EXPECT_FALSE(Decimal::from_units(1, 19).has_value());
  EXPECT_FALSE(Decimal::from_units(1, -1).has_value());
  EXPECT_FALSE(Decimal::from_units(std::numeric_limits<std::int64_t>::min(), 0).has_value());
  EXPECT_EQ(Decimal::from_integer(-7).to_string(), "-7");
}

TEST(Decimal, FormatsWithPaddingButNeverDropsDigits) {
  EXPECT_EQ(d("0.5").to_string(8), "0.50000000");
  EXPECT_EQ(d("42").to_string(2), "42.00");
  EXPECT_EQ(d("-0.001").to_string(), "-0.001");
  EXPECT_EQ(d("1.23456").to_string(2), "1.23456");
  EXPECT_EQ(Decimal{}.to_string(3), "0.000");
  EXPECT_EQ(d("-9223372036854775807").to_string(), "-9223372036854775807");
}

TEST(Decimal, ComparesAcrossScales) {
  EXPECT_LT(d("0.1"), d("0.10000001"));
  EXPECT_GT(d("100"), d("99.9999999999999999"));
  EXPECT_LT(d("-1.5"), d("-1.4"));
  EXPECT_LE(d("2.0"), d("2"));
  EXPECT_GE(d("2.0"), d("2"));
  EXPECT_EQ(Decimal::compare(d("9223372036854775807"), d("0.000000000000000001")), 1);
  EXPECT_NE(d("1"), d("-1"));
}

TEST(Decimal, AddsSubtractsAndMultipliesExactly) {
  // The double sum 0.1 + 0.2 is 0.30000000000000004; the decimal one is 0.3.
  EXPECT_EQ(*add(d("0.1"), d("0.2")), d("0.3"));
  EXPECT_EQ(*subtract(d("1"), d("0.00000001")), d("0.99999999"));
  EXPECT_EQ(*subtract(d("0.5"), d("0.5")), Decimal{});
  EXPECT_EQ(*multiply(d("0.00100000"), d("42150.37")), d("42.15037"));
  EXPECT_EQ(*multiply(d("-1.5"), d("2")), d("-3"));
  // Products with more than max_scale digits are not exact: nullopt, never a silent round.
  EXPECT_FALSE(multiply(d("0.0000000001"), d("0.0000000001")).has_value());
  // 10^-9 * 10^-9 = 10^-18 fits exactly.
  EXPECT_EQ(multiply(d("0.000000001"), d("0.000000001"))->to_string(), "0.000000000000000001");
}

TEST(Decimal, ReportsOverflowInsteadOfWrapping) {
  const Decimal big = d("9223372036854775807");
  EXPECT_FALSE(add(big, d("1")).has_value());
  EXPECT_FALSE(subtract(negate(big), d("1")).has_value());
  EXPECT_FALSE(multiply(big, d("2")).has_value());
  EXPECT_FALSE(add(d("9223372036.854775807"), d("9223372036.854775807")).has_value());
  EXPECT_EQ(*add(big, d("-1")), d("9223372036854775806"));
  EXPECT_EQ(negate(negate(big)), big);
  EXPECT_EQ(abs(d("-3.25")), d("3.25"));
}

struct DivideCase {
  const char* a;
  const char* b;
  int scale;
  Rounding rounding;
  const char* expected;
};

TEST(Decimal, DividesWithExplicitRounding) {
  const DivideCase cases[] = {
      {"1", "3", 4, Rounding::down, "0.3333"},
      {"2", "3", 4, Rounding::down, "0.6666"},
      {"2", "3", 4, Rounding::half_up, "0.6667"},
      {"-2", "3", 4, Rounding::floor, "-0.6667"},
      {"-2", "3", 4, Rounding::ceiling, "-0.6666"},
      {"-2", "3", 4, Rounding::up, "-0.6667"},
      {"1", "8", 2, Rounding::half_even, "0.12"},
      {"3", "8", 2, Rounding::half_even, "0.38"},
      {"1", "8", 2, Rounding::half_up, "0.13"},
      {"-1", "8", 2, Rounding::half_up, "-0.13"},
      {"100", "0.00000001", 0, Rounding::down, "10000000000"},
      {"0.000000000000000001", "1000000000000000000", 18, Rounding::up, "0.000000000000000001"},
      {"10", "4", 0, Rounding::half_even, "2"},
      {"10", "-4", 1, Rounding::down, "-2.5"},
  };
  for (const auto& c : cases) {
    auto result = divide(d(c.a), d(c.b), c.scale, c.rounding);
    ASSERT_TRUE(result.has_value()) << c.a << "/" << c.b;
    EXPECT_EQ(result->to_string(), c.expected)
        << c.a << "/" << c.b << " scale " << c.scale << " " << to_string(c.rounding);
  }
  EXPECT_FALSE(divide(d("1"), Decimal{}, 2, Rounding::down).has_value());
  EXPECT_FALSE(divide(d("1"), d("3"), 19, Rounding::down).has_value());
  EXPECT_FALSE(divide(d("9223372036854775807"), d("0.1"), 0, Rounding::down).has_value());
}

TEST(Decimal, RoundsToScaleInEveryMode) {
  struct Case {
    const char* value;
    Rounding rounding;
    const char* expected;
  };
  // Rounding to one fraction digit.
  const Case cases[] = {
      {"1.25", Rounding::down, "1.2"},        {"1.25", Rounding::up, "1.3"},
      {"1.25", Rounding::floor, "1.2"},       {"1.25", Rounding::ceiling, "1.3"},
      {"1.25", Rounding::half_up, "1.3"},     {"1.25", Rounding::half_even, "1.2"},
      {"1.35", Rounding::half_even, "1.4"},   {"-1.25", Rounding::down, "-1.2"},
      {"-1.25", Rounding::up, "-1.3"},        {"-1.25", Rounding::floor, "-1.3"},
      {"-1.25", Rounding::ceiling, "-1.2"},   {"-1.25", Rounding::half_up, "-1.3"},
      {"-1.25", Rounding::half_even, "-1.2"}, {"1.2", Rounding::up, "1.2"},
      {"1.24999", Rounding::half_up, "1.2"},  {"1.25001", Rounding::half_even, "1.3"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(round_to_scale(d(c.value), 1, c.rounding)->to_string(), c.expected)
        << c.value << " " << to_string(c.rounding);
  }
  EXPECT_FALSE(round_to_scale(d("1.5"), -1, Rounding::down).has_value());
  EXPECT_FALSE(round_to_scale(d("1.5"), 19, Rounding::down).has_value());
  EXPECT_EQ(round_to_scale(d("9223372036854775.807"), 2, Rounding::up)->to_string(),
            "9223372036854775.81");
}

TEST(Decimal, RoundsToVenueTicksAndSteps) {
  const Decimal tick = d("0.01000000");
  EXPECT_EQ(*round_to_step(d("42150.376"), tick, Rounding::floor), d("42150.37"));
  EXPECT_EQ(*round_to_step(d("42150.371"), tick, Rounding::ceiling), d("42150.38"));
  EXPECT_EQ(*round_to_step(d("42150.375"), tick, Rounding::half_even), d("42150.38"));
  EXPECT_EQ(*round_to_step(d("42150.37"), tick, Rounding::ceiling), d("42150.37"));
  // Steps that are not powers of ten.
  EXPECT_EQ(*round_to_step(d("1.07"), d("0.05"), Rounding::floor), d("1.05"));
  EXPECT_EQ(*round_to_step(d("1.07"), d("0.05"), Rounding::half_up), d("1.05"));
  EXPECT_EQ(*round_to_step(d("1.08"), d("0.05"), Rounding::half_up), d("1.1"));
  EXPECT_EQ(*round_to_step(d("-1.07"), d("0.05"), Rounding::floor), d("-1.1"));
  EXPECT_EQ(*round_to_step(d("1234"), d("25"), Rounding::down), d("1225"));
  // A zero step is a disabled rule; a negative one is a caller error.
  EXPECT_EQ(*round_to_step(d("1.234"), Decimal{}, Rounding::floor), d("1.234"));
  EXPECT_FALSE(round_to_step(d("1"), d("-0.1"), Rounding::floor).has_value());
  EXPECT_FALSE(round_to_step(d("9223372036854775807"), d("10"), Rounding::ceiling).has_value());
  EXPECT_TRUE(round_to_step(d("42150.376"), tick, Rounding::floor)->is_multiple_of(tick));
}

TEST(Decimal, ChecksTheVenueMultipleRule) {
  EXPECT_TRUE(d("0.01634790").is_multiple_of(d("0.00000010")));
  EXPECT_FALSE(d("0.01634791").is_multiple_of(d("0.00000010")));
  EXPECT_TRUE(d("1.5").is_multiple_of(d("0.5")));
  EXPECT_FALSE(d("1.5").is_multiple_of(d("0.2")));
  EXPECT_TRUE(d("-3").is_multiple_of(d("1.5")));
  EXPECT_TRUE(d("0").is_multiple_of(d("0.001")));
  EXPECT_TRUE(d("1.23456789").is_multiple_of(Decimal{}));
}

TEST(Decimal, ConvertsFromDoublesByTheirShortestForm) {
  EXPECT_EQ(Decimal::from_double(0.1, 8, Rounding::half_even)->to_string(), "0.1");
  // 2.675 is stored as 2.67499999999999982236431605997495353221893310546875; its shortest
  // form is 2.675, so half_up gives 2.68 as a person reading the number would expect.
  EXPECT_EQ(Decimal::from_double(2.675, 2, Rounding::half_up)->to_string(), "2.68");
  EXPECT_EQ(Decimal::from_double(2.675, 2, Rounding::half_even)->to_string(), "2.68");
  EXPECT_EQ(Decimal::from_double(2.665, 2, Rounding::half_even)->to_string(), "2.66");
  EXPECT_EQ(Decimal::from_double(0.123456789, 4, Rounding::down)->to_string(), "0.1234");
  EXPECT_EQ(Decimal::from_double(-0.123456789, 4, Rounding::floor)->to_string(), "-0.1235");
  EXPECT_EQ(Decimal::from_double(1e-30, 8, Rounding::ceiling)->to_string(), "0.00000001");
  EXPECT_EQ(Decimal::from_double(1e-30, 8, Rounding::half_up)->to_string(), "0");
  EXPECT_EQ(Decimal::from_double(-0.0, 2, Rounding::down)->to_string(), "0");
  EXPECT_EQ(Decimal::from_double(123456789.0, 0, Rounding::down)->to_string(), "123456789");
  EXPECT_EQ(Decimal::from_double(std::numeric_limits<double>::denorm_min(), 18, Rounding::up)
                ->to_string(),
            "0.000000000000000001");
  EXPECT_FALSE(Decimal::from_double(std::nan(""), 2, Rounding::down).has_value());
  EXPECT_FALSE(
      Decimal::from_double(std::numeric_limits<double>::infinity(), 2, Rounding::down).has_value());
  EXPECT_FALSE(Decimal::from_double(1e300, 2, Rounding::down).has_value());
  EXPECT_FALSE(Decimal::from_double(1e19, 0, Rounding::down).has_value());
  EXPECT_EQ(Decimal::from_double(1e17, 8, Rounding::down)->to_string(), "100000000000000000");
  EXPECT_FALSE(Decimal::from_double(1.0, 19, Rounding::down).has_value());
}

TEST(Decimal, ConvertsToTheNearestDouble) {
  EXPECT_EQ(d("0.1").to_double(), 0.1);
  EXPECT_EQ(d("-42150.37").to_double(), -42150.37);
  EXPECT_EQ(d("0.000000000000000001").to_double(), 1e-18);
  EXPECT_EQ(d("9223372036854775807").to_double(), 9223372036854775807.0);
}

// Text round trip and arithmetic identities on random values (fixed seed, so a failure
// reproduces): parse(to_string(x)) == x, (a + b) - b == a, a * b / b == a.
TEST(Decimal, RandomValuesRoundTripAndKeepIdentities) {
  std::mt19937_64 rng{0x5eed'dec1};
  std::uniform_int_distribution<std::int64_t> mantissa{-999'999'999'999, 999'999'999'999};
  std::uniform_int_distribution<int> scale{0, 6};
  for (int i = 0; i < 20000; ++i) {
    const Decimal a = *Decimal::from_units(mantissa(rng), scale(rng));
    const Decimal b = *Decimal::from_units(mantissa(rng), scale(rng));
    ASSERT_EQ(Decimal::parse(a.to_string()), a) << a.to_string();
    ASSERT_EQ(Decimal::parse(a.to_string(12)), a) << a.to_string(12);
    auto sum = add(a, b);
    ASSERT_TRUE(sum.has_value());
    ASSERT_EQ(*subtract(*sum, b), a) << a.to_string() << " " << b.to_string();
    if (a.to_double() != b.to_double()) {
      ASSERT_EQ(Decimal::compare(a, b) < 0, a.to_double() < b.to_double());
    }
    if (!b.is_zero()) {
      auto product = multiply(a, b);
      if (product) {
        ASSERT_EQ(*divide(*product, b, a.scale(), Rounding::down), a)
            << a.to_string() << " " << b.to_string();
      }
    }
    ASSERT_EQ(Decimal::from_double(a.to_double(), a.scale(), Rounding::half_even), a)
        << a.to_string();
  }
}

// Decimal::parse reads venue strings: arbitrary text must never crash it (ASan and UBSan
// watch), and whatever it accepts must print back to text that parses to the same value.
TEST(Decimal, ArbitraryTextParsesToARoundTrippingValueOrNothing) {
  std::mt19937_64 rng{0x5eed'dec2};
  static constexpr char alphabet[] = "0123456789000.-+e ";
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text(rng() % 30, ' ');
    for (char& c : text) c = alphabet[rng() % (sizeof(alphabet) - 1)];
    const auto value = Decimal::parse(text);
    if (!value) continue;
    ++accepted;
    ASSERT_EQ(Decimal::parse(value->to_string()), value) << text;
    ASSERT_LE(value->scale(), Decimal::max_scale) << text;
  }
  EXPECT_GT(accepted, 100);
}

TEST(Decimal, LongInputsAreHandledByValueNotLength) {
  EXPECT_EQ(Decimal::parse(std::string(10000, '0') + "1.5"), d("1.5"));
  EXPECT_EQ(Decimal::parse("2." + std::string(10000, '0')), d("2"));
  EXPECT_FALSE(Decimal::parse("0." + std::string(10000, '0') + "1").has_value());
  EXPECT_FALSE(Decimal::parse(std::string(10000, '9')).has_value());
}

}  // namespace
}  // namespace autotrader::core
