// The quality gate's rules as scenarios a trader can read: a sequence of candles and, for each,
// the verdict the gate must give (outcome, reason, candles missing before it).
#include "market/quality_gate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/src/market/candles.hpp"

namespace autotrader::market {
namespace {

using testing::bar;
using testing::minute;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Step {
  core::Candle candle;
  Outcome outcome;
  std::optional<RejectReason> reason = std::nullopt;
  std::size_t missing = 0;
};

struct Scenario {
  std::string name;
  std::vector<Step> steps;
  GateOptions options = {};
};

template <typename F>
core::Candle with(core::Candle c, F change) {
  change(c);
  return c;
}

const Outcome ok = Outcome::accepted;
const Outcome repaired = Outcome::repaired;
const Outcome rejected = Outcome::rejected;

std::vector<Scenario> scenarios() {
  GateOptions no_jump_rule;
  no_jump_rule.jump_confirmations = 1;
  return {
      {"clean_sequence", {{bar(0, 100), ok}, {bar(1, 101), ok}, {bar(2, 99), ok}}},
      {"first_candle_has_no_reference", {{bar(0, 1e6), ok}, {bar(1, 1e6), ok}}},
      {"duplicate_is_rejected",
       {{bar(0, 100), ok}, {bar(0, 100), rejected, RejectReason::duplicate}, {bar(1, 100), ok}}},
      {"duplicate_with_other_values_is_rejected_too",
       {{bar(0, 100), ok}, {bar(0, 103), rejected, RejectReason::duplicate}}},
      {"out_of_order_is_rejected",
       {{bar(0, 100), ok},
        {bar(2, 100), ok, std::nullopt, 1},
        {bar(1, 100), rejected, RejectReason::out_of_order},
        {bar(3, 100), ok}}},
      {"gap_is_accepted_and_reported",
       {{bar(0, 100), ok}, {bar(3, 100), ok, std::nullopt, 2}, {bar(4, 100), ok}}},
      {"non_positive_or_non_finite_prices_are_rejected",
       {{with(bar(0, 100), [](auto& c) { c.close = 0; }), rejected,
         RejectReason::non_positive_price},
        {with(bar(0, 100), [](auto& c) { c.low = -1; }), rejected,
         RejectReason::non_positive_price},
        {with(bar(0, 100), [](auto& c) { c.open = kNaN; }), rejected,
         RejectReason::non_positive_price},
        {with(bar(0, 100), [](auto& c) { c.high = kInf; }), rejected,
         RejectReason::non_positive_price},
        {bar(0, 100), ok}}},
      {"invalid_volume_is_rejected",
       {{bar(0, 100, -1), rejected, RejectReason::invalid_volume},
        {bar(0, 100, kNaN), rejected, RejectReason::invalid_volume},
        {with(bar(0, 100), [](auto& c) { c.quote_volume = -5; }), rejected,
         RejectReason::invalid_volume},
        {with(bar(0, 100), [](auto& c) { c.trades = -1; }), rejected, RejectReason::invalid_volume},
        {bar(0, 100, 0), ok}}},
      {"forming_candle_is_rejected",
       {{with(bar(0, 100), [](auto& c) { c.closed = false; }), rejected,
         RejectReason::not_closed}}},
      {"other_series_is_rejected",
       {{with(bar(0, 100), [](auto& c) { c.symbol = *core::Symbol::parse("ETHUSDT"); }), rejected,
         RejectReason::wrong_series},
        {with(bar(0, 100), [](auto& c) { c.interval = core::Interval::m5; }), rejected,
         RejectReason::wrong_series}}},
      {"inconsistent_range_is_repaired",
       {{with(bar(0, 100), [](auto& c) { std::swap(c.high, c.low); }), repaired,
         RejectReason::high_below_low},
        {with(bar(1, 100), [](auto& c) { c.close = 102; }), repaired, RejectReason::high_below_low},
        {bar(2, 100), ok}}},
      {"single_spike_is_rejected_and_the_series_goes_on",
       {{bar(0, 100), ok},
        {bar(1, 200), rejected, RejectReason::price_jump},
        {bar(2, 101), ok, std::nullopt, 1}}},
      {"spike_in_one_price_only_is_rejected",
       {{bar(0, 100), ok},
        {with(bar(1, 100), [](auto& c) { c.high = 1000; }), rejected, RejectReason::price_jump}}},
      {"moves_within_max_jump_pass", {{bar(0, 100), ok}, {bar(1, 148), ok}, {bar(2, 76), ok}}},
      {"a_move_confirmed_by_three_candles_is_accepted",
       {{bar(0, 100), ok},
        {bar(1, 200), rejected, RejectReason::price_jump},
        {bar(2, 201), rejected, RejectReason::price_jump},
        {bar(3, 202), ok, std::nullopt, 2},
        {bar(4, 203), ok}}},
      {"disagreeing_jumps_restart_the_count",
       {{bar(0, 100), ok},
        {bar(1, 200), rejected, RejectReason::price_jump},
        {bar(2, 40), rejected, RejectReason::price_jump},
        {bar(3, 41), rejected, RejectReason::price_jump},
        {bar(4, 42), ok, std::nullopt, 3}}},
      {"a_redelivered_jump_candle_is_no_confirmation",
       {{bar(0, 100), ok},
        {bar(1, 200), rejected, RejectReason::price_jump},
        {bar(1, 200), rejected, RejectReason::price_jump},
        {bar(2, 200), rejected, RejectReason::price_jump},
        {bar(3, 200), ok, std::nullopt, 2}}},
      {"a_normal_candle_clears_pending_jumps",
       {{bar(0, 100), ok},
        {bar(1, 200), rejected, RejectReason::price_jump},
        {bar(2, 200), rejected, RejectReason::price_jump},
        {bar(3, 100), ok, std::nullopt, 2},
        {bar(4, 200), rejected, RejectReason::price_jump}}},
      {"jump_rule_off_with_one_confirmation",
       {{bar(0, 100), ok}, {bar(1, 1000), ok}},
       no_jump_rule},
      {"repaired_candle_is_checked_for_jumps",
       {{bar(0, 100), ok},
        {with(bar(1, 100),
              [](auto& c) {
                c.high = 90;
                c.low = 300;
              }),
         rejected, RejectReason::price_jump}}},
  };
}

TEST(QualityGate, Scenarios) {
  for (const auto& scenario : scenarios()) {
    SCOPED_TRACE(scenario.name);
    QualityGate gate{testing::btc(), core::Interval::m1, scenario.options};
    for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
      const Step& step = scenario.steps[i];
      const Verdict verdict = gate.check(step.candle);
      EXPECT_EQ(to_string(verdict.outcome), to_string(step.outcome)) << "step " << i;
      EXPECT_EQ(verdict.reason, step.reason)
          << "step " << i << ": got " << (verdict.reason ? to_string(*verdict.reason) : "none");
      EXPECT_EQ(verdict.gap.count, step.missing) << "step " << i;
      EXPECT_EQ(verdict.accepted(), step.outcome != Outcome::rejected);
    }
  }
}

TEST(QualityGate, RepairSetsHighAndLowToTheRangeOfAllFourPrices) {
  QualityGate gate{testing::btc(), core::Interval::m1};
  core::Candle c = bar(0, 100);
  c.open = 99;
  c.high = 98;
  c.low = 101;
  c.close = 103;
  const Verdict verdict = gate.check(c);
  EXPECT_EQ(verdict.candle.high, 103);
  EXPECT_EQ(verdict.candle.low, 98);
  EXPECT_EQ(verdict.candle.open, 99);
  EXPECT_EQ(verdict.candle.close, 103);
  EXPECT_EQ(gate.last_close(), 103);
}

TEST(QualityGate, RejectedCandlesComeBackUnchangedAndMoveNothing) {
  QualityGate gate{testing::btc(), core::Interval::m1};
  gate.check(bar(0, 100));
  core::Candle spike = bar(1, 500);
  spike.high = 400;  // inconsistent too: the verdict still returns the input as given
  const Verdict verdict = gate.check(spike);
  EXPECT_EQ(verdict.outcome, Outcome::rejected);
  EXPECT_EQ(verdict.candle.high, 400);
  EXPECT_EQ(gate.last_open_time(), minute(0));
  EXPECT_EQ(gate.last_close(), 100);
}

TEST(QualityGate, ListsTheMissingOpenTimes) {
  QualityGate gate{testing::btc(), core::Interval::m1};
  gate.check(bar(0, 100));
  const Verdict verdict = gate.check(bar(4, 100));
  EXPECT_EQ(verdict.gap.open_times,
            (std::vector<core::TimestampMs>{minute(1), minute(2), minute(3)}));
}

TEST(QualityGate, CapsTheListButCountsEveryMissingCandle) {
  GateOptions options;
  options.max_listed_missing = 5;
  QualityGate gate{testing::btc(), core::Interval::m1, options};
  gate.check(bar(0, 100));
  const Verdict verdict = gate.check(bar(1441, 100));  // a day later
  EXPECT_EQ(verdict.gap.count, 1440u);
  ASSERT_EQ(verdict.gap.open_times.size(), 5u);
  EXPECT_EQ(verdict.gap.open_times.back(), minute(5));
}

TEST(QualityGate, MonthlyGapsFollowTheCalendar) {
  QualityGate gate{testing::btc(), core::Interval::mo1};
  core::Candle january = bar(0, 100);
  january.interval = core::Interval::mo1;
  january.open_time = 1'704'067'200'000;  // 2024-01-01
  january.close_time = 1'706'745'599'999;
  core::Candle april = january;
  april.open_time = 1'711'929'600'000;  // 2024-04-01
  april.close_time = 1'714'521'599'999;
  ASSERT_EQ(gate.check(january).outcome, Outcome::accepted);
  const Verdict verdict = gate.check(april);
  EXPECT_EQ(verdict.gap.open_times,
            (std::vector<core::TimestampMs>{1'706'745'600'000, 1'709'251'200'000}));
}

TEST(QualityGate, EveryReasonHasItsOwnName) {
  std::vector<std::string_view> names;
  for (auto reason : kRejectReasons) names.push_back(to_string(reason));
  EXPECT_EQ(names.front(), "out_of_order");
  EXPECT_EQ(names[5], "price_jump");
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::unique(names.begin(), names.end()), names.end());
  EXPECT_EQ(std::count(names.begin(), names.end(), "unknown"), 0);
}

}  // namespace
}  // namespace autotrader::market
