// The decision schema (one table, two exported forms) and the validator's rules from
// validate.hpp, as tables: what is accepted as is, clamped, or refused and how.
#include "llm/validate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace autotrader::llm {
namespace {

nlohmann::json valid_answer() {
  return nlohmann::json::parse(R"({
    "action": "BUY", "confidence": 0.7, "reasoning": "RSI recovering from 35, MACD crossed up.",
    "factors": ["MACD cross up", "volume 1.4x average"], "position_size": 0.1,
    "stop_loss_pct": 2, "take_profit_pct": 4.5})");
}

Failure failure_for(const nlohmann::json& answer) {
  auto result = validate_decision(answer);
  EXPECT_TRUE(std::holds_alternative<Failure>(result)) << answer.dump();
  return std::holds_alternative<Failure>(result) ? std::get<Failure>(result) : Failure{};
}

Decision decision_for(const nlohmann::json& answer) {
  auto result = validate_decision(answer);
  if (auto* failure = std::get_if<Failure>(&result)) {
    ADD_FAILURE() << failure->message << " for " << answer.dump();
    return {};
  }
  return std::get<Decision>(result);
}

TEST(LlmDecisionSchema, BothFormsComeFromOneDefinition) {
  auto standard = decision_json_schema();
  auto gemini = decision_gemini_schema();
  EXPECT_EQ(standard["type"], "object");
  EXPECT_EQ(standard["additionalProperties"], false);
  EXPECT_EQ(standard["required"], gemini["required"]);
  EXPECT_EQ(gemini["propertyOrdering"], gemini["required"]);
  ASSERT_EQ(standard["properties"].size(), 7u);
  for (const auto& item : standard["properties"].items()) {
    const auto& twin = gemini["properties"][item.key()];
    EXPECT_EQ(twin["description"], item.value()["description"]) << item.key();
    std::string type = item.value()["type"];
    std::transform(type.begin(), type.end(), type.begin(), ::toupper);
    EXPECT_EQ(twin["type"], type) << item.key();
  }
  EXPECT_EQ(standard["properties"]["action"]["enum"],
            nlohmann::json::array({"BUY", "SELL", "HOLD"}));
  std::string text = decision_schema_text();
  for (const auto& name : standard["required"]) {
    EXPECT_NE(text.find("- " + name.get<std::string>() + " ("), std::string::npos) << name;
  }
}

TEST(LlmValidateDecision, AcceptsAValidAnswer) {
  Decision d = decision_for(valid_answer());
  EXPECT_EQ(d.action, Action::buy);
  EXPECT_DOUBLE_EQ(d.confidence, 0.7);
  EXPECT_EQ(d.reasoning, "RSI recovering from 35, MACD crossed up.");
  EXPECT_EQ(d.factors, (std::vector<std::string>{"MACD cross up", "volume 1.4x average"}));
  EXPECT_DOUBLE_EQ(d.position_size, 0.1);
  EXPECT_DOUBLE_EQ(d.stop_loss_pct, 2);
  EXPECT_DOUBLE_EQ(d.take_profit_pct, 4.5);
  EXPECT_TRUE(d.provider.empty());
  EXPECT_TRUE(d.transcript.empty());
  auto extra = valid_answer();
  extra["note"] = "ignored";
  EXPECT_EQ(decision_for(extra).action, Action::buy);
}

TEST(LlmValidateDecision, MissingFieldsAndWrongTypesAreSchemaViolations) {
  const auto complete = valid_answer();
  for (const auto& item : complete.items()) {
    auto answer = complete;
    answer.erase(item.key());
    auto failure = failure_for(answer);
    EXPECT_EQ(failure.kind, FailureKind::schema_violation);
    EXPECT_EQ(failure.message, "missing field " + item.key());
  }
  struct Case {
    const char* field;
    nlohmann::json value;
  };
  for (const Case& c : {Case{"action", "buy"}, Case{"action", "STRONG_BUY"}, Case{"action", 1},
                        Case{"action", " BUY"}, Case{"confidence", "0.7"}, Case{"confidence", true},
                        Case{"confidence", nullptr}, Case{"reasoning", 42}, Case{"factors", "MACD"},
                        Case{"factors", nlohmann::json::array({"a", 3})},
                        Case{"position_size", nlohmann::json::array({0.1})},
                        Case{"stop_loss_pct", nlohmann::json::object()}}) {
    auto answer = valid_answer();
    answer[c.field] = c.value;
    auto failure = failure_for(answer);
    EXPECT_EQ(failure.kind, FailureKind::schema_violation) << c.field << " = " << c.value;
    EXPECT_EQ(failure.message.rfind(c.field, 0), 0u) << failure.message;
    EXPECT_EQ(failure.klass(), FailureClass::invalid_answer);
  }
  EXPECT_EQ(failure_for(nlohmann::json::array()).kind, FailureKind::schema_violation);
  EXPECT_EQ(failure_for("BUY").kind, FailureKind::schema_violation);
}

