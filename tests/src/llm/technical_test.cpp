#include "llm/technical.hpp"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace autotrader::llm {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// A market the table cases start from: every signal neutral, ATR 1 % of the price.
DecisionInput neutral() {
  DecisionInput input;
  input.symbol = "BTCUSDT";
  input.price = 100;
  input.rsi = 50;
  input.ma_short = 100;
  input.ma_long = 100;
  input.atr = 1;
  input.macd_histogram = 0;
  input.trend = "sideways";
  input.volume_ratio = 1.0;
  input.as_of_ms = 1'700'000'000'000;
  return input;
}

bool has_factor(const Decision& decision, const std::string& text) {
  for (const auto& factor : decision.factors) {
    if (factor.find(text) != std::string::npos) return true;
  }
  return false;
}

struct Case {
  const char* name;
  void (*edit)(DecisionInput&);
  Action action;
  double confidence;
  double position_size;
  double stop_loss_pct;
  double take_profit_pct;
  std::vector<std::string> factors;  // substrings that must appear among the factors
  const char* reasoning;             // substring of the reasoning
};

const std::vector<Case>& cases() {
  static const std::vector<Case> table{
      {"oversold uptrend with volume: all four signals buy",
       [](DecisionInput& in) {
         in.rsi = 25;
         in.ma_short = 101;
         in.trend = "up";
         in.macd_histogram = 0.5;
         in.volume_ratio = 1.6;
       },
       Action::buy,
       0.9,
       0.09,
       2,
       4,
       {"RSI 25.00 oversold (< 30.00)", "MA20 above MA50 by 1.00% (bullish alignment)", "trend up",
        "MACD histogram +0.5 (bullish)", "volume 1.60x average (confirms)",
        "ATR 1.00% of price: stop 2.00%, take profit 4.00%"},
       "BUY: 4 signals agree"},
      {"overbought downtrend without MACD or ATR",
       [](DecisionInput& in) {
         in.rsi = 78;
         in.ma_short = 99;
         in.trend = "down";
         in.macd_histogram.reset();
         in.atr.reset();
       },
       Action::sell,
       0.3 + 0.5 * 3 / 3.5,
       0.1 * (0.3 + 0.5 * 3 / 3.5) * 0.5,
       2,
       4,
       {"RSI 78.00 overbought (> 70.00)", "MA20 below MA50 by 1.00% (bearish alignment)",
        "trend down", "MACD histogram missing", "ATR missing: default stop 2.00%"},
       "SELL: 3 signals agree"},
      {"oversold in a downtrend: the votes disagree",
       [](DecisionInput& in) {
         in.rsi = 22;
         in.ma_short = 98;
         in.trend = "down";
       },
       Action::hold,
       0.5,
       0,
       0,
       0,
       {"RSI 22.00 oversold"},
       "signals disagree (buy: RSI oversold; sell: MA20 below MA50, trend down)"},
      {"MACD alone against three buys still holds",
       [](DecisionInput& in) {
         in.rsi = 25;
         in.ma_short = 101;
         in.trend = "up";
         in.macd_histogram = -0.2;
       },
       Action::hold,
       0.5,
       0,
       0,
       0,
       {"MACD histogram -0.2 (bearish)"},
       "signals disagree"},
      {"missing RSI lowers the confidence of a buy",
       [](DecisionInput& in) {
         in.rsi.reset();
         in.ma_short = 101;
         in.trend = "up";
         in.macd_histogram.reset();
       },
       Action::buy,
       0.3 + 0.5 * 2 / 3.5,
       0.1 * (0.3 + 0.5 * 2 / 3.5),
       2,
       4,
       {"RSI missing", "MACD histogram missing"},
       "BUY: 2 signals agree"},
      {"one vote is not enough",
       [](DecisionInput& in) { in.ma_short = 101; },
       Action::hold,
       0.5,
       0,
       0,
       0,
       {"MA20 above MA50", "trend sideways", "RSI 50.00 neutral"},
       "1 signal(s) agree, 2 needed"},
      {"thin volume makes a weak buy a hold",
       [](DecisionInput& in) {
         in.ma_short = 101;
         in.macd_histogram = 0.1;
         in.volume_ratio = 0.5;
       },
       Action::hold,
       0.5,
       0,
       0,
       0,
       {"volume 0.50x average (thin)"},
       "BUY signals too weak (confidence 0.41 < 0.50)"},
      {"MA20 inside the neutral band casts no vote",
       [](DecisionInput& in) {
         in.ma_short = 100.05;
         in.trend = "up";
       },
       Action::hold,
       0.5,
       0,
       0,
       0,
       {"MA20 within 0.10% of MA50 (no alignment)"},
       "1 signal(s) agree"},
      {"no indicators at all",
       [](DecisionInput& in) {
         in.rsi.reset();
         in.ma_short.reset();
         in.ma_long.reset();
         in.macd_histogram.reset();
         in.atr.reset();
         in.trend = "unknown";
       },
       Action::hold,
       0,
       0,
       0,
       0,
       {"RSI missing", "MA20/MA50 missing", "trend unknown", "MACD histogram missing"},
       "0 signal(s) agree"},
      {"NaN price",
       [](DecisionInput& in) {
         in.price = nan;
         in.rsi = 20;
         in.ma_short = 101;
         in.trend = "up";
       },
       Action::hold,
       0,
       0,
       0,
       0,
       {"price missing or invalid"},
       "no usable price"},
      {"zero price",
       [](DecisionInput& in) { in.price = 0; },
       Action::hold,
       0,
       0,
       0,
       0,
       {"price missing or invalid"},
       "no usable price"},
      {"NaN and infinite indicators count as missing",
       [](DecisionInput& in) {
         in.rsi = nan;
         in.ma_short = inf;
         in.macd_histogram = -inf;
         in.atr = nan;
         in.volume_ratio = nan;
         in.trend = "UP";  // not a trend label we know
       },
       Action::hold,
       0,
       0,
       0,
       0,
       {"RSI missing", "MA20/MA50 missing", "MACD histogram missing", "trend unknown",
        "volume ratio missing"},
       "0 signal(s) agree"},
      {"RSI outside 0..100 is missing, ATR beyond 5 % caps the stop",
       [](DecisionInput& in) {
         in.rsi = 150;
         in.ma_short = 102;
         in.trend = "up";
         in.atr = 30;
       },
       Action::buy,
       0.3 + 0.5 * 2 / 3.5,
       0.1 * (0.3 + 0.5 * 2 / 3.5),
       10,
       20,
       {"RSI missing", "ATR 30.00% of price: stop 10.00%, take profit 20.00%"},
       "BUY"},
  };
  return table;
}

