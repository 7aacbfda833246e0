#pragma once
// Internal to the config library: the helpers that build the schema table's rows, shared by the
// files that add keys (schema.cpp, schema_trading.cpp). Not part of the public API.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/schema.hpp"
#include "config/trading_mode.hpp"
#include "core/log.hpp"

namespace autotrader::config::schema_detail {

using nlohmann::json;

// Durations are used with millisecond resolution; anything shorter would become 0 and turn a
// timeout into "fail at once" (a crash loop that `config check` would not have caught).
inline constexpr double kMinDuration = 0.001;

template <typename T>
json to_value(const T& value) {
  if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) {
    return std::chrono::duration<double>(value).count();
  } else if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
    return value.count();  // keys named *_ms hold whole milliseconds
  } else if constexpr (std::is_same_v<T, Mode>) {
    return std::string{mode_name(value)};
  } else if constexpr (std::is_same_v<T, UnknownOrders>) {
    return std::string{unknown_orders_name(value)};
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    return value.string();
  } else if constexpr (std::is_same_v<T, core::log::Level>) {
    return std::string{core::log::level_name(value)};
  } else {
    return value;
  }
}

template <typename T>
void from_value(const json& value, T& out) {
  if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) {
    out = std::chrono::round<std::chrono::nanoseconds>(
        std::chrono::duration<double>(value.get<double>()));
  } else if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
    out = std::chrono::milliseconds{value.get<std::int64_t>()};
  } else if constexpr (std::is_same_v<T, Mode>) {
    out = parse_mode(value.get<std::string>()).value_or(Mode::sim);
  } else if constexpr (std::is_same_v<T, UnknownOrders>) {
    out = parse_unknown_orders(value.get<std::string>()).value_or(UnknownOrders::cancel);
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    out = value.get<std::string>();
  } else if constexpr (std::is_same_v<T, core::log::Level>) {
    out = core::log::parse_level(value.get<std::string>()).value_or(core::log::Level::info);
  } else {
    out = value.get<T>();
  }
}

// A field inside one of the sections of Settings.
template <auto section, auto member>
Field field() {
  return Field{[](Settings& s, const json& value) { from_value(value, s.*section.*member); },
               [](const Settings& s) { return to_value(s.*section.*member); }};
}

// A field directly in Settings.
template <auto member>
Field top_field() {
  return Field{[](Settings& s, const json& value) { from_value(value, s.*member); },
               [](const Settings& s) { return to_value(s.*member); }};
}

inline Bound closed(double value) {
  return Bound{value, true};
}

// An end the value may approach but not reach: (0, 1] takes exclusive(0), closed(1).
inline Bound exclusive(double value) {
  return Bound{value, false};
}

inline KeySpec key(std::string path, ValueType type, json default_value, std::string description,
                   Field field) {
  KeySpec spec;
  spec.path = std::move(path);
  spec.type = type;
  spec.default_value = std::move(default_value);
  spec.description = std::move(description);
  spec.field = std::move(field);
  return spec;
}

inline KeySpec integer_key(std::string path, std::int64_t default_value, Bound min, Bound max,
                           std::string description, Field field) {
  auto spec = key(std::move(path), ValueType::integer, default_value, std::move(description),
                  std::move(field));
  spec.min = min;
  spec.max = max;
  return spec;
}

inline KeySpec number_key(std::string path, double default_value, Bound min, Bound max,
                          std::string description, Field field) {
  auto spec = key(std::move(path), ValueType::number, default_value, std::move(description),
                  std::move(field));
  spec.min = min;
  spec.max = max;
  return spec;
}

inline KeySpec bool_key(std::string path, bool default_value, std::string description, Field field,
                        std::vector<std::string> env_aliases = {}) {
  auto spec = key(std::move(path), ValueType::boolean, default_value, std::move(description),
                  std::move(field));
  spec.env_aliases = std::move(env_aliases);
  return spec;
}

inline KeySpec string_key(std::string path, std::string default_value,
                          std::optional<std::string> (*check)(const json&), std::string rule,
                          std::string description, Field field) {
  auto spec = key(std::move(path), ValueType::string, std::move(default_value),
                  std::move(description), std::move(field));
  spec.check = check;
  spec.rule = std::move(rule);
  return spec;
}

inline KeySpec enum_key(std::string path, std::string default_value,
                        std::vector<std::string> allowed, std::string description, Field field) {
  auto spec = key(std::move(path), ValueType::enumeration, std::move(default_value),
                  std::move(description), std::move(field));
  spec.allowed = std::move(allowed);
  return spec;
}

inline KeySpec list_key(std::string path, std::vector<std::string> default_value,
                        std::optional<std::string> (*check)(const json&), std::string rule,
                        std::string description, Field field) {
  auto spec = key(std::move(path), ValueType::string_list, std::move(default_value),
                  std::move(description), std::move(field));
  spec.check = check;
  spec.rule = std::move(rule);
  return spec;
}

inline KeySpec with_env_aliases(KeySpec spec, std::vector<std::string> aliases) {
  spec.env_aliases = std::move(aliases);
  return spec;
}

// The rows of the decision loop, risk, paper broker and store sections (schema_trading.cpp).
void add_trading_keys(std::vector<KeySpec>& keys);

}  // namespace autotrader::config::schema_detail
