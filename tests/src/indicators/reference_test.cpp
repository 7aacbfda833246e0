// Every indicator, the trend and the volume ratio over 300 candles, against values computed
// independently by tests/fixtures/indicators/reference.py (textbook whole-window formulas, no
// streaming state). Regenerate with (from tests/fixtures/indicators):
//   ./reference.py ../klines/BTCUSDT-1m-sample.csv > BTCUSDT-1m-sample.expected.csv
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "indicators/indicator_set.hpp"
#include "market/klines_file.hpp"
#include "market/snapshot.hpp"

namespace autotrader::indicators {
namespace {

const std::string kFixtures = std::string{AUTOTRADER_SOURCE_DIR} + "/tests/fixtures/";

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in{path};
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream stream{line};
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    rows.push_back(fields);
  }
  return rows;
}

void expect_value(const std::optional<double>& actual, const std::string& expected,
                  const std::string& where) {
  if (expected.empty()) {
    EXPECT_FALSE(actual.has_value()) << where;
    return;
  }
  ASSERT_TRUE(actual.has_value()) << where;
  const double want = std::stod(expected);
  EXPECT_NEAR(*actual, want, 1e-9 * std::max(1.0, std::abs(want))) << where;
}

TEST(IndicatorReference, MatchesTheIndependentPythonReference) {
  auto read = market::read_klines_file(kFixtures + "klines/BTCUSDT-1m-sample.csv",
                                       *core::Symbol::parse("BTCUSDT"), core::Interval::m1);
  ASSERT_TRUE(std::holds_alternative<std::vector<core::Candle>>(read));
  const auto& candles = std::get<std::vector<core::Candle>>(read);
  const auto expected = read_csv(kFixtures + "indicators/BTCUSDT-1m-sample.expected.csv");
  ASSERT_EQ(expected.size(), candles.size() + 1);
  const auto& header = expected[0];
  const auto& names = indicator_names();
  ASSERT_EQ(header.size(), 2 + kIndicatorCount + 2);
  for (std::size_t k = 0; k < kIndicatorCount; ++k) ASSERT_EQ(header[2 + k], names[k]);

  IndicatorSet set;
  std::size_t warmed = 0;
  for (std::size_t i = 0; i < candles.size(); ++i) {
    const auto& row = expected[i + 1];
    ASSERT_EQ(row.size(), header.size()) << "row " << i;
    ASSERT_EQ(std::to_string(candles[i].open_time), row[0]);
    const IndicatorValues& values = set.update(candles[i]);
    const auto columns = in_column_order(values);
    for (std::size_t k = 0; k < kIndicatorCount; ++k) {
      expect_value(columns[k], row[2 + k],
                   "candle " + std::to_string(i) + " " + std::string{names[k]});
    }
    const auto snapshot =
        market::make_snapshot(candles[i], values, set.warmed_up(), candles[i].close_time);
    EXPECT_EQ(market::to_string(snapshot.trend), row[2 + kIndicatorCount]) << "candle " << i;
    expect_value(snapshot.volume_ratio, row[3 + kIndicatorCount],
                 "candle " + std::to_string(i) + " volume_ratio");
    warmed += set.warmed_up();
  }
  // The fixture exercises every phase: warm-up, then 251 warmed candles.
  EXPECT_EQ(warmed, candles.size() - 49);
}

}  // namespace
}  // namespace autotrader::indicators