TEST(LlmTechnical, ScenarioTable) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    DecisionInput input = neutral();
    c.edit(input);
    Decision decision = technical_decision(input);
    EXPECT_EQ(decision.action, c.action);
    EXPECT_NEAR(decision.confidence, c.confidence, 1e-9);
    EXPECT_NEAR(decision.position_size, c.position_size, 1e-9);
    EXPECT_NEAR(decision.stop_loss_pct, c.stop_loss_pct, 1e-9);
    EXPECT_NEAR(decision.take_profit_pct, c.take_profit_pct, 1e-9);
    for (const auto& factor : c.factors) {
      EXPECT_TRUE(has_factor(decision, factor))
          << "missing factor '" << factor << "' in " << nlohmann::json(decision.factors).dump();
    }
    EXPECT_NE(decision.reasoning.find(c.reasoning), std::string::npos) << decision.reasoning;
    EXPECT_EQ(decision.provider, "technical");
  }
}

TEST(LlmTechnical, TheTranscriptHasOneTechnicalTurn) {
  DecisionInput input = neutral();
  input.ma_short = 101;
  input.trend = "up";
  input.rsi.reset();
  input.atr = nan;
  Decision decision = technical_decision(input);
  EXPECT_EQ(decision.provider, "technical");
  EXPECT_EQ(decision.model, "rules-v1");
  ASSERT_EQ(decision.transcript.size(), 1u);
  const auto& turn = decision.transcript[0];
  EXPECT_EQ(turn.phase, "technical");
  EXPECT_EQ(turn.usage.input_tokens, 0u);
  auto prompt = nlohmann::json::parse(turn.prompt);
  EXPECT_EQ(prompt["symbol"], "BTCUSDT");
  EXPECT_EQ(prompt["price"], 100.0);
  EXPECT_TRUE(prompt["rsi"].is_null());
  EXPECT_TRUE(prompt["atr"].is_null());
  auto answer = nlohmann::json::parse(turn.answer);
  EXPECT_EQ(answer["action"], std::string{to_string(decision.action)});
  EXPECT_EQ(answer["confidence"], decision.confidence);
  EXPECT_EQ(answer["reasoning"], decision.reasoning);
  EXPECT_EQ(answer["factors"], nlohmann::json(decision.factors));
  EXPECT_EQ(answer["position_size"], decision.position_size);
}

