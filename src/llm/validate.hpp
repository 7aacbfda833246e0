#pragma once
// The trade-decision schema, defined once, and the validator that turns a model's untrusted
// answer into a Decision or an invalid-answer Failure.
//
// The schema is exported in two forms from the same field table: standard JSON Schema (OpenAI
// and Together strict json_schema, local servers' nested json_schema, Anthropic's tool
// input_schema) and Gemini's OpenAPI-subset Schema (upper-case types, propertyOrdering). Every
// property is required and no others are allowed (OpenAI strict mode needs both). Numeric ranges
// are stated in the descriptions, not as minimum/maximum keywords, because strict modes and
// grammar engines differ in which keywords they accept; the validator enforces them.
//
// Validation rules (the schema is a request to the model, never a guarantee):
// - The answer must be a JSON object; fields it has beyond the schema are ignored.
// - A missing field, a wrong JSON type (a number as a string, a bool as a number, ...) or an
//   action other than exactly "BUY", "SELL" or "HOLD" is schema_violation.
// - Numbers: confidence and position_size in [0, 1], stop_loss_pct in [0, 50], take_profit_pct
//   in [0, 100]. A value outside its range by at most 10 % of the range's width is clamped to
//   the bound (confidence 1.02 -> 1.0, -0.05 -> 0, stop_loss_pct 54 -> 50); further out, or NaN
//   or infinite, is out_of_range (confidence 7, position_size 25 - probably meant as percent,
//   and clamping it would commit all equity - or stop_loss_pct 80).
// - reasoning and every factor pass clean_text (control characters and bidi overrides removed,
//   whitespace collapsed, valid UTF-8); reasoning is cut to kMaxReasoningBytes, each factor to
//   kMaxFactorBytes. Factors that are empty after cleaning are dropped; after kMaxFactors the
//   rest are dropped. A non-string factor is schema_violation.
// The Failure message names the field ("confidence: 7 is outside [0, 1]"), never the whole answer.
#include <cstddef>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "llm/types.hpp"

namespace autotrader::llm {

inline constexpr std::size_t kMaxReasoningBytes = 2000;
inline constexpr std::size_t kMaxFactorBytes = 200;
inline constexpr std::size_t kMaxFactors = 10;

// The name OpenAI-style json_schema formats carry; Anthropic's forced tool is emit_decision.
inline constexpr const char* kDecisionSchemaName = "trade_decision";

// Standard JSON Schema of the decision object.
nlohmann::json decision_json_schema();
// The same schema as Gemini's responseSchema (OpenAPI 3.0 subset).
nlohmann::json decision_gemini_schema();
// The fields and their meaning as plain text, for the system prompt.
std::string decision_schema_text();

// The Decision's action, numbers, reasoning and factors (provider, model and transcript stay
// empty), or a Failure of kind schema_violation or out_of_range.
std::variant<Decision, Failure> validate_decision(const nlohmann::json& answer);

}  // namespace autotrader::llm
