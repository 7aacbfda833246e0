#include "venues/binance/rest_codec.hpp"

#include <gtest/gtest.h>

namespace autotrader::binance {
namespace {

core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}

TEST(BinanceRestCodec, DecodesServerTime) {
  auto time = decode_server_time(R"({"serverTime": 1499827319559})");
  ASSERT_TRUE(time.ok());
  EXPECT_EQ(*time, 1499827319559);
  EXPECT_EQ(decode_server_time(R"({"serverTime":"1"})").error().code, errc::invalid_field);
  EXPECT_EQ(decode_server_time(R"({"time":1})").error().code, errc::missing_field);
  EXPECT_EQ(decode_server_time("[]").error().code, errc::unexpected_shape);
  EXPECT_EQ(decode_server_time("{").error().code, errc::malformed_json);
}

TEST(BinanceRestCodec, DecodesErrorBodies) {
  auto error = decode_api_error(
      R"({"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."})");
  ASSERT_TRUE(error.ok());
  EXPECT_EQ(error->code, kInvalidTimestamp);
  EXPECT_EQ(error->message, "Timestamp for this request is outside of the recvWindow.");
  EXPECT_EQ(decode_api_error(R"({"msg":"x"})").error().code, errc::missing_field);
  EXPECT_EQ(decode_api_error("<html>").error().code, errc::malformed_json);
}

// The documented row of reference §3, twice: one bar closed, the last one still forming.
constexpr const char* kKlines =
    R"([[1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.11427815",)"
    R"(1499044799999,"2434.19055334",308,"1756.87402397","28.46694368","0"],)"
    R"([1499044800000,"0.01577100","0.01600000","0.01500000","0.01590000","10.5",)"
    R"(1499049599999,"0.5",3,"1","1","0"]])";

