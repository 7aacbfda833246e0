#include "core/market.hpp"

#include <gtest/gtest.h>

namespace autotrader::core {
namespace {

TEST(Symbol, ParsesAndUppercases) {
  auto s = Symbol::parse("btcusdt");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->view(), "BTCUSDT");
  EXPECT_EQ(Symbol::parse("BRK.B")->view(), "BRK.B");
  EXPECT_EQ(Symbol::parse(std::string(Symbol::max_length, 'A'))->view().size(), Symbol::max_length);
}

TEST(Symbol, RejectsWhatNoVenueNames) {
  EXPECT_FALSE(Symbol::parse(""));
  EXPECT_FALSE(Symbol::parse(std::string(Symbol::max_length + 1, 'A')));
  EXPECT_FALSE(Symbol::parse("BTC USDT"));
  EXPECT_FALSE(Symbol::parse("BTC/USDT"));
  EXPECT_FALSE(Symbol::parse("１２３"));
}

TEST(Symbol, ComparesByText) {
  EXPECT_EQ(*Symbol::parse("ethusdt"), *Symbol::parse("ETHUSDT"));
  EXPECT_LT(*Symbol::parse("AAPL"), *Symbol::parse("MSFT"));
  EXPECT_NE(*Symbol::parse("AAPL"), Symbol{});
}

TEST(Interval, RoundTripsEveryBinanceName) {
  for (const char* name : {"1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h",
                           "12h", "1d", "3d", "1w", "1M"}) {
    auto interval = parse_interval(name);
    ASSERT_TRUE(interval.has_value()) << name;
    EXPECT_EQ(to_string(*interval), name);
  }
  EXPECT_FALSE(parse_interval("1H"));
  EXPECT_FALSE(parse_interval("2m"));
  EXPECT_EQ(duration(Interval::m1), std::chrono::minutes{1});
  EXPECT_EQ(duration(Interval::w1), std::chrono::hours{168});
  EXPECT_NE(parse_interval("1m"), parse_interval("1M"));
}

}  // namespace
}  // namespace autotrader::core
