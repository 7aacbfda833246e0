// Decoding of request targets: pure functions over untrusted bytes.
#include "net/http_target.hpp"

#include <random>

#include <gtest/gtest.h>

namespace autotrader::net {
namespace {

TEST(HttpTargetTest, DecodesPathAndQuery) {
  const auto parsed = parse_target("/api/a%20b+c?symbol=BTC%2FUSDT&note=a+b&flag&&x=1&x=2#frag");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->path, "/api/a b+c");  // '+' is literal in a path
  EXPECT_EQ(parsed->query, (std::map<std::string, std::string>{
                               {"symbol", "BTC/USDT"}, {"note", "a b"}, {"flag", ""}, {"x", "2"}}));
}

TEST(HttpTargetTest, PathWithoutQuery) {
  const auto parsed = parse_target("/healthz");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->path, "/healthz");
  EXPECT_TRUE(parsed->query.empty());
  EXPECT_EQ(parse_target("/?")->path, "/");
}

TEST(HttpTargetTest, RejectsWhatItCannotDecode) {
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("*"));
  EXPECT_FALSE(parse_target("http://example.invalid/x"));
  EXPECT_FALSE(parse_target("/%"));
  EXPECT_FALSE(parse_target("/%4"));
  EXPECT_FALSE(parse_target("/%zz"));
  EXPECT_FALSE(parse_target("/ok?k=%g1"));
}

TEST(HttpTargetTest, PercentDecodeKeepsEveryByte) {
  EXPECT_EQ(percent_decode("%00%ff%FF", false), std::string("\0\xff\xff", 3));
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
}

TEST(HttpTargetTest, RandomInputNeverCrashes) {
  std::mt19937 rng{20261121};
  static constexpr char kAlphabet[] = "/?&=%+#aZ09\0\xff ";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  for (int i = 0; i < 20000; ++i) {
    std::string target(rng() % 24, '\0');
    for (auto& c : target) c = alphabet[rng() % alphabet.size()];
    const auto parsed = parse_target(target);
    if (parsed) {
      EXPECT_EQ(parsed->path.front(), '/');
    }
  }
}

}  // namespace
}  // namespace autotrader::net
