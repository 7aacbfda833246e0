#include "market/klines_file.hpp"

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "tests/src/market/temp_file.hpp"

namespace autotrader::market {
namespace {

const std::string kKlines = std::string{AUTOTRADER_SOURCE_DIR} + "/tests/fixtures/klines/";
const core::Symbol kBtc = *core::Symbol::parse("BTCUSDT");

// The row in Binance's `GET /api/v3/klines` documentation (a weekly candle).
constexpr const char* kDocumentedRow =
    R"([1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.11427815",)"
    R"(1499644799999,"2434.19055334",308,"1756.87402397","28.46694368","0"])";

std::vector<core::Candle> candles_of(
    const std::variant<std::vector<core::Candle>, KlinesFileError>& result) {
  if (const auto* error = std::get_if<KlinesFileError>(&result)) {
    ADD_FAILURE() << "line " << error->line << ": " << error->message;
    return {};
  }
  return std::get<std::vector<core::Candle>>(result);
}

TEST(KlinesFile, ParsesTheDocumentedRow) {
  auto parsed = parse_kline_row(nlohmann::json::parse(kDocumentedRow));
  ASSERT_TRUE(std::holds_alternative<core::Candle>(parsed)) << std::get<std::string>(parsed);
  const auto& c = std::get<core::Candle>(parsed);
  EXPECT_EQ(c.open_time, 1499040000000);
  EXPECT_EQ(c.close_time, 1499644799999);
  EXPECT_EQ(c.interval, core::Interval::w1);
  EXPECT_EQ(c.open, 0.01634790);
  EXPECT_EQ(c.high, 0.8);
  EXPECT_EQ(c.low, 0.015758);
  EXPECT_EQ(c.close, 0.015771);
  EXPECT_EQ(c.volume, 148976.11427815);
  EXPECT_EQ(c.quote_volume, 2434.19055334);
  EXPECT_EQ(c.trades, 308);
  EXPECT_TRUE(c.closed);
  EXPECT_TRUE(c.symbol.empty());

  auto series = parse_kline_row(nlohmann::json::parse(kDocumentedRow), kBtc, core::Interval::w1);
  ASSERT_TRUE(std::holds_alternative<core::Candle>(series));
  EXPECT_EQ(std::get<core::Candle>(series).symbol, kBtc);
  auto wrong = parse_kline_row(nlohmann::json::parse(kDocumentedRow), kBtc, core::Interval::m1);
  ASSERT_TRUE(std::holds_alternative<std::string>(wrong));
  EXPECT_EQ(std::get<std::string>(wrong), "the row is a 1w candle, expected 1m");
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_kline_row(nlohmann::json::object())));
}

TEST(KlinesFile, JsonAndCsvOfTheSameCandlesAgree) {
  const auto json =
      candles_of(read_klines_file(kKlines + "BTCUSDT-1m-sample.json", kBtc, core::Interval::m1));
  const auto csv =
      candles_of(read_klines_file(kKlines + "BTCUSDT-1m-sample.csv", kBtc, core::Interval::m1));
  ASSERT_EQ(json.size(), 300u);
  ASSERT_EQ(csv.size(), 300u);
  for (std::size_t i = 0; i < json.size(); ++i) {
    EXPECT_EQ(json[i].open_time, csv[i].open_time);
    EXPECT_EQ(json[i].close_time, csv[i].close_time);
    EXPECT_EQ(json[i].open, csv[i].open);
    EXPECT_EQ(json[i].high, csv[i].high);
    EXPECT_EQ(json[i].low, csv[i].low);
    EXPECT_EQ(json[i].close, csv[i].close);
    EXPECT_EQ(json[i].volume, csv[i].volume);
    EXPECT_EQ(json[i].quote_volume, csv[i].quote_volume);
    EXPECT_EQ(json[i].trades, csv[i].trades);
    EXPECT_EQ(json[i].symbol, kBtc);
    EXPECT_EQ(json[i].interval, core::Interval::m1);
  }
  EXPECT_EQ(csv.front().open_time, 1704150000000);
  EXPECT_EQ(csv.front().close, 42025.84);
}