TEST(LlmValidateDecision, ClampsWithinTenPercentOfTheRangeAndRefusesBeyond) {
  struct Case {
    const char* field;
    double value;
    std::optional<double> expected;  // nullopt: out_of_range
  };
  const Case cases[] = {
      {"confidence", 0.0, 0.0},
      {"confidence", 1.0, 1.0},
      {"confidence", 1.02, 1.0},
      {"confidence", 1.1, 1.0},
      {"confidence", -0.05, 0.0},
      {"confidence", 1.11, std::nullopt},
      {"confidence", 7, std::nullopt},
      {"confidence", -0.2, std::nullopt},
      {"position_size", 1.05, 1.0},
      {"position_size", 25, std::nullopt},
      {"position_size", -0.01, 0.0},
      {"stop_loss_pct", 54, 50.0},
      {"stop_loss_pct", 56, std::nullopt},
      {"stop_loss_pct", -2, 0.0},
      {"stop_loss_pct", 80, std::nullopt},
      {"take_profit_pct", 108, 100.0},
      {"take_profit_pct", 111, std::nullopt},
      {"take_profit_pct", 0.5, 0.5},
  };
  for (const Case& c : cases) {
    auto answer = valid_answer();
    answer[c.field] = c.value;
    auto result = validate_decision(answer);
    if (!c.expected) {
      ASSERT_TRUE(std::holds_alternative<Failure>(result)) << c.field << " " << c.value;
      EXPECT_EQ(std::get<Failure>(result).kind, FailureKind::out_of_range);
      EXPECT_EQ(std::get<Failure>(result).message.rfind(std::string{c.field} + ": ", 0), 0u);
      continue;
    }
    ASSERT_TRUE(std::holds_alternative<Decision>(result)) << c.field << " " << c.value;
    const Decision& d = std::get<Decision>(result);
    double got = std::string_view{c.field} == "confidence"      ? d.confidence
                 : std::string_view{c.field} == "position_size" ? d.position_size
                 : std::string_view{c.field} == "stop_loss_pct" ? d.stop_loss_pct
                                                                : d.take_profit_pct;
    EXPECT_DOUBLE_EQ(got, *c.expected) << c.field << " " << c.value;
  }
  auto seven = valid_answer();
  seven["confidence"] = 7;
  EXPECT_EQ(failure_for(seven).message, "confidence: 7.0000 is outside [0, 1]");
}

TEST(LlmValidateDecision, NonFiniteNumbersAreOutOfRange) {
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    auto answer = valid_answer();
    answer["confidence"] = bad;
    EXPECT_EQ(failure_for(answer).kind, FailureKind::out_of_range);
  }
}

TEST(LlmValidateDecision, TextIsCleanedAndCapped) {
  auto answer = valid_answer();
  answer["reasoning"] = "Buy\x1b[2J now\r\nbecause\u202e evil\u0085 \t trend";
  answer["factors"] = {"  ",
                       "a\x07"
                       "b",
                       std::string(500, 'f')};
  Decision d = decision_for(answer);
  EXPECT_EQ(d.reasoning, "Buy[2J now because evil trend");
  EXPECT_EQ(d.factors, (std::vector<std::string>{"ab", std::string(kMaxFactorBytes, 'f')}));

  // Cut at a code point boundary: 1000 two-byte characters and more.
  std::string umlauts;
  for (int i = 0; i < 1500; ++i) umlauts += "\xc3\xa4";
  answer["reasoning"] = umlauts;
  d = decision_for(answer);
  EXPECT_EQ(d.reasoning.size(), kMaxReasoningBytes);
  EXPECT_NO_THROW((void)nlohmann::json(d.reasoning).dump());

  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 25; ++i) many.push_back("factor " + std::to_string(i));
  answer["factors"] = many;
  d = decision_for(answer);
  ASSERT_EQ(d.factors.size(), kMaxFactors);
  EXPECT_EQ(d.factors.front(), "factor 0");
  EXPECT_EQ(d.factors.back(), "factor 9");
}

}  // namespace
}  // namespace autotrader::llm
