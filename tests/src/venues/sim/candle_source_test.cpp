#include "venues/sim/candle_source.hpp"

#include <gtest/gtest.h>

namespace autotrader::sim {
namespace {

const std::filesystem::path data_dir =
    std::filesystem::path{AUTOTRADER_SOURCE_DIR} / "tests/src/venues/sim/data";

core::Symbol sym(const char* name) {
  return *core::Symbol::parse(name);
}

TEST(ReplaySource, ReplaysABinanceKlinesJsonFileInOrder) {
  auto opened =
      ReplaySource::open(data_dir / "ETHUSDT-1m.json", sym("ETHUSDT"), core::Interval::m1);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ReplaySource>>(opened))
      << to_string(std::get<ReplayError>(opened));
  auto& source = *std::get<std::unique_ptr<ReplaySource>>(opened);
  ASSERT_EQ(source.size(), 6u);
  const auto* first = source.peek();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->symbol, sym("ETHUSDT"));
  EXPECT_EQ(first->open_time, 1'704'067'200'000);
  EXPECT_EQ(first->close_time, 1'704'067'259'999);
  EXPECT_EQ(first->open, 42'000.0);
  EXPECT_EQ(first->high, 42'016.0);
  EXPECT_EQ(first->low, 41'995.75);
  EXPECT_EQ(first->close, 42'010.5);
  EXPECT_EQ(first->volume, 10.5);
  EXPECT_EQ(first->trades, 100);
  EXPECT_EQ(source.peek(), first);  // peek does not consume
  core::TimestampMs expected_open = 1'704'067'200'000;
  std::size_t count = 0;
  for (const auto* c = source.peek(); c != nullptr; source.pop(), c = source.peek()) {
    EXPECT_EQ(c->open_time, expected_open);
    expected_open += 60'000;
    ++count;
  }
  EXPECT_EQ(count, 6u);
  source.pop();  // past the end: still exhausted
  EXPECT_EQ(source.peek(), nullptr);
}

TEST(ReplaySource, ReplaysTheCsvOfTheDataDumps) {
  auto opened = ReplaySource::open(data_dir / "SOLUSDT-1m.csv", sym("SOLUSDT"), core::Interval::m1);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<ReplaySource>>(opened))
      << to_string(std::get<ReplayError>(opened));
  auto& source = *std::get<std::unique_ptr<ReplaySource>>(opened);
  EXPECT_EQ(source.size(), 4u);
  EXPECT_EQ(source.peek()->close, 42'010.5);
  EXPECT_EQ(source.peek()->symbol, sym("SOLUSDT"));
}

TEST(ReplaySource, ErrorsNameTheFileAndLine) {
  auto missing = ReplaySource::open(data_dir / "nope.json", sym("ETHUSDT"), core::Interval::m1);
  ASSERT_TRUE(std::holds_alternative<ReplayError>(missing));
  EXPECT_NE(to_string(std::get<ReplayError>(missing)).find("nope.json"), std::string::npos);
  // The file's rows are 1-minute rows: read as 5-minute candles they do not fit.
  auto wrong = ReplaySource::open(data_dir / "ETHUSDT-1m.json", sym("ETHUSDT"), core::Interval::m5);
  ASSERT_TRUE(std::holds_alternative<ReplayError>(wrong));
  EXPECT_GT(std::get<ReplayError>(wrong).line, 0u);
}

TEST(ReplaySource, PathPlaceholderNamesEachSymbolsFile) {
  EXPECT_EQ(replay_path_for("data/{symbol}-1m.json", sym("BTCUSDT")), "data/BTCUSDT-1m.json");
  EXPECT_EQ(replay_path_for("{symbol}/{symbol}.csv", sym("ETHUSDT")), "ETHUSDT/ETHUSDT.csv");
  EXPECT_EQ(replay_path_for("one.json", sym("ETHUSDT")), "one.json");
}

TEST(GeneratorSource, PeekIsStableAndPopAdvances) {
  GeneratorConfig config;
  config.origin = 60'000;
  SymbolSpec spec{sym("BTCUSDT"), 60'000};
  GeneratorSource source{config, spec};
  SymbolGenerator reference{config, spec};
  const auto first = *source.peek();
  EXPECT_EQ(source.peek()->close, first.close);
  EXPECT_EQ(first.close, reference.next().close);
  source.pop();
  EXPECT_EQ(source.peek()->open_time, 120'000);
  EXPECT_EQ(source.peek()->close, reference.next().close);
  source.pop();
  source.pop();  // pop without peek skips one candle
  reference.next();
  EXPECT_EQ(source.peek()->close, reference.next().close);
}

TEST(CandleSource, ClonesResumeAtTheSamePositionIndependently) {
  GeneratorConfig config;
  GeneratorSource generator{config, {sym("BTCUSDT"), 60'000}};
  std::vector<core::Candle> candles(4);
  for (int i = 0; i < 4; ++i) {
    candles[i].open_time = i * 60'000;
    candles[i].close = 100.0 + i;
  }
  ReplaySource replay{candles};
  for (CandleSource* source :
       {static_cast<CandleSource*>(&generator), static_cast<CandleSource*>(&replay)}) {
    source->pop();
    source->peek();
    auto copy = source->clone();
    EXPECT_EQ(copy->peek()->open_time, source->peek()->open_time);
    EXPECT_EQ(copy->peek()->close, source->peek()->close);
    copy->pop();
    const auto after_copy = *copy->peek();
    source->pop();
    EXPECT_EQ(source->peek()->close, after_copy.close);  // same next candle
  }
  EXPECT_EQ(replay.position(), 2u);
}

TEST(GeneratorSource, MonthlyBarsFollowTheCalendar) {
  GeneratorConfig config;
  config.interval = core::Interval::mo1;
  config.origin = 1'704'067'200'000;  // 2024-01-01
  GeneratorSource source{config, {sym("BTCUSDT"), 60'000}};
  const auto january = *source.peek();
  source.pop();
  const auto february = *source.peek();
  EXPECT_EQ(january.close_time, 1'706'745'600'000 - 1);  // 2024-02-01
  EXPECT_EQ(february.open_time, 1'706'745'600'000);
  source.pop();
  EXPECT_EQ(source.peek()->open_time, 1'709'251'200'000);  // 2024-03-01 (a leap year)
}

}  // namespace
}  // namespace autotrader::sim
