#include "config/json_document.hpp"

#include <gtest/gtest.h>

namespace autotrader::config {
namespace {

TEST(JsonDocument, RecordsTheLineOfEveryKey) {
  const auto document = parse_json_document(R"({
  "a": 1,
  "b": {
    "c": [
      {"d": true}
    ],

    "e": "x"
  }
})");
  ASSERT_FALSE(document.syntax_error.has_value());
  EXPECT_EQ(document.value, nlohmann::json::parse(R"({"a":1,"b":{"c":[{"d":true}],"e":"x"}})"));
  const std::map<std::string, std::size_t> expected{
      {"a", 2}, {"b", 3}, {"b.c", 4}, {"b.c[0].d", 5}, {"b.e", 8}};
  EXPECT_EQ(document.key_lines, expected);
  EXPECT_TRUE(document.duplicate_keys.empty());
}

TEST(JsonDocument, KeepsValuesOfEveryType) {
  const auto text = R"({"n": null, "t": true, "i": -3, "u": 18446744073709551615,
                        "f": 0.25, "s": "x", "a": [1, [2]], "o": {}})";
  const auto document = parse_json_document(text);
  ASSERT_FALSE(document.syntax_error.has_value());
  EXPECT_EQ(document.value, nlohmann::json::parse(text));
  EXPECT_TRUE(document.value["u"].is_number_unsigned());
}

TEST(JsonDocument, ReportsRepeatedKeysAndKeepsTheLast) {
  const auto document = parse_json_document("{\"a\": 1,\n\"a\": 2}");
  EXPECT_EQ(document.value["a"], 2);
  EXPECT_EQ(document.duplicate_keys, std::vector<std::string>{"a"});
  EXPECT_EQ(document.key_lines.at("a"), 2u);
}

struct SyntaxCase {
  const char* name;
  const char* text;
  std::size_t line;
  std::size_t column;
};

// A readable parameter in test names and failure messages.
void PrintTo(const SyntaxCase& c, std::ostream* os) {
  *os << c.name;
}

class SyntaxErrors : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(SyntaxErrors, PointAtLineAndColumn) {
  const auto document = parse_json_document(GetParam().text);
  ASSERT_TRUE(document.syntax_error.has_value());
  EXPECT_EQ(document.syntax_error->line, GetParam().line);
  EXPECT_EQ(document.syntax_error->column, GetParam().column);
  EXPECT_EQ(document.syntax_error->message.find("[json.exception"), std::string::npos)
      << document.syntax_error->message;
  EXPECT_TRUE(document.value.is_null());
}

INSTANTIATE_TEST_SUITE_P(Table, SyntaxErrors,
                         ::testing::Values(SyntaxCase{"empty", "", 1, 1},
                                           SyntaxCase{"trailing_comma", "{\n  \"a\": 1,\n}", 3, 1},
                                           SyntaxCase{"missing_colon", "{\"a\" 1}", 1, 6},
                                           SyntaxCase{"bad_literal", "{\n\"a\": tru}", 2, 9},
                                           SyntaxCase{"trailing_text", "{} x", 1, 4},
                                           SyntaxCase{"unclosed", "{\"a\": 1", 1, 8}),
                         [](const auto& info) { return std::string{info.param.name}; });

TEST(LineAndColumn, CountsFromOne) {
  EXPECT_EQ(line_and_column("ab\ncd", 0), std::make_pair(std::size_t{1}, std::size_t{1}));
  EXPECT_EQ(line_and_column("ab\ncd", 2), std::make_pair(std::size_t{1}, std::size_t{3}));
  EXPECT_EQ(line_and_column("ab\ncd", 3), std::make_pair(std::size_t{2}, std::size_t{1}));
  EXPECT_EQ(line_and_column("ab\ncd", 99), std::make_pair(std::size_t{2}, std::size_t{3}));
}

}  // namespace
}  // namespace autotrader::config
