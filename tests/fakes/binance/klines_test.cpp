// The /api/v3/klines selection rules and the JSON shapes of rows and stream events.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "tests/fakes/binance/klines.hpp"

namespace autotrader::fakes::binance {
namespace {

constexpr core::TimestampMs kMinute = 60'000;
constexpr core::TimestampMs kT0 = 1'700'000'040'000;  // on a minute boundary

core::Symbol btc() {
  return *core::Symbol::parse("BTCUSDT");
}

// 10 candles opening at kT0 .. kT0 + 9 min.
std::vector<core::Candle> ten() {
  return generate_klines(btc(), core::Interval::m1, kT0, 10, 100.0, 7);
}

KlinesQuery query(std::optional<core::TimestampMs> start, std::optional<core::TimestampMs> end,
                  int limit) {
  KlinesQuery q;
  q.symbol = "BTCUSDT";
  q.start_time = start;
  q.end_time = end;
  q.limit = limit;
  return q;
}

std::vector<core::TimestampMs> opens(const std::vector<core::Candle>& candles) {
  std::vector<core::TimestampMs> out;
  for (const auto& c : candles) out.push_back((c.open_time - kT0) / kMinute);
  return out;
}

using Opens = std::vector<core::TimestampMs>;
const core::TimestampMs kLate = kT0 + 100 * kMinute;  // every candle has opened

TEST(FakeBinanceKlines, WithoutTimesReturnsTheMostRecent) {
  EXPECT_EQ(opens(select_klines(ten(), query({}, {}, 3), kLate)), (Opens{7, 8, 9}));
  EXPECT_EQ(opens(select_klines(ten(), query({}, {}, 500), kLate)).size(), 10u);
}

TEST(FakeBinanceKlines, StartTimeTakesTheFirstLimitFromThere) {
  EXPECT_EQ(opens(select_klines(ten(), query(kT0 + 2 * kMinute, {}, 3), kLate)), (Opens{2, 3, 4}));
  // A start inside a candle begins at the next open time (klines are identified by open time).
  EXPECT_EQ(opens(select_klines(ten(), query(kT0 + 2 * kMinute + 1, {}, 2), kLate)), (Opens{3, 4}));
}

TEST(FakeBinanceKlines, EndTimeAloneTakesTheLastLimitUpToIt) {
  EXPECT_EQ(opens(select_klines(ten(), query({}, kT0 + 5 * kMinute, 2), kLate)), (Opens{4, 5}));
}

TEST(FakeBinanceKlines, BothTimesTakeTheFirstLimitInTheRange) {
  EXPECT_EQ(opens(select_klines(ten(), query(kT0 + kMinute, kT0 + 6 * kMinute, 3), kLate)),
            (Opens{1, 2, 3}));
  EXPECT_EQ(opens(select_klines(ten(), query(kT0 + kMinute, kT0 + 2 * kMinute, 10), kLate)),
            (Opens{1, 2}));
  EXPECT_TRUE(select_klines(ten(), query(kT0 + 20 * kMinute, {}, 10), kLate).empty());
}

TEST(FakeBinanceKlines, OnlyCandlesOpenedByNowExistAndTheFormingOneIsIncluded) {
  auto now = kT0 + 4 * kMinute + 30'000;  // inside candle 4
  EXPECT_EQ(opens(select_klines(ten(), query({}, {}, 500), now)), (Opens{0, 1, 2, 3, 4}));
  EXPECT_EQ(opens(select_klines(ten(), query(kT0 + 3 * kMinute, {}, 500), now)), (Opens{3, 4}));
  EXPECT_EQ(opens(select_klines(ten(), query({}, kT0 + 9 * kMinute, 2), now)), (Opens{3, 4}));
  EXPECT_TRUE(select_klines(ten(), query({}, {}, 500), kT0 - 1).empty());
}

TEST(FakeBinanceKlines, ParameterErrorsAreBinanceErrors) {
  auto code = [](auto parsed) {
    auto* error = std::get_if<ApiError>(&parsed);
    return error ? error->code : 0;
  };
  using S = std::optional<std::string>;
  EXPECT_EQ(code(parse_klines_query(S{}, S{"1m"}, {}, {}, {})), -1102);
  EXPECT_EQ(code(parse_klines_query(S{"BTCUSDT"}, S{}, {}, {}, {})), -1102);
  EXPECT_EQ(code(parse_klines_query(S{"BTCUSDT"}, S{"7m"}, {}, {}, {})), -1120);
  EXPECT_EQ(code(parse_klines_query(S{"BTCUSDT"}, S{"1m"}, S{"12a"}, {}, {})), -1100);
  EXPECT_EQ(code(parse_klines_query(S{"BTCUSDT"}, S{"1m"}, {}, S{"-5"}, {})), -1100);
  EXPECT_EQ(code(parse_klines_query(S{"BTCUSDT"}, S{"1m"}, {}, {}, S{"1001"})), -1130);
  EXPECT_EQ(code(parse_klines_query(S{"BTCUSDT"}, S{"1m"}, {}, {}, S{"0"})), -1130);
  EXPECT_EQ(code(parse_klines_query(S{"BTCUSDT"}, S{"1m"}, S{"20"}, S{"10"}, {})), -1023);
  auto ok = parse_klines_query(S{"BTCUSDT"}, S{"1M"}, S{"1"}, S{"2"}, S{"1000"});
  ASSERT_TRUE(std::holds_alternative<KlinesQuery>(ok));
  EXPECT_EQ(std::get<KlinesQuery>(ok).interval, core::Interval::mo1);
  EXPECT_EQ(std::get<KlinesQuery>(ok).limit, 1000);
  auto defaults = std::get<KlinesQuery>(parse_klines_query(S{"BTCUSDT"}, S{"1m"}, {}, {}, {}));
  EXPECT_EQ(defaults.limit, 500);
}

TEST(FakeBinanceKlines, RowHasBinancesTwelveFieldsWithDecimalStrings) {
  core::Candle c;
  c.symbol = btc();
  c.open_time = 1499040000000;
  c.close_time = 1499644799999;
  c.open = 0.0163479;
  c.high = 0.8;
  c.low = 0.015758;
  c.close = 0.015771;
  c.volume = 148976.11427815;
  c.quote_volume = 2434.19055334;
  c.trades = 308;
  EXPECT_EQ(kline_row(c).dump(),
            R"([1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100",)"
            R"("148976.11427815",1499644799999,"2434.19055334",308,"74488.05713907",)"
            R"("1217.09527667","0"])");
}

TEST(FakeBinanceKlines, KlineEventMatchesTheStreamShape) {
  auto c = ten()[0];
  auto event = kline_event(c, kT0 + 1234, false);
  EXPECT_EQ(event["e"], "kline");
  EXPECT_EQ(event["E"], kT0 + 1234);
  EXPECT_EQ(event["s"], "BTCUSDT");
  const auto& k = event["k"];
  EXPECT_EQ(k["t"], c.open_time);
  EXPECT_EQ(k["T"], c.close_time);
  EXPECT_EQ(k["i"], "1m");
  EXPECT_EQ(k["x"], false);
  EXPECT_EQ(k["o"], format_decimal(c.open));
  EXPECT_EQ(k["n"], c.trades);
  EXPECT_EQ(k["L"].get<std::int64_t>() - k["f"].get<std::int64_t>() + 1, c.trades);
  for (const char* key : {"c", "h", "l", "v", "q", "V", "Q", "B"}) {
    EXPECT_TRUE(k[key].is_string()) << key;
  }
  EXPECT_EQ(kline_event(c, 0, true)["k"]["x"], true);
}

TEST(FakeBinanceKlines, TradeEventAndStreamNames) {
  core::Trade t{btc(), 1672515782136, 12345, 0.001, 100, true};
  EXPECT_EQ(trade_event(t, 1672515782137).dump(),
            R"({"E":1672515782137,"M":true,"T":1672515782136,"e":"trade","m":true,)"
            R"("p":"0.00100000","q":"100.00000000","s":"BTCUSDT","t":12345})");
  EXPECT_EQ(kline_stream_name(btc(), core::Interval::h1), "btcusdt@kline_1h");
  EXPECT_EQ(trade_stream_name(btc()), "btcusdt@trade");
}

TEST(FakeBinanceKlines, GeneratorIsSeededAlignedAndConsistent) {
  auto a = generate_klines(btc(), core::Interval::m5, kT0 + 7, 50, 100.0, 42);
  auto b = generate_klines(btc(), core::Interval::m5, kT0 + 7, 50, 100.0, 42);
  auto other = generate_klines(btc(), core::Interval::m5, kT0 + 7, 50, 100.0, 43);
  ASSERT_EQ(a.size(), 50u);
  EXPECT_EQ(a[0].open_time % (5 * kMinute), 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].close, b[i].close);
    EXPECT_GE(a[i].high, std::max(a[i].open, a[i].close));
    EXPECT_LE(a[i].low, std::min(a[i].open, a[i].close));
    EXPECT_EQ(a[i].close_time, a[i].open_time + 5 * kMinute - 1);
    if (i > 0) {
      EXPECT_EQ(a[i].open, a[i - 1].close);
    }
  }
  EXPECT_NE(a.back().close, other.back().close);
}

