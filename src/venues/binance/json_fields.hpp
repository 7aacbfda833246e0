#pragma once
// Typed field access over an nlohmann::json object for the order-side decoders (user_stream,
// trade_codec): each read returns the value or an Error naming the message and the field, so a
// decoder is a list of reads. Strict on types (a decimal must be a decimal string, an integer a
// JSON integer that fits int64); absent fields fall back only where the caller gives a default.
// Internal to autotrader::binance_orders.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "venues/binance/errc.hpp"

namespace autotrader::binance::detail {

class JsonFields {
 public:
  // `object` must be a JSON object and must outlive the reader.
  JsonFields(const nlohmann::json& object, std::string what)
      : object_{object}, what_{std::move(what)} {}

  const nlohmann::json* find(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  Error missing(const char* key) const {
    return make_error(errc::missing_field, what_ + ": field '" + key + "' is missing");
  }
  Error wrong(const char* key, const char* why) const {
    return make_error(errc::invalid_field, what_ + ": field '" + key + "' " + why);
  }

  // A JSON integer that fits int64; `fallback` when absent (nullopt: required).
  Expected<std::int64_t> integer(const char* key,
                                 std::optional<std::int64_t> fallback = std::nullopt) const {
    const nlohmann::json* value = find(key);
    if (value == nullptr) {
      if (fallback) return *fallback;
      return missing(key);
    }
    if (value->is_number_integer() && !value->is_number_unsigned()) {
      return value->get<std::int64_t>();
    }
    if (value->is_number_unsigned() && value->get<std::uint64_t>() <= INT64_MAX) {
      return static_cast<std::int64_t>(value->get<std::uint64_t>());
    }
    return wrong(key, "is not an integer");
  }

  // A string; `fallback` when absent (nullopt: required). With null_as_empty, null reads as ""
  // (Binance sends "N":null for "no commission asset").
  Expected<std::string> text(const char* key, std::optional<std::string> fallback = std::nullopt,
                             bool null_as_empty = false) const {
    const nlohmann::json* value = find(key);
    if (value == nullptr) {
      if (fallback) return *fallback;
      return missing(key);
    }
    if (null_as_empty && value->is_null()) return std::string{};
    if (!value->is_string()) return wrong(key, "is not a string");
    return value->get<std::string>();
  }

  // A decimal string ("0.00100000"); zero when absent and not required.
  Expected<core::Decimal> decimal(const char* key, bool required = true) const {
    const nlohmann::json* value = find(key);
    if (value == nullptr) {
      if (!required) return core::Decimal{};
      return missing(key);
    }
    if (!value->is_string()) return wrong(key, "is not a decimal string");
    auto parsed = core::Decimal::parse(value->get_ref<const std::string&>());
    if (!parsed) return wrong(key, "is not a decimal string");
    return *parsed;
  }

  // A boolean; required unless `fallback` is given.
  Expected<bool> boolean(const char* key, std::optional<bool> fallback = std::nullopt) const {
    const nlohmann::json* value = find(key);
    if (value == nullptr) {
      if (fallback) return *fallback;
      return missing(key);
    }
    if (!value->is_boolean()) return wrong(key, "is not a boolean");
    return value->get<bool>();
  }

  Expected<core::Symbol> symbol(const char* key) const {
    auto name = text(key);
    if (!name) return name.error();
    auto symbol = core::Symbol::parse(*name);
    if (!symbol) return wrong(key, "is not a symbol");
    return *symbol;
  }

  const std::string& what() const { return what_; }

 private:
  const nlohmann::json& object_;
  std::string what_;
};

// Parses a whole text; malformed_json when it is not JSON (never throws).
inline Expected<nlohmann::json> parse_json(std::string_view text, std::string_view what) {
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return make_error(errc::malformed_json, std::string{what} + ": not JSON");
  }
  return doc;
}

}  // namespace autotrader::binance::detail
