#include "llm/validate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "llm/text.hpp"

namespace autotrader::llm {
namespace {

enum class FieldType { action, number, text, text_list };

struct Field {
  const char* name;
  FieldType type;
  const char* description;
  // Numbers only: the range and where the value goes.
  double low = 0;
  double high = 0;
  double Decision::*number = nullptr;
};

// The one definition of the decision schema; order is the order the model is asked to answer in.
constexpr std::array<Field, 7> kFields{{
    {"action", FieldType::action, "BUY, SELL or HOLD."},
    {"confidence", FieldType::number, "How sure you are, from 0 (a guess) to 1 (certain).", 0, 1,
     &Decision::confidence},
    {"reasoning", FieldType::text, "Why, in a few sentences, citing the numbers given."},
    {"factors", FieldType::text_list,
     "The main factors behind the decision, most important first, at most 10 short phrases."},
    {"position_size", FieldType::number, "Fraction of equity to commit, from 0 to 1; 0 for HOLD.",
     0, 1, &Decision::position_size},
    {"stop_loss_pct", FieldType::number,
     "Stop-loss distance from the entry price in percent, from 0 to 50.", 0, 50,
     &Decision::stop_loss_pct},
    {"take_profit_pct", FieldType::number,
     "Take-profit distance from the entry price in percent, from 0 to 100.", 0, 100,
     &Decision::take_profit_pct},
}};

// How far outside its range a number may be and still be clamped, as a share of the width.
constexpr double kClampTolerance = 0.10;

Failure invalid(FailureKind kind, std::string message) {
  Failure failure;
  failure.kind = kind;
  failure.message = std::move(message);
  return failure;
}

std::variant<double, Failure> checked_number(const nlohmann::json& value, const Field& field) {
  // Booleans are not numbers here, although nlohmann would convert them.
  if (!value.is_number()) {
    return invalid(FailureKind::schema_violation, fmt::format("{}: not a number", field.name));
  }
  double number = value.get<double>();
  double slack = (field.high - field.low) * kClampTolerance;
  if (!std::isfinite(number) || number < field.low - slack || number > field.high + slack) {
    return invalid(FailureKind::out_of_range,
                   fmt::format("{}: {} is outside [{}, {}]", field.name,
                               std::isfinite(number) ? format_fixed(number, 4) : "non-finite",
                               field.low, field.high));
  }
  return std::clamp(number, field.low, field.high);
}

// Type names of the two schema dialects: standard JSON Schema, and Gemini's OpenAPI subset.
struct Dialect {
  const char* object;
  const char* string;
  const char* number;
  const char* array;
};
constexpr Dialect kStandard{"object", "string", "number", "array"};
constexpr Dialect kGemini{"OBJECT", "STRING", "NUMBER", "ARRAY"};

// Every field of kFields as a schema property, and the list of their names (all required).
std::pair<nlohmann::json, nlohmann::json> properties_in(const Dialect& dialect) {
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const Field& field : kFields) {
    nlohmann::json property = {{"description", field.description}};
    switch (field.type) {
      case FieldType::action:
        property["type"] = dialect.string;
        property["enum"] = {"BUY", "SELL", "HOLD"};
        break;
      case FieldType::number:
        property["type"] = dialect.number;
        break;
      case FieldType::text:
        property["type"] = dialect.string;
        break;
      case FieldType::text_list:
        property["type"] = dialect.array;
        property["items"] = {{"type", dialect.string}};
        break;
    }
    properties[field.name] = std::move(property);
    required.push_back(field.name);
  }
  return {std::move(properties), std::move(required)};
}

}  // namespace

nlohmann::json decision_json_schema() {
  auto [properties, required] = properties_in(kStandard);
  return {{"type", kStandard.object},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

nlohmann::json decision_gemini_schema() {
  auto [properties, required] = properties_in(kGemini);
  return {{"type", kGemini.object},
          {"properties", std::move(properties)},
          {"required", required},
          {"propertyOrdering", required}};
}

std::string decision_schema_text() {
  std::string text = "A JSON object with exactly these fields:\n";
  for (const Field& field : kFields) {
    const char* type = "";
    switch (field.type) {
      case FieldType::action:
        type = "string";
        break;
      case FieldType::number:
        type = "number";
        break;
      case FieldType::text:
        type = "string";
        break;
      case FieldType::text_list:
        type = "array of strings";
        break;
    }
    text += fmt::format("- {} ({}): {}\n", field.name, type, field.description);
  }
  return text;
}

std::variant<Decision, Failure> validate_decision(const nlohmann::json& answer) {
  if (!answer.is_object()) {
    return invalid(FailureKind::schema_violation, "the answer is not a JSON object");
  }
  Decision decision;
  for (const Field& field : kFields) {
    auto it = answer.find(field.name);
    if (it == answer.end()) {
      return invalid(FailureKind::schema_violation, fmt::format("missing field {}", field.name));
    }
    const nlohmann::json& value = *it;
    switch (field.type) {
      case FieldType::action: {
        std::optional<Action> action;
        if (value.is_string()) action = parse_action(value.get_ref<const std::string&>());
        if (!action) {
          return invalid(FailureKind::schema_violation,
                         "action: not one of \"BUY\", \"SELL\", \"HOLD\"");
        }
        decision.action = *action;
        break;
      }
      case FieldType::number: {
        auto number = checked_number(value, field);
        if (auto* failure = std::get_if<Failure>(&number)) return std::move(*failure);
        decision.*field.number = std::get<double>(number);
        break;
      }
      case FieldType::text:
        if (!value.is_string()) {
          return invalid(FailureKind::schema_violation,
                         fmt::format("{}: not a string", field.name));
        }
        decision.reasoning = clean_text(value.get_ref<const std::string&>(), kMaxReasoningBytes);
        break;
      case FieldType::text_list:
        if (!value.is_array()) {
          return invalid(FailureKind::schema_violation,
                         fmt::format("{}: not an array", field.name));
        }
        for (const nlohmann::json& item : value) {
          if (!item.is_string()) {
            return invalid(FailureKind::schema_violation,
                           fmt::format("{}: an element is not a string", field.name));
          }
          if (decision.factors.size() == kMaxFactors) continue;
          std::string factor = clean_text(item.get_ref<const std::string&>(), kMaxFactorBytes);
          if (!factor.empty()) decision.factors.push_back(std::move(factor));
        }
        break;
    }
  }
  return decision;
}

}  // namespace autotrader::llm
