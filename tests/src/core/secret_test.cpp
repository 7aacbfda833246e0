#include "core/secret.hpp"

#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace autotrader::core {
namespace {

// A secret must never turn into printable text without a visible reveal().
static_assert(!std::is_convertible_v<Secret, std::string>);
static_assert(!std::is_convertible_v<Secret, std::string_view>);
static_assert(!std::is_convertible_v<std::string, Secret>);

TEST(Secret, PrintsRedactedThroughOstream) {
  const Secret secret{"sk-live-123456"};
  std::ostringstream out;
  out << "key=" << secret;
  EXPECT_EQ(out.str(), "key=[redacted]");
}

TEST(Secret, PrintsRedactedThroughFmt) {
  const Secret secret{"sk-live-123456"};
  EXPECT_EQ(fmt::format("key={}", secret), "key=[redacted]");
  EXPECT_EQ(fmt::format("key={:>12}", secret), "key=  [redacted]");
}

TEST(Secret, RevealsOnlyOnRequest) {
  const Secret secret{"sk-live-123456"};
  EXPECT_EQ(secret.reveal(), "sk-live-123456");
  EXPECT_FALSE(secret.empty());
  EXPECT_TRUE(Secret{}.empty());
  EXPECT_TRUE(Secret{""}.empty());
}

TEST(Secret, CopiesStaySecret) {
  const Secret original{"sk-live-123456"};
  const Secret copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(fmt::format("{}", copy), "[redacted]");
  EXPECT_EQ(copy.reveal(), original.reveal());
}

TEST(Secret, MatchesComparesWholeValue) {
  const Secret token{"token-abcdef"};
  EXPECT_TRUE(token.matches("token-abcdef"));
  EXPECT_FALSE(token.matches("token-abcdeF"));
  EXPECT_FALSE(token.matches("token-abcde"));
  EXPECT_FALSE(token.matches("token-abcdefg"));
  EXPECT_FALSE(token.matches(""));
  EXPECT_TRUE(Secret{}.matches(""));
}

struct RedactCase {
  const char* name;
  std::vector<std::string> secrets;
  std::string text;
  std::string expected;
};

class RedactorCases : public ::testing::TestWithParam<RedactCase> {};

TEST_P(RedactorCases, Redacts) {
  Redactor redactor;
  for (const auto& secret : GetParam().secrets) redactor.add(secret);
  EXPECT_EQ(redactor.apply(GetParam().text), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RedactorCases,
    ::testing::Values(RedactCase{"none", {}, "plain text", "plain text"},
                      RedactCase{"one", {"s3cr3t"}, "key s3cr3t end", "key [redacted] end"},
                      RedactCase{"every_occurrence",
                                 {"s3cr3t"},
                                 "s3cr3ts3cr3t and s3cr3t",
                                 "[redacted][redacted] and [redacted]"},
                      RedactCase{"longest_wins",
                                 {"abcd", "abcdefgh"},
                                 "x abcdefgh y abcd",
                                 "x [redacted] y [redacted]"},
                      RedactCase{"short_ignored", {"abc"}, "abc abc", "abc abc"},
                      RedactCase{"several",
                                 {"key-1111", "secret-2222"},
                                 "key-1111:secret-2222",
                                 "[redacted]:[redacted]"},
                      RedactCase{"empty_text", {"s3cr3t"}, "", ""},
                      RedactCase{"partial_not_redacted", {"s3cr3t"}, "s3cr3", "s3cr3"}),
    [](const auto& info) { return std::string{info.param.name}; });

TEST(Redactor, IgnoresShortValues) {
  Redactor redactor;
  EXPECT_FALSE(redactor.add("abc"));
  EXPECT_FALSE(redactor.add(""));
  EXPECT_TRUE(redactor.empty());
  EXPECT_TRUE(redactor.add("abcd"));
  EXPECT_TRUE(redactor.add("abcd"));
  EXPECT_FALSE(redactor.empty());
}

}  // namespace
}  // namespace autotrader::core
