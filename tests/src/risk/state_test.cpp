#include "risk/state.hpp"

#include <gtest/gtest.h>

namespace autotrader::risk {
namespace {

using namespace std::chrono_literals;

TimePoint utc(std::int64_t unix_seconds) {
  return TimePoint{std::chrono::seconds{unix_seconds}};
}

TEST(RiskState, TradingDayAtAFixedOffset) {
  // 2026-11-21T00:00:00Z = 1795219200.
  const std::int64_t midnight = 1'795'219'200;
  EXPECT_EQ(day_to_string(trading_day(utc(midnight), 0min)), "2026-11-21");
  EXPECT_EQ(day_to_string(trading_day(utc(midnight - 1), 0min)), "2026-11-20");
  // New York winter time (UTC-5): the day turns at 05:00Z.
  EXPECT_EQ(day_to_string(trading_day(utc(midnight + 5 * 3600 - 1), -300min)), "2026-11-20");
  EXPECT_EQ(day_to_string(trading_day(utc(midnight + 5 * 3600), -300min)), "2026-11-21");
  // Tokyo (UTC+9): 15:00Z is already the next day.
  EXPECT_EQ(day_to_string(trading_day(utc(midnight - 9 * 3600), 540min)), "2026-11-21");
  EXPECT_EQ(day_to_string(trading_day(utc(midnight - 9 * 3600 - 1), 540min)), "2026-11-20");
  // Before the epoch the floor still lands on the right day.
  EXPECT_EQ(day_to_string(trading_day(utc(-1), 0min)), "1969-12-31");
}

TEST(RiskState, DaysParseAndPrint) {
  EXPECT_EQ(parse_day("1970-01-01"), 0);
  EXPECT_EQ(parse_day("2024-02-29"), *parse_day("2024-02-28") + 1);
  for (const char* bad : {"", "2026-02-30", "2026-13-01", "2026-1-01", "2026/01/01", "abcd-ef-gh",
                          "2025-02-29", "2026-00-10", "2026-01-00"}) {
    EXPECT_FALSE(parse_day(bad)) << bad;
  }
  for (std::int64_t day : {-1000, 0, 20'000, 20'778, 100'000}) {
    EXPECT_EQ(parse_day(day_to_string(day)), day);
  }
}

TEST(RiskState, DerivesTheTradingState) {
  RiskState state;
  EXPECT_EQ(state.trading_state(), TradingState::active);
  state.reducing = true;
  EXPECT_EQ(state.trading_state(), TradingState::reducing);
  state.halt_cause = HaltCause::daily_loss;
  EXPECT_EQ(state.trading_state(), TradingState::halted);
  EXPECT_EQ(parse_trading_state("REDUCING"), TradingState::reducing);
  EXPECT_FALSE(parse_trading_state("reducing"));
  EXPECT_EQ(parse_halt_cause("kill_switch"), HaltCause::kill_switch);
  EXPECT_FALSE(parse_halt_cause("KILL"));
}

TEST(RiskState, JsonRoundTrip) {
  RiskState state;
  state.halt_cause = HaltCause::max_drawdown;
  state.halt_message = "equity 8900 is 11% below its peak";
  state.reducing = true;
  state.day = *parse_day("2026-11-21");
  state.day_start_equity = core::Decimal::parse("10000.25");
  state.equity_peak = core::Decimal::parse("10000.25");
  state.last_equity = core::Decimal::parse("8900");
  state.recent_outcomes = {true, false, true};

  const auto json = state_to_json(state);
  EXPECT_EQ(json.at("trading_state"), "HALTED");
  EXPECT_EQ(json.at("halt_cause"), "max_drawdown");
  EXPECT_EQ(json.at("day"), "2026-11-21");
  EXPECT_EQ(json.at("day_start_equity"), "10000.25");
  std::string error;
  const auto back = state_from_json(nlohmann::json::parse(json.dump()), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(*back, state);

  const RiskState fresh;
  const auto fresh_json = state_to_json(fresh);
  EXPECT_TRUE(fresh_json.at("day").is_null());
  EXPECT_EQ(state_from_json(fresh_json), fresh);
}

TEST(RiskState, BadDocumentsAreRefusedWithAReason) {
  const auto good = state_to_json(RiskState{});
  const auto with = [&](const char* key, nlohmann::json value) {
    auto doc = good;
    doc[key] = std::move(value);
    return doc;
  };
  const nlohmann::json bad_docs[] = {
      nlohmann::json::array(),
      nlohmann::json("ACTIVE"),
      with("halt_cause", "tired"),
      with("halt_cause", 3),
      with("reducing", "yes"),
      with("day", "2026-02-30"),
      with("day", 20000),
      with("day_start_equity", 10000),
      with("equity_peak", "1e5"),
      with("last_equity", "ten"),
      with("recent_outcomes", nlohmann::json::array({true, 1})),
      with("recent_outcomes", "won"),
      with("halt_message", 5),
      with("trading_state", "HALTED"),  // disagrees with halt_cause none
      [&] {
        auto doc = good;
        doc.erase("halt_cause");
        return doc;
      }(),
  };
  for (const auto& doc : bad_docs) {
    std::string error;
    EXPECT_FALSE(state_from_json(doc, &error)) << doc.dump();
    EXPECT_FALSE(error.empty()) << doc.dump();
  }
}

}  // namespace
}  // namespace autotrader::risk