TEST(BinanceRestCodec, DecodesKlineRowsAndMarksTheFormingBarOpen) {
  auto symbol = *core::Symbol::parse("BNBBTC");
  auto candles = decode_klines(kKlines, symbol, core::Interval::h1, 1499045000000);
  ASSERT_TRUE(candles.ok()) << candles.error().message;
  ASSERT_EQ(candles->size(), 2u);
  const core::Candle& c = (*candles)[0];
  EXPECT_EQ(c.symbol, symbol);
  EXPECT_EQ(c.interval, core::Interval::h1);
  EXPECT_EQ(c.open_time, 1499040000000);
  EXPECT_EQ(c.close_time, 1499044799999);
  EXPECT_DOUBLE_EQ(c.open, 0.01634790);
  EXPECT_DOUBLE_EQ(c.high, 0.8);
  EXPECT_DOUBLE_EQ(c.low, 0.015758);
  EXPECT_DOUBLE_EQ(c.close, 0.015771);
  EXPECT_DOUBLE_EQ(c.volume, 148976.11427815);
  EXPECT_DOUBLE_EQ(c.quote_volume, 2434.19055334);
  EXPECT_EQ(c.trades, 308);
  EXPECT_TRUE(c.closed);
  EXPECT_FALSE((*candles)[1].closed);
  auto empty = decode_klines("[]", symbol, core::Interval::h1, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(BinanceRestCodec, RejectsBadKlineRowsNamingTheRow) {
  auto symbol = *core::Symbol::parse("BNBBTC");
  auto short_row =
      decode_klines(R"([[1,"1","1","1","1","1",2,"1"]])", symbol, core::Interval::m1, 0);
  ASSERT_FALSE(short_row.ok());
  EXPECT_EQ(short_row.error().code, errc::unexpected_shape);
  EXPECT_NE(short_row.error().message.find("klines[0]"), std::string::npos);
  auto bad_price =
      decode_klines(R"([[1,"1","1","1","1","1",2,"1",3],[3,"1","x","1","1","1",4,"1",3]])", symbol,
                    core::Interval::m1, 0);
  ASSERT_FALSE(bad_price.ok());
  EXPECT_EQ(bad_price.error().code, errc::invalid_field);
  EXPECT_NE(bad_price.error().message.find("klines[1]"), std::string::npos);
  EXPECT_EQ(decode_klines(R"([[1,1.5,"1","1","1","1",2,"1",3]])", symbol, core::Interval::m1, 0)
                .error()
                .code,
            errc::invalid_field);  // decimals are strings
  EXPECT_EQ(
      decode_klines(R"({"code":-1121,"msg":"Invalid symbol."})", symbol, core::Interval::m1, 0)
          .error()
          .code,
      errc::unexpected_shape);
}

// Shapes of reference §3-4; unknown keys (timezone, orderTypes, permissions, ...) are ignored.
constexpr const char* kExchangeInfo = R"({
  "timezone": "UTC", "serverTime": 1565246363776,
  "rateLimits": [
    {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
    {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
    {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000}
  ],
  "exchangeFilters": [],
  "symbols": [
    {"symbol": "ETHBTC", "status": "TRADING", "baseAsset": "ETH", "baseAssetPrecision": 8,
     "quoteAsset": "BTC", "quotePrecision": 8, "orderTypes": ["LIMIT", "MARKET"],
     "icebergAllowed": true, "permissions": [], "permissionSets": [["SPOT"]],
     "filters": [
       {"filterType":"PRICE_FILTER","minPrice":"0.00000100","maxPrice":"100000.00000000","tickSize":"0.00000100"},
       {"filterType":"LOT_SIZE","minQty":"0.00100000","maxQty":"100000.00000000","stepSize":"0.00100000"},
       {"filterType":"MIN_NOTIONAL","minNotional":"0.00100000","applyToMarket":true,"avgPriceMins":5},
       {"filterType":"ICEBERG_PARTS","limit":10},
       {"filterType":"MARKET_LOT_SIZE","minQty":"0.00000000","maxQty":"1000.00000000","stepSize":"0.00000000"}
     ]},
    {"symbol": "BTCUSDT", "status": "TRADING", "baseAsset": "BTC", "quoteAsset": "USDT",
     "filters": [
       {"filterType":"NOTIONAL","minNotional":"10.00000000","applyMinToMarket":false,"maxNotional":"10000.00000000","applyMaxToMarket":false,"avgPriceMins":5},
       {"filterType":"MIN_NOTIONAL","minNotional":"5.0","applyToMarket":true,"avgPriceMins":1}
     ]},
    {"symbol": "A_NAME_FAR_TOO_LONG_FOR_A_SYMBOL", "status": "BREAK", "filters": []}
  ]
})";

TEST(BinanceRestCodec, DecodesExchangeInfoFiltersAsExactDecimals) {
  auto info = decode_exchange_info(kExchangeInfo);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->server_time, 1565246363776);
  ASSERT_EQ(info->rate_limits.size(), 3u);
  EXPECT_EQ(info->rate_limits[1].window(), std::chrono::seconds{10});
  EXPECT_EQ(info->request_weight_per_minute(), 6000);
  ASSERT_EQ(info->symbols.size(), 2u);
  EXPECT_EQ(info->skipped_symbols, 1u);

  const SymbolInfo* eth = info->find(*core::Symbol::parse("ETHBTC"));
  ASSERT_NE(eth, nullptr);
  EXPECT_EQ(eth->status, "TRADING");
  EXPECT_EQ(eth->base_asset, "ETH");
  EXPECT_EQ(eth->quote_asset, "BTC");
  ASSERT_TRUE(eth->price_filter);
  EXPECT_EQ(eth->price_filter->tick_size, dec("0.000001"));
  EXPECT_EQ(eth->price_filter->max_price, dec("100000"));
  ASSERT_TRUE(eth->lot_size);
  EXPECT_EQ(eth->lot_size->step_size, dec("0.001"));
  ASSERT_TRUE(eth->market_lot_size);
  EXPECT_TRUE(eth->market_lot_size->step_size.is_zero());
  ASSERT_TRUE(eth->notional);
  EXPECT_EQ(eth->notional->min_notional, dec("0.001"));
  EXPECT_TRUE(eth->notional->apply_min_to_market);
  EXPECT_FALSE(eth->notional->max_notional);
  EXPECT_EQ(eth->notional->avg_price_mins, 5);

  const SymbolInfo* btc = info->find(*core::Symbol::parse("BTCUSDT"));
  ASSERT_NE(btc, nullptr);
  ASSERT_TRUE(btc->notional);  // NOTIONAL wins over the later MIN_NOTIONAL
  EXPECT_EQ(btc->notional->min_notional, dec("10"));
  EXPECT_EQ(btc->notional->max_notional, dec("10000"));
  EXPECT_FALSE(btc->notional->apply_min_to_market);
  EXPECT_FALSE(btc->price_filter);
  EXPECT_EQ(info->find(*core::Symbol::parse("XRPUSDT")), nullptr);
}

TEST(BinanceRestCodec, RejectsExchangeInfoWithBadFilterValues) {
  auto info = decode_exchange_info(
      R"({"symbols":[{"symbol":"ETHBTC","filters":[{"filterType":"PRICE_FILTER","minPrice":0.1,"maxPrice":"1","tickSize":"0.1"}]}]})");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, errc::invalid_field);
  EXPECT_NE(info.error().message.find("PRICE_FILTER.minPrice"), std::string::npos);
  EXPECT_NE(info.error().message.find("ETHBTC"), std::string::npos);
  EXPECT_EQ(decode_exchange_info(R"({"rateLimits":[]})").error().code, errc::missing_field);
  EXPECT_EQ(decode_exchange_info(R"({"symbols":{}})").error().code, errc::invalid_field);
  EXPECT_EQ(decode_exchange_info(R"({"symbols":[],"rateLimits":[{"rateLimitType":"ORDERS"}]})")
                .error()
                .code,
            errc::invalid_field);
}

}  // namespace
}  // namespace autotrader::binance
