#include "llm/decision_json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "llm/codec_detail.hpp"
#include "llm/text.hpp"
#include "llm/validate.hpp"

namespace autotrader::llm {
namespace {

using Json = nlohmann::json;
using MaybeError = std::optional<JsonError>;

JsonError error(std::string_view path, std::string_view what) {
  return JsonError{fmt::format("{}: {}", path, what)};
}

MaybeError reject_unknown(const Json& object, std::string_view path,
                          std::initializer_list<std::string_view> known) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      std::string name = path.empty() ? clean_text(item.key(), 40)
                                      : fmt::format("{}.{}", path, clean_text(item.key(), 40));
      return error(name, "unknown field");
    }
  }
  return std::nullopt;
}

// A finite number within [low, high] (low = the smallest positive double means "> 0");
// booleans are not numbers.
MaybeError read_number(const Json& value, std::string_view path, double low, double high,
                       double& out) {
  if (!value.is_number()) return error(path, "expected a number");
  double number = value.get<double>();
  if (!std::isfinite(number)) return error(path, "not a finite number");
  if (number < low || number > high) {
    std::string rule;
    if (std::isfinite(high)) {
      rule = fmt::format("is outside [{}, {}]", format_fixed(low, 0), format_fixed(high, 0));
    } else if (low > 0) {
      rule = "must be > 0";
    } else {
      rule = fmt::format("must be >= {}", format_fixed(low, 0));
    }
    return error(path, fmt::format("{} {}", format_fixed(number, 4), rule));
  }
  out = number;
  return std::nullopt;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

MaybeError read_optional_number(const Json& object, const char* key, double low, double high,
                                std::optional<double>& out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    out.reset();
    return std::nullopt;
  }
  double value = 0;
  if (auto failed = read_number(*it, key, low, high, value)) {
    return JsonError{failed->message + " (or null when missing)"};
  }
  out = value;
  return std::nullopt;
}

MaybeError read_string(const Json& object, std::string_view path, const char* key,
                       std::string& out) {
  auto it = object.find(key);
  std::string name = path.empty() ? key : fmt::format("{}.{}", path, key);
  if (it == object.end()) return error(name, "missing");
  if (!it->is_string()) return error(name, "expected a string");
  out = it->get<std::string>();
  return std::nullopt;
}

