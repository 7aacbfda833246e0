#include "config/dotenv.hpp"

#include <gtest/gtest.h>

namespace autotrader::config {
namespace {

struct DotenvCase {
  const char* name;
  const char* text;
  const char* expected_value;  // of the single entry NAME; nullptr: a problem is expected
};

// A readable parameter in test names and failure messages.
void PrintTo(const DotenvCase& c, std::ostream* os) {
  *os << c.name;
}

class DotenvLines : public ::testing::TestWithParam<DotenvCase> {};

TEST_P(DotenvLines, Parse) {
  const auto content = parse_dotenv(GetParam().text);
  if (GetParam().expected_value == nullptr) {
    EXPECT_TRUE(content.entries.empty());
    ASSERT_EQ(content.problems.size(), 1u);
    EXPECT_EQ(content.problems.front().line, 1u);
    return;
  }
  EXPECT_TRUE(content.problems.empty()) << content.problems.front().message;
  ASSERT_EQ(content.entries.size(), 1u);
  EXPECT_EQ(content.entries.front().name, "NAME");
  EXPECT_EQ(content.entries.front().value, GetParam().expected_value);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DotenvLines,
    ::testing::Values(
        DotenvCase{"plain", "NAME=value", "value"},
        DotenvCase{"blanks_around", "  NAME = value  ", "value"},
        DotenvCase{"export", "export NAME=value", "value"},
        DotenvCase{"export_tab", "export\tNAME=value", "value"}, DotenvCase{"empty", "NAME=", ""},
        DotenvCase{"comment_after_blank", "NAME=value # note", "value"},
        DotenvCase{"comment_only", "NAME= # note", ""},
        DotenvCase{"hash_inside", "NAME=a#b", "a#b"}, DotenvCase{"hash_first", "NAME=#b", "#b"},
        DotenvCase{"equals_inside", "NAME=a=b", "a=b"},
        DotenvCase{"crlf", "NAME=value\r\n", "value"},
        DotenvCase{"single_quoted", "NAME='a \"b\" # \\n'", "a \"b\" # \\n"},
        DotenvCase{"double_quoted", "NAME=\"a 'b' # c\"", "a 'b' # c"},
        DotenvCase{"double_escapes", R"(NAME="a\"b\\c\nd\te\x")", "a\"b\\c\nd\te\\x"},
        DotenvCase{"quoted_then_comment", "NAME='v' # note", "v"},
        DotenvCase{"quoted_keeps_blanks", "NAME='  v  '", "  v  "},
        DotenvCase{"unterminated_single", "NAME='v", nullptr},
        DotenvCase{"unterminated_double", "NAME=\"v", nullptr},
        DotenvCase{"text_after_quote", "NAME='v' w", nullptr},
        DotenvCase{"no_equals", "NAME value", nullptr}, DotenvCase{"bad_name", "1NAME=v", nullptr},
        DotenvCase{"export_alone", "export", nullptr}),
    [](const auto& info) { return std::string{info.param.name}; });

TEST(Dotenv, SkipsCommentsAndBlankLinesAndKeepsOrder) {
  const auto content = parse_dotenv("# heading\n\n  \nA=1\n  # indented comment\nB=2\nA=3");
  EXPECT_TRUE(content.problems.empty());
  ASSERT_EQ(content.entries.size(), 3u);
  EXPECT_EQ(content.entries[0].name, "A");
  EXPECT_EQ(content.entries[0].line, 4u);
  EXPECT_EQ(content.entries[1].name, "B");
  EXPECT_EQ(content.entries[1].line, 6u);
  EXPECT_EQ(content.entries[2].value, "3");
  EXPECT_EQ(content.entries[2].line, 7u);
}

TEST(Dotenv, ProblemsNeverQuoteTheValue) {
  const auto content = parse_dotenv("KEY='sk-secret-value\nOTHER=\"sk-secret-value\" trailing\n");
  ASSERT_EQ(content.problems.size(), 2u);
  for (const auto& problem : content.problems) {
    EXPECT_EQ(problem.message.find("sk-secret"), std::string::npos) << problem.message;
  }
  EXPECT_EQ(content.problems[0].line, 1u);
  EXPECT_EQ(content.problems[1].line, 2u);
}

}  // namespace
}  // namespace autotrader::config
