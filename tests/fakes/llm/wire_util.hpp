#pragma once
// Internal to the dialects: what more than one wire format needs.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tests/fakes/llm/wire.hpp"

namespace autotrader::fakes::llm::wire {

using nlohmann::json;

inline constexpr std::string_view kJsonType = "application/json";

Reply json_reply(int status, const json& body, HeaderList headers = {});

// The first half of the serialised answer: a body (or an inner text) that does not parse.
std::string cut_in_half(const std::string& text);

// A decision object that breaks the schema in several ways (unknown action, confidence above 1,
// reasoning a number, factors a string, negative position size).
json schema_violating_decision();

// What a chatty model says instead of calling the tool or answering in JSON.
inline constexpr std::string_view kProse =
    "Looking at the indicators, RSI is elevated and momentum is fading, so I would hold for now "
    "and wait for a clearer signal.";

// The token after "Bearer " in an Authorization header; nullopt when there is none.
std::optional<std::string> bearer_token(const Incoming& request);

// The decoded value of `name` in a query string; nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

// Seconds for a retry hint, rounded up (Retry-After is whole seconds) and at least 1.
long long whole_seconds_up(std::chrono::milliseconds ms);
// "2.5", "26", "0.25": seconds with up to three decimals, as the providers print them.
std::string decimal_seconds(std::chrono::milliseconds ms);

// Field readers that never throw on a wrong type (nlohmann's value() with a typed default does).
std::string string_field(const json& object, std::string_view name);
bool is_true(const json& object, std::string_view name);

// JSON type names as the OpenAPI/pydantic messages say them.
std::string_view type_name(const json& value);

// The fields of `object` whose names are not in `known` (after `normalise` when given).
template <typename Known, typename Normalise>
std::optional<std::string> first_unknown_field(const json& object, const Known& known,
                                               Normalise normalise) {
  for (const auto& [key, value] : object.items()) {
    auto name = normalise(key);
    bool found = false;
    for (const auto& k : known) found = found || name == k;
    if (!found) return key;
  }
  return std::nullopt;
}

}  // namespace autotrader::fakes::llm::wire