TEST(KlinesFile, CsvAcceptsHeaderCrlfBomQuotesAndMissingOptionalColumns) {
  const std::string text =
      "\xEF\xBB\xBFopen_time,open,high,low,close,volume,close_time\r\n"
      "\r\n"
      "1704150000000, \"100.5\" ,101,99,100,2.5,1704150059999\r\n"
      "1704150060000,100,102,99,101,0,1704150119999,55.5,7,ignored,ignored\r\n";
  const auto candles = candles_of(parse_klines(text, kBtc, core::Interval::m1));
  ASSERT_EQ(candles.size(), 2u);
  EXPECT_EQ(candles[0].open, 100.5);
  EXPECT_EQ(candles[0].quote_volume, 0);
  EXPECT_EQ(candles[0].trades, 0);
  EXPECT_EQ(candles[1].quote_volume, 55.5);
  EXPECT_EQ(candles[1].trades, 7);
}

TEST(KlinesFile, JsonAcceptsPlainNumbers) {
  const std::string text = "[[1704150000000,100.5,101,99,100,2,1704150059999,200,3]]";
  const auto candles = candles_of(parse_klines(text, kBtc, core::Interval::m1));
  ASSERT_EQ(candles.size(), 1u);
  EXPECT_EQ(candles[0].open, 100.5);
  EXPECT_EQ(candles[0].trades, 3);
}

TEST(KlinesFile, MicrosecondTimesAreConverted) {
  const std::string text = "1735689600000000,1,1,1,1,1,1735689659999999\n";
  const auto candles = candles_of(parse_klines(text, kBtc, core::Interval::m1));
  ASSERT_EQ(candles.size(), 1u);
  EXPECT_EQ(candles[0].open_time, 1735689600000);
  EXPECT_EQ(candles[0].close_time, 1735689659999);
}

TEST(KlinesFile, EmptyTextHasNoCandles) {
  EXPECT_TRUE(candles_of(parse_klines("", kBtc, core::Interval::m1)).empty());
  EXPECT_TRUE(candles_of(parse_klines(" [ ] ", kBtc, core::Interval::m1)).empty());
}

struct ErrorCase {
  const char* name;
  std::string text;
  std::size_t line;
  std::string message;  // a part of the message
};