TEST(FakeBinanceKlines, LoadsABinanceKlinesFileAndNamesBadRows) {
  auto dir = std::filesystem::temp_directory_path() /
             ("fake_binance_klines_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto good = dir / "good.json";
  std::ofstream{good} << nlohmann::json::array({kline_row(ten()[0]), kline_row(ten()[1])}).dump();
  auto loaded = load_klines_json(good, btc(), core::Interval::m1);
  ASSERT_TRUE(std::holds_alternative<std::vector<core::Candle>>(loaded));
  const auto& candles = std::get<std::vector<core::Candle>>(loaded);
  ASSERT_EQ(candles.size(), 2u);
  EXPECT_EQ(candles[1].open_time, kT0 + kMinute);
  EXPECT_DOUBLE_EQ(candles[0].close, std::stod(format_decimal(ten()[0].close)));

  auto bad = dir / "bad.json";
  std::ofstream{bad} << R"([[1,"1","1","1","1","1",2,"1",3,"0","0","0"],[5,"x"]])";
  auto failed = load_klines_json(bad, btc(), core::Interval::m1);
  ASSERT_TRUE(std::holds_alternative<std::string>(failed));
  EXPECT_NE(std::get<std::string>(failed).find("row 1"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(
      load_klines_json(dir / "missing.json", btc(), core::Interval::m1)));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace autotrader::fakes::binance
