// Robustness of the klines reader against arbitrary text: thousands of mutated and random inputs
// (a fixed seed, so a failure reproduces). The reader must never crash (ASan and UBSan watch),
// and must return either well-formed candles or an error on a line that exists.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "market/klines_file.hpp"

namespace autotrader::market {
namespace {

constexpr std::uint64_t kSeed = 0x5eed'4b11'2026;
constexpr int kCases = 4000;

std::string head_lines(const std::string& path, int lines) {
  std::ifstream in{path};
  std::string text;
  std::string line;
  for (int i = 0; i < lines && std::getline(in, line); ++i) text += line + "\n";
  return text;
}

std::vector<std::string> seed_corpus() {
  const std::string dir = std::string{AUTOTRADER_SOURCE_DIR} + "/tests/fixtures/klines/";
  std::string json = head_lines(dir + "BTCUSDT-1m-sample.json", 6);
  json.back() = ']';  // cut after a row: drop its trailing comma, close the array
  json.pop_back();
  json.back() = ']';
  return {
      head_lines(dir + "BTCUSDT-1m-sample.csv", 8),
      json,
      "open_time,open,high,low,close,volume,close_time\r\n"
      "1704150000000,1,2,0.5,1.5,10,1704150059999\r\n",
      R"([[1704150000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.1",)"
      R"(1704150059999,"2434.19055334",308,"1756.87402397","28.46694368","0"]])",
      "1735689600000000,1,1,1,1,1,1735689659999999\n",
  };
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_{seed}, corpus_{seed_corpus()} {}

  std::string next() {
    if (pick(12) == 0) return random_text(pick(300));
    std::string text = corpus_[pick(corpus_.size())];
    const std::size_t rounds = 1 + pick(5);
    for (std::size_t i = 0; i < rounds && !text.empty(); ++i) mutate(text);
    return text;
  }

 private:
  std::size_t pick(std::size_t bound) { return bound == 0 ? 0 : rng_() % bound; }

  char interesting() {
    static constexpr char chars[] = ",[]{}\"\\\n\r-+.eE0123456789 nai\0\xff";
    return chars[pick(sizeof(chars) - 1)];
  }

  std::string random_text(std::size_t size) {
    std::string text;
    for (std::size_t i = 0; i < size; ++i) text += interesting();
    return text;
  }

  void mutate(std::string& text) {
    const std::size_t at = pick(text.size());
    switch (pick(6)) {
      case 0:
        text[at] = interesting();
        break;
      case 1:
        text.erase(at, 1 + pick(8));
        break;
      case 2:
        text.insert(at, 1 + pick(4), interesting());
        break;
      case 3:
        text.insert(at, text.substr(pick(text.size()), pick(40)));
        break;
      case 4:
        text.resize(at);
        break;
      default:
        text.insert(at, std::to_string(static_cast<std::int64_t>(rng_())));
        break;
    }
  }

  std::mt19937_64 rng_;
  std::vector<std::string> corpus_;
};

TEST(KlinesFuzz, ArbitraryTextYieldsCandlesOrAnErrorOnARealLine) {
  Mutator mutator{kSeed};
  const core::Symbol symbol = *core::Symbol::parse("BTCUSDT");
  int parsed = 0;
  int errors = 0;
  for (int i = 0; i < kCases; ++i) {
    const std::string text = mutator.next();
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    auto result = parse_klines(text, symbol, core::Interval::m1);
    if (const auto* error = std::get_if<KlinesFileError>(&result)) {
      ++errors;
      ASSERT_GE(error->line, 1u) << "case " << i << ":\n" << text;
      ASSERT_LE(error->line, lines) << "case " << i << ":\n" << text;
      ASSERT_FALSE(error->message.empty());
      continue;
    }
    ++parsed;
    for (const auto& candle : std::get<std::vector<core::Candle>>(result)) {
      ASSERT_EQ(candle.interval, core::Interval::m1) << "case " << i;
      ASSERT_EQ(candle.close_time, candle.open_time + 59'999) << "case " << i;
      ASSERT_TRUE(std::isfinite(candle.open) && std::isfinite(candle.high) &&
                  std::isfinite(candle.low) && std::isfinite(candle.close) &&
                  std::isfinite(candle.volume))
          << "case " << i;
    }
  }
  // The mutations must reach both outcomes, or the test exercises only one path.
  EXPECT_GT(parsed, kCases / 20);
  EXPECT_GT(errors, kCases / 4);
}

}  // namespace
}  // namespace autotrader::market