TEST(KlinesFile, ErrorsNameTheLineAndTheProblem) {
  const std::string good = "1704150000000,1,2,0.5,1.5,10,1704150059999";
  const std::string good2 = "1704150060000,1,2,0.5,1.5,10,1704150119999";
  const ErrorCase cases[] = {
      {"too_few_columns", "1,2,3\n", 1, "expected at least 7 columns, got 3"},
      {"bad_price", "open_time,open\n" + good + "\n1704150060000,1,x,1,1,1,1704150119999\n", 3,
       "column 3 (high) is not a finite number"},
      {"blank_lines_count", "\n\n1704150000000,1,2,1,1,nan,1704150059999\n", 3,
       "column 6 (volume) is not a finite number"},
      {"bad_open_time_after_first_row", good + "\nsoon,1,2,1,1,1,1704150119999\n", 2,
       "column 1 (open time) is not an integer"},
      {"bad_trades", good + ",5,many\n", 1, "column 9 (trades) is not an integer"},
      {"no_such_interval", "1704150000000,1,2,1,1,1,1704150060000\n", 1,
       "is not the length of any interval"},
      {"wrong_interval", good2 + "\n1704150120000,1,2,1,1,1,1704150419999\n", 2,
       "the row is a 5m candle, expected 1m"},
      {"json_syntax", "[\n[1704150000000,\"1\",\"2\",\"1\",\"1\",\"1\",1704150059999],\n[1,\n", 4,
       "invalid JSON"},
      {"json_not_an_array", "{\"klines\": []}", 1, "expected a JSON array of kline rows"},
      {"json_row_not_an_array",
       "[\n  [1704150000000,\"1\",\"2\",\"1\",\"1\",\"1\",1704150059999],\n  {\"t\": 1}\n]", 3,
       "a kline row must be a JSON array"},
      {"json_bad_value",
       "[\n[1704150000000,\"1\",\"2\",\"1\",\"1\",\"1\",1704150059999],\n"
       "[1704150060000,\"1\",\"2\",\"1\",\"1\",\"1\",\"1704150119999x\"]\n]",
       3, "column 7 (close time) is not an integer"},
      {"json_string_with_brackets_before_bad_row",
       "[[1704150000000,\"1\",\"2\",\"1\",\"1\",\"1\",1704150059999,\"1\",2,\"]\\\"[\"],\n"
       "[1704150060000,\"1\",\"-\",\"1\",\"1\",\"1\",1704150119999]]",
       2, "column 3 (high)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto result = parse_klines(c.text, kBtc, core::Interval::m1);
    ASSERT_TRUE(std::holds_alternative<KlinesFileError>(result));
    const auto& error = std::get<KlinesFileError>(result);
    EXPECT_EQ(error.line, c.line) << error.message;
    EXPECT_NE(error.message.find(c.message), std::string::npos) << error.message;
  }
}

TEST(KlinesFile, UnreadableFileIsAnErrorWithoutALine) {
  auto result = read_klines_file("/nonexistent/klines.csv", kBtc, core::Interval::m1);
  ASSERT_TRUE(std::holds_alternative<KlinesFileError>(result));
  EXPECT_EQ(std::get<KlinesFileError>(result).line, 0u);
  EXPECT_NE(std::get<KlinesFileError>(result).message.find("/nonexistent/klines.csv"),
            std::string::npos);
}

TEST(KlinesFile, SeriesFromTheFileNameAndTheFirstRow) {
  auto result = read_klines_file(kKlines + "BTCUSDT-1m-sample.json");
  ASSERT_TRUE(std::holds_alternative<KlinesSeries>(result));
  const auto& series = std::get<KlinesSeries>(result);
  EXPECT_EQ(series.symbol, kBtc);
  EXPECT_EQ(series.interval, core::Interval::m1);
  EXPECT_EQ(series.candles.size(), 300u);
  EXPECT_EQ(series.candles.back().symbol, kBtc);

  testing::TempFile unnamed{"my klines.csv", "1704150000000,1,2,1,1,1,1704150299999\n"};
  auto guessed = read_klines_file(unnamed.path());
  ASSERT_TRUE(std::holds_alternative<KlinesSeries>(guessed));
  EXPECT_EQ(std::get<KlinesSeries>(guessed).symbol.view(), "UNKNOWN");
  EXPECT_EQ(std::get<KlinesSeries>(guessed).interval, core::Interval::m5);
}

TEST(KlinesFile, SeriesRowsMustShareTheFirstRowsInterval) {
  testing::TempFile mixed{"ETHUSDT-1m.csv",
                          "1704150000000,1,2,1,1,1,1704150059999\n"
                          "1704150060000,1,2,1,1,1,1704150359999\n"};
  auto result = read_klines_file(mixed.path());
  ASSERT_TRUE(std::holds_alternative<KlinesFileError>(result));
  EXPECT_EQ(std::get<KlinesFileError>(result).line, 2u);
  testing::TempFile empty{"ETHUSDT-1m.csv", "open_time,open\n"};
  auto none = read_klines_file(empty.path());
  ASSERT_TRUE(std::holds_alternative<KlinesFileError>(none));
  EXPECT_NE(std::get<KlinesFileError>(none).message.find("has no klines"), std::string::npos);
}

}  // namespace
}  // namespace autotrader::market