// A non-negative integer, whether parsed (unsigned) or built in code (signed).
bool is_count(const Json& value) {
  return value.is_number_unsigned() ||
         (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

MaybeError read_count(const Json& object, std::string_view path, const char* key,
                      std::uint64_t& out) {
  auto it = object.find(key);
  std::string name = fmt::format("{}.{}", path, key);
  if (it == object.end()) return error(name, "missing");
  if (!is_count(*it)) return error(name, "expected a non-negative integer");
  out = it->get<std::uint64_t>();
  return std::nullopt;
}

bool valid_symbol(std::string_view symbol) {
  return !symbol.empty() && symbol.size() <= 20 &&
         std::all_of(symbol.begin(), symbol.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
         });
}

bool valid_interval(std::string_view interval) {
  if (interval.size() < 2 || interval.size() > 6) return false;
  std::string_view digits = interval.substr(0, interval.size() - 1);
  bool all_digits = std::all_of(digits.begin(), digits.end(),
                                [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  return all_digits && digits.front() != '0' &&
         std::string_view{"smhdwM"}.find(interval.back()) != std::string_view::npos;
}

std::variant<TranscriptTurn, JsonError> read_turn(const Json& json, std::string_view path) {
  if (!json.is_object()) return error(path, "expected an object");
  if (auto failed =
          reject_unknown(json, path, {"phase", "prompt", "answer", "usage", "latency_ms"})) {
    return *failed;
  }
  TranscriptTurn turn;
  if (auto failed = read_string(json, path, "phase", turn.phase)) return *failed;
  if (turn.phase != "initial" && turn.phase != "refinement") {
    return error(fmt::format("{}.phase", path), "expected \"initial\" or \"refinement\"");
  }
  if (auto failed = read_string(json, path, "prompt", turn.prompt)) return *failed;
  if (auto failed = read_string(json, path, "answer", turn.answer)) return *failed;
  auto usage = json.find("usage");
  std::string usage_path = fmt::format("{}.usage", path);
  if (usage == json.end() || !usage->is_object()) return error(usage_path, "expected an object");
  if (auto failed = reject_unknown(*usage, usage_path, {"input_tokens", "output_tokens"})) {
    return *failed;
  }
  if (auto failed = read_count(*usage, usage_path, "input_tokens", turn.usage.input_tokens)) {
    return *failed;
  }
  if (auto failed = read_count(*usage, usage_path, "output_tokens", turn.usage.output_tokens)) {
    return *failed;
  }
  std::uint64_t latency = 0;
  if (auto failed = read_count(json, path, "latency_ms", latency)) return *failed;
  turn.latency = std::chrono::milliseconds{static_cast<std::int64_t>(
      std::min<std::uint64_t>(latency, std::numeric_limits<std::int64_t>::max()))};
  return turn;
}

}  // namespace

Json decision_to_json(const Decision& decision) {
  Json transcript = Json::array();
  for (const TranscriptTurn& turn : decision.transcript) {
    transcript.push_back(
        {{"phase", turn.phase},
         {"prompt", turn.prompt},
         {"answer", turn.answer},
         {"usage",
          {{"input_tokens", turn.usage.input_tokens}, {"output_tokens", turn.usage.output_tokens}}},
         {"latency_ms", turn.latency.count()}});
  }
  return {{"action", to_string(decision.action)},
          {"confidence", decision.confidence},
          {"reasoning", decision.reasoning},
          {"factors", decision.factors},
          {"position_size", decision.position_size},
          {"stop_loss_pct", decision.stop_loss_pct},
          {"take_profit_pct", decision.take_profit_pct},
          {"provider", decision.provider},
          {"model", decision.model},
          {"transcript", std::move(transcript)}};
}

std::variant<Decision, JsonError> decision_from_json(const Json& json) {
  if (!json.is_object()) return JsonError{"a decision must be a JSON object"};
  if (auto failed =
          reject_unknown(json, "",
                         {"action", "confidence", "reasoning", "factors", "position_size",
                          "stop_loss_pct", "take_profit_pct", "provider", "model", "transcript"})) {
    return *failed;
  }
  auto validated = validate_decision(json);
  if (auto* failure = std::get_if<Failure>(&validated)) return JsonError{failure->message};
  Decision decision = std::move(std::get<Decision>(validated));
  if (auto failed = read_string(json, "", "provider", decision.provider)) return *failed;
  if (auto failed = read_string(json, "", "model", decision.model)) return *failed;
  auto transcript = json.find("transcript");
  if (transcript == json.end() || !transcript->is_array()) {
    return error("transcript", "expected an array");
  }
  for (std::size_t i = 0; i < transcript->size(); ++i) {
    auto turn = read_turn((*transcript)[i], fmt::format("transcript[{}]", i));
    if (auto* failed = std::get_if<JsonError>(&turn)) return *failed;
    decision.transcript.push_back(std::move(std::get<TranscriptTurn>(turn)));
  }
  return decision;
}

Json decision_input_to_json(const DecisionInput& input) {
  auto optional = [](const std::optional<double>& value) { return value ? Json(*value) : Json(); };
  return {{"symbol", input.symbol},
          {"interval", input.interval},
          {"price", input.price},
          {"rsi", optional(input.rsi)},
          {"ma_short", optional(input.ma_short)},
          {"ma_long", optional(input.ma_long)},
          {"atr", optional(input.atr)},
          {"vwap", optional(input.vwap)},
          {"macd", optional(input.macd)},
          {"macd_signal", optional(input.macd_signal)},
          {"macd_histogram", optional(input.macd_histogram)},
          {"trend", input.trend},
          {"volume_ratio", input.volume_ratio},
          {"as_of_ms", input.as_of_ms},
          {"position",
           {{"quantity", input.position.quantity},
            {"average_entry_price", input.position.average_entry_price},
            {"unrealized_pnl_pct", input.position.unrealized_pnl_pct}}}};
}

std::variant<DecisionInput, JsonError> decision_input_from_json(const Json& json) {
  if (!json.is_object()) return JsonError{"a snapshot must be a JSON object"};
  if (auto failed = reject_unknown(
          json, "",
          {"symbol", "interval", "price", "rsi", "ma_short", "ma_long", "atr", "vwap", "macd",
           "macd_signal", "macd_histogram", "trend", "volume_ratio", "as_of_ms", "position"})) {
    return *failed;
  }
  DecisionInput input;
  if (auto failed = read_string(json, "", "symbol", input.symbol)) return *failed;
  if (!valid_symbol(input.symbol)) {
    return error("symbol", "expected 1 to 20 characters of A-Z, a-z, 0-9, '.', '_', '-'");
  }
  if (json.contains("interval")) {
    if (auto failed = read_string(json, "", "interval", input.interval)) return *failed;
    if (!valid_interval(input.interval)) {
      return error("interval", "expected digits and one of s, m, h, d, w, M (e.g. \"1m\")");
    }
  }
  auto price = json.find("price");
  if (price == json.end()) return error("price", "missing");
  if (auto failed =
          read_number(*price, "price", std::numeric_limits<double>::min(), kInf, input.price)) {
    return *failed;
  }
  struct Indicator {
    const char* key;
    double low;
    double high;
    std::optional<double> DecisionInput::*field;
  };
  const double tiny = std::numeric_limits<double>::min();
  const std::array<Indicator, 8> indicators{{
      {"rsi", 0, 100, &DecisionInput::rsi},
      {"ma_short", tiny, kInf, &DecisionInput::ma_short},
      {"ma_long", tiny, kInf, &DecisionInput::ma_long},
      {"atr", 0, kInf, &DecisionInput::atr},
      {"vwap", tiny, kInf, &DecisionInput::vwap},
      {"macd", -kInf, kInf, &DecisionInput::macd},
      {"macd_signal", -kInf, kInf, &DecisionInput::macd_signal},
      {"macd_histogram", -kInf, kInf, &DecisionInput::macd_histogram},
  }};
  for (const Indicator& indicator : indicators) {
    if (auto failed = read_optional_number(json, indicator.key, indicator.low, indicator.high,
                                           input.*indicator.field)) {
      return *failed;
    }
  }
  if (json.contains("trend")) {
    if (auto failed = read_string(json, "", "trend", input.trend)) return *failed;
    if (input.trend != "up" && input.trend != "down" && input.trend != "sideways" &&
        input.trend != "unknown") {
      return error("trend", "expected up, down, sideways or unknown");
    }
  }
  if (auto it = json.find("volume_ratio"); it != json.end()) {
    if (auto failed = read_number(*it, "volume_ratio", 0, kInf, input.volume_ratio)) {
      return *failed;
    }
  }
  if (auto it = json.find("as_of_ms"); it != json.end()) {
    if (!is_count(*it) ||
        it->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return error("as_of_ms", "expected a non-negative integer (Unix milliseconds)");
    }
    input.as_of_ms = it->get<std::int64_t>();
  }
  if (auto it = json.find("position"); it != json.end()) {
    const Json& position = *it;
    if (!position.is_object()) return error("position", "expected an object");
    if (auto failed = reject_unknown(position, "position",
                                     {"quantity", "average_entry_price", "unrealized_pnl_pct"})) {
      return *failed;
    }
    struct Field {
      const char* key;
      const char* path;
      double low;
      double PositionState::*field;
    };
    for (const Field& field : {Field{"quantity", "position.quantity", 0, &PositionState::quantity},
                               Field{"average_entry_price", "position.average_entry_price", 0,
                                     &PositionState::average_entry_price},
                               Field{"unrealized_pnl_pct", "position.unrealized_pnl_pct", -kInf,
                                     &PositionState::unrealized_pnl_pct}}) {
      auto value = position.find(field.key);
      if (value == position.end()) continue;
      if (auto failed =
              read_number(*value, field.path, field.low, kInf, input.position.*field.field)) {
        return *failed;
      }
    }
    if (input.position.quantity > 0 && !(input.position.average_entry_price > 0)) {
      return error("position.average_entry_price", "must be > 0 when a quantity is held");
    }
  }
  return input;
}

std::variant<DecisionInput, JsonError> decision_input_from_text(std::string_view text) {
  if (detail::nests_too_deep(text)) return JsonError{"the snapshot nests too deeply"};
  try {
    return decision_input_from_json(Json::parse(text));
  } catch (const Json::parse_error& e) {
    return JsonError{fmt::format("not valid JSON at byte {}", e.byte)};
  } catch (const Json::exception& e) {
    return JsonError{fmt::format("not valid JSON: {}", clean_text(e.what(), 200))};
  }
}

}  // namespace autotrader::llm