TEST(LlmTechnical, SameInputSameDecision) {
  DecisionInput input = neutral();
  input.rsi = 27.123456;
  input.ma_short = 100.7;
  input.trend = "up";
  input.volume_ratio = 1.3;
  Decision first = technical_decision(input);
  for (int i = 0; i < 3; ++i) {
    Decision again = technical_decision(input);
    EXPECT_EQ(again.action, first.action);
    EXPECT_EQ(again.confidence, first.confidence);
    EXPECT_EQ(again.reasoning, first.reasoning);
    EXPECT_EQ(again.factors, first.factors);
    EXPECT_EQ(again.position_size, first.position_size);
    EXPECT_EQ(again.transcript[0].prompt, first.transcript[0].prompt);
    EXPECT_EQ(again.transcript[0].answer, first.transcript[0].answer);
  }
}

TEST(LlmTechnical, ThresholdsComeFromTheOptions) {
  DecisionInput input = neutral();
  input.rsi = 35;
  input.trend = "up";
  EXPECT_EQ(technical_decision(input).action, Action::hold);
  TechnicalOptions options;
  options.rsi_oversold = 40;
  EXPECT_EQ(technical_decision(input, options).action, Action::buy);
}

// Arbitrary numbers, NaN, infinities, odd options: never throws, always inside the ranges.
TEST(LlmTechnical, TotalOverArbitraryInput) {
  std::mt19937_64 rng{2024};
  const std::vector<double> specials{nan, inf, -inf, 0, -1, 1e308, -1e308, 1e-308, 50, 100};
  auto number = [&]() -> double {
    if (rng() % 4 == 0) return specials[rng() % specials.size()];
    return std::uniform_real_distribution<double>{-200, 200}(rng);
  };
  auto maybe = [&]() -> std::optional<double> {
    if (rng() % 5 == 0) return std::nullopt;
    return number();
  };
  const std::vector<std::string> trends{"up", "down", "sideways", "unknown", "", "\xff\xfe"};
  for (int i = 0; i < 5000; ++i) {
    DecisionInput input;
    input.symbol = i % 7 == 0 ? "\xc3\x28" : "ETHUSDT";  // also bytes that are not UTF-8
    input.price = number();
    input.rsi = maybe();
    input.ma_short = maybe();
    input.ma_long = maybe();
    input.atr = maybe();
    input.macd_histogram = maybe();
    input.trend = trends[rng() % trends.size()];
    input.volume_ratio = number();
    TechnicalOptions options;
    if (i % 3 == 0) {
      options.max_confidence = number();
      options.atr_stop_multiple = number();
      options.max_position_size = number();
      options.risk_per_trade_pct = number();
      options.reward_risk = number();
    }
    Decision decision;
    ASSERT_NO_THROW(decision = technical_decision(input, options)) << i;
    ASSERT_GE(decision.confidence, 0) << i;
    ASSERT_LE(decision.confidence, 1) << i;
    ASSERT_GE(decision.position_size, 0) << i;
    ASSERT_LE(decision.position_size, 1) << i;
    ASSERT_GE(decision.stop_loss_pct, 0) << i;
    ASSERT_LE(decision.stop_loss_pct, 50) << i;
    ASSERT_GE(decision.take_profit_pct, 0) << i;
    ASSERT_LE(decision.take_profit_pct, 100) << i;
    ASSERT_FALSE(decision.reasoning.empty());
    ASSERT_EQ(decision.transcript.size(), 1u);
    if (decision.action == Action::hold) {
      ASSERT_EQ(decision.position_size, 0) << i;
    }
  }
}

}  // namespace
}  // namespace autotrader::llm
