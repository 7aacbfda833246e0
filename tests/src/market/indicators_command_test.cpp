#include "market/indicators_command.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/src/market/temp_file.hpp"

namespace autotrader::market {
namespace {

const std::string kFixtures = std::string{AUTOTRADER_SOURCE_DIR} + "/tests/fixtures/";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

TEST(IndicatorsCommand, PrintsTheReferenceValuesForEveryCandle) {
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(run_indicators_command(kFixtures + "klines/BTCUSDT-1m-sample.json", out, err), 0);
  EXPECT_EQ(err.str(), "");
  std::ifstream expected_file{kFixtures + "indicators/BTCUSDT-1m-sample.expected.csv"};
  std::stringstream expected_text;
  expected_text << expected_file.rdbuf();
  const auto actual = lines_of(out.str());
  const auto expected = lines_of(expected_text.str());
  ASSERT_EQ(actual.size(), expected.size());
  EXPECT_EQ(actual[0], expected[0]);  // the header
  for (std::size_t i = 1; i < actual.size(); ++i) {
    const auto a = fields_of(actual[i]);
    const auto e = fields_of(expected[i]);
    ASSERT_EQ(a.size(), e.size()) << "line " << i + 1;
    for (std::size_t k = 0; k < a.size(); ++k) {
      if (e[k].empty() || !(std::isdigit(e[k][0]) || e[k][0] == '-')) {
        EXPECT_EQ(a[k], e[k]) << "line " << i + 1 << " column " << k + 1;
        continue;
      }
      const double want = std::stod(e[k]);
      EXPECT_NEAR(std::stod(a[k]), want, 1e-9 * std::max(1.0, std::abs(want)))
          << "line " << i + 1 << " column " << k + 1;
    }
  }
}

TEST(IndicatorsCommand, ReportsWhatTheGateDidOnStderr) {
  const std::string rows =
      "1704150000000,100,101,99,100,1,1704150059999\n"
      "1704150000000,100,101,99,100,1,1704150059999\n"   // duplicate
      "1704150180000,100,99,101,100,1,1704150239999\n";  // after a gap, high below low
  testing::TempFile file{"BTCUSDT-1m.csv", rows};
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(run_indicators_command(file.path(), out, err), 0);
  EXPECT_EQ(lines_of(out.str()).size(), 3u);  // header + two accepted candles
  const std::string name = file.path().string();
  EXPECT_EQ(err.str(), name + ": candle 1704150000000 rejected: duplicate\n" + name +
                           ": candle 1704150180000 repaired: high_below_low\n" + name +
                           ": 2 candle(s) missing before 1704150180000, from 1704150060000\n" +
                           name +
                           ": 3 candles, 2 accepted, 1 rejected, 1 repaired, 1 gap(s) with 2 "
                           "candle(s) missing\n");
}

TEST(IndicatorsCommand, FailsWithTheFileAndLineOfAnError) {
  testing::TempFile file{"BTCUSDT-1m.csv",
                         "1704150000000,100,101,99,100,1,1704150059999\n1704150060000,x\n"};
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_indicators_command(file.path(), out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), file.path().string() + ":2: expected at least 7 columns, got 2\n");

  std::ostringstream missing;
  EXPECT_EQ(run_indicators_command("/nonexistent.csv", out, missing), 1);
  EXPECT_EQ(missing.str().rfind("/nonexistent.csv: cannot read /nonexistent.csv", 0), 0u)
      << missing.str();
}

}  // namespace
}  // namespace autotrader::market
