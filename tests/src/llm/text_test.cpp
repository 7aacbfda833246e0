// clean_text (control characters, bidi overrides, invalid UTF-8, cutting at a code point) and the
// locale-independent number formatting the prompts rely on.
#include "llm/text.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <locale>

namespace autotrader::llm {
namespace {

TEST(LlmCleanText, RemovesControlsAndCollapsesWhitespace) {
  EXPECT_EQ(clean_text("  a\t\tb\r\nc  ", 100), "a b c");
  EXPECT_EQ(clean_text(std::string{"a\0b", 3}, 100), "ab");
  EXPECT_EQ(clean_text("a\x7f"
                       "b\x1b"
                       "c",
                       100),
            "abc");
  EXPECT_EQ(clean_text("x\xc2\x9by", 100), "xy") << "C1 control CSI";
  EXPECT_EQ(clean_text("safe\xe2\x80\xae"
                       "evil\xe2\x81\xa6!",
                       100),
            "safeevil!")
      << "bidi";
  EXPECT_EQ(clean_text("a\xe2\x80\xa8"
                       "b",
                       100),
            "a b")
      << "line separator";
  EXPECT_EQ(clean_text("caf\xc3\xa9 \xf0\x9f\x93\x88", 100), "caf\xc3\xa9 \xf0\x9f\x93\x88");
}

TEST(LlmCleanText, InvalidUtf8BecomesQuestionMarks) {
  EXPECT_EQ(clean_text("a\xff"
                       "b",
                       100),
            "a?b");
  EXPECT_EQ(clean_text("\xc0\xaf", 100), "??") << "overlong";
  EXPECT_EQ(clean_text("\xed\xa0\x80", 100), "???") << "surrogate";
  EXPECT_EQ(clean_text("\xe2\x82", 100), "??") << "truncated sequence";
}

TEST(LlmCleanText, CutsAtACodePointBoundary) {
  EXPECT_EQ(clean_text("abcdef", 3), "abc");
  EXPECT_EQ(clean_text("a\xc3\xa4\xc3\xa4", 4), "a\xc3\xa4");
  EXPECT_EQ(clean_text("ab \xf0\x9f\x93\x88", 5), "ab");
  EXPECT_EQ(clean_text("abc", 0), "");
}

TEST(LlmFormatNumbers, FixedAndPriceForms) {
  EXPECT_EQ(format_fixed(1.005, 1), "1.0");
  EXPECT_EQ(format_fixed(-0.001, 2), "0.00") << "never -0.00";
  EXPECT_EQ(format_fixed(-1.5, 2), "-1.50");
  EXPECT_EQ(format_fixed(std::numeric_limits<double>::quiet_NaN(), 2), "n/a");
  EXPECT_EQ(format_fixed(std::numeric_limits<double>::infinity(), 2), "n/a");
  EXPECT_EQ(format_fixed(1234567.891, 2), "1234567.89") << "no grouping";
  EXPECT_EQ(format_price(65000.5), "65000.50");
  EXPECT_EQ(format_price(1.2345678), "1.23457");
  EXPECT_EQ(format_price(0.00001234), "0.0000123400");
  EXPECT_EQ(format_price(0), "0.00");
  EXPECT_EQ(format_price(-120.4), "-120.400");
}

// A comma decimal point and dot grouping, like de_DE, without needing the locale installed.
struct CommaDecimal : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

TEST(LlmFormatNumbers, IgnoreTheGlobalLocale) {
  std::locale previous = std::locale::global(std::locale(std::locale::classic(), new CommaDecimal));
  std::string fixed = format_fixed(1234.5, 2);
  std::string price = format_price(0.5);
  std::locale::global(previous);
  EXPECT_EQ(fixed, "1234.50");
  EXPECT_EQ(price, "0.500000");
}

}  // namespace
}  // namespace autotrader::llm
