#include "venues/binance/rest_codec.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "venues/binance/json_scanner.hpp"

namespace autotrader::binance {
namespace {

using nlohmann::json;

Expected<json> parse(std::string_view body, std::string_view what) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return make_error(errc::malformed_json, std::string{what} + ": body is not JSON");
  }
  return doc;
}

Error missing(std::string_view what, std::string_view field) {
  return make_error(errc::missing_field,
                    std::string{what} + ": field '" + std::string{field} + "' is missing");
}

Error invalid(std::string_view what, std::string_view field, std::string_view why) {
  return make_error(errc::invalid_field,
                    std::string{what} + ": field '" + std::string{field} + "' " + std::string{why});
}

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::int64_t> as_int(const json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_unsigned() && value.get<std::uint64_t>() <= INT64_MAX) {
    return static_cast<std::int64_t>(value.get<std::uint64_t>());
  }
  return std::nullopt;
}

std::optional<double> as_double_text(const json& value) {
  double out = 0;
  if (!value.is_string() || !detail::parse_decimal_text(value.get_ref<const std::string&>(), out)) {
    return std::nullopt;
  }
  return out;
}

std::optional<core::Decimal> as_decimal(const json& object, const char* key) {
  const json* value = member(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return core::Decimal::parse(value->get_ref<const std::string&>());
}

std::string as_string(const json& object, const char* key) {
  const json* value = member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string{};
}

bool as_bool(const json& object, const char* key, bool fallback) {
  const json* value = member(object, key);
  return value != nullptr && value->is_boolean() ? value->get<bool>() : fallback;
}

// One filter object into `info`; unknown filter types are ignored. An error names the filter.
std::optional<Error> read_filter(const json& filter, SymbolInfo& info) {
  if (!filter.is_object()) return invalid("exchangeInfo", "filters", "holds a non-object");
  std::string type = as_string(filter, "filterType");
  auto decimals = [&](std::initializer_list<const char*> keys,
                      std::vector<core::Decimal>& out) -> std::optional<Error> {
    for (const char* key : keys) {
      auto value = as_decimal(filter, key);
      if (!value) return invalid("exchangeInfo", type + "." + key, "is not a decimal string");
      out.push_back(*value);
    }
    return std::nullopt;
  };
  std::vector<core::Decimal> v;
  if (type == "PRICE_FILTER") {
    if (auto e = decimals({"minPrice", "maxPrice", "tickSize"}, v)) return e;
    info.price_filter = PriceFilter{v[0], v[1], v[2]};
  } else if (type == "LOT_SIZE" || type == "MARKET_LOT_SIZE") {
    if (auto e = decimals({"minQty", "maxQty", "stepSize"}, v)) return e;
    (type == "LOT_SIZE" ? info.lot_size : info.market_lot_size) = LotSizeFilter{v[0], v[1], v[2]};
  } else if (type == "MIN_NOTIONAL" || type == "NOTIONAL") {
    if (auto e = decimals({"minNotional"}, v)) return e;
    NotionalFilter notional;
    notional.min_notional = v[0];
    if (type == "NOTIONAL") {
      notional.max_notional = as_decimal(filter, "maxNotional");
      notional.apply_min_to_market = as_bool(filter, "applyMinToMarket", true);
      notional.apply_max_to_market = as_bool(filter, "applyMaxToMarket", false);
    } else {
      notional.apply_min_to_market = as_bool(filter, "applyToMarket", true);
    }
    if (const json* mins = member(filter, "avgPriceMins"); mins != nullptr) {
      notional.avg_price_mins = as_int(*mins).value_or(0);
    }
    // NOTIONAL supersedes MIN_NOTIONAL when a symbol lists both.
    if (type == "NOTIONAL" || !info.notional) info.notional = notional;
  } else if (type == "PERCENT_PRICE_BY_SIDE") {
    if (auto e = decimals(
            {"bidMultiplierUp", "bidMultiplierDown", "askMultiplierUp", "askMultiplierDown"}, v)) {
      return e;
    }
    PercentPriceBySideFilter percent{v[0], v[1], v[2], v[3], 0};
    if (const json* mins = member(filter, "avgPriceMins"); mins != nullptr) {
      percent.avg_price_mins = as_int(*mins).value_or(0);
    }
    info.percent_price_by_side = percent;
  }
  return std::nullopt;
}

}  // namespace

std::chrono::milliseconds RateLimit::window() const {
  using std::chrono::milliseconds;
  milliseconds unit{0};
  if (interval == "SECOND") unit = milliseconds{1'000};
  if (interval == "MINUTE") unit = milliseconds{60'000};
  if (interval == "HOUR") unit = milliseconds{3'600'000};
  if (interval == "DAY") unit = milliseconds{86'400'000};
  return unit * interval_num;
}

std::optional<std::int64_t> ExchangeInfo::request_weight_per_minute() const {
  for (const auto& limit : rate_limits) {
    if (limit.type == "REQUEST_WEIGHT" && limit.window() == std::chrono::minutes{1}) {
      return limit.limit;
    }
  }
  return std::nullopt;
}

const SymbolInfo* ExchangeInfo::find(const core::Symbol& symbol) const {
  auto it = std::find_if(symbols.begin(), symbols.end(),
                         [&](const SymbolInfo& info) { return info.symbol == symbol; });
  return it == symbols.end() ? nullptr : &*it;
}

Expected<core::TimestampMs> decode_server_time(std::string_view body) {
  auto doc = parse(body, "time");
  if (!doc) return doc.error();
  if (!doc->is_object()) return make_error(errc::unexpected_shape, "time: body is not an object");
  const json* time = member(*doc, "serverTime");
  if (time == nullptr) return missing("time", "serverTime");
  auto value = as_int(*time);
  if (!value) return invalid("time", "serverTime", "is not an integer");
  return *value;
}

Expected<ApiError> decode_api_error(std::string_view body) {
  auto doc = parse(body, "error");
  if (!doc) return doc.error();
  if (!doc->is_object()) return make_error(errc::unexpected_shape, "error: body is not an object");
  const json* code = member(*doc, "code");
  if (code == nullptr) return missing("error", "code");
  auto value = as_int(*code);
  if (!value) return invalid("error", "code", "is not an integer");
  return ApiError{*value, as_string(*doc, "msg")};
}

Expected<std::vector<core::Candle>> decode_klines(std::string_view body, core::Symbol symbol,
                                                  core::Interval interval,
                                                  core::TimestampMs server_now) {
  auto doc = parse(body, "klines");
  if (!doc) return doc.error();
  if (!doc->is_array()) return make_error(errc::unexpected_shape, "klines: body is not an array");
  std::vector<core::Candle> candles;
  candles.reserve(doc->size());
  for (std::size_t i = 0; i < doc->size(); ++i) {
    const json& row = (*doc)[i];
    std::string where = "klines[" + std::to_string(i) + "]";
    if (!row.is_array() || row.size() < 9) {
      return make_error(errc::unexpected_shape, where + ": not an array of at least 9 fields");
    }
    core::Candle c;
    c.symbol = symbol;
    c.interval = interval;
    auto open_time = as_int(row[0]);
    auto close_time = as_int(row[6]);
    auto trades = as_int(row[8]);
    if (!open_time) return invalid(where, "0 (open time)", "is not an integer");
    if (!close_time) return invalid(where, "6 (close time)", "is not an integer");
    if (!trades) return invalid(where, "8 (trades)", "is not an integer");
    c.open_time = *open_time;
    c.close_time = *close_time;
    c.trades = *trades;
    if (c.close_time < c.open_time) return invalid(where, "6 (close time)", "is before open time");
    static constexpr std::pair<std::size_t, double core::Candle::*> kDecimals[] = {
        {1, &core::Candle::open},  {2, &core::Candle::high},   {3, &core::Candle::low},
        {4, &core::Candle::close}, {5, &core::Candle::volume}, {7, &core::Candle::quote_volume}};
    for (const auto& [index, field] : kDecimals) {
      auto value = as_double_text(row[index]);
      if (!value) return invalid(where, std::to_string(index), "is not a decimal string");
      c.*field = *value;
    }
    c.closed = c.close_time < server_now;
    candles.push_back(c);
  }
  return candles;
}

Expected<ExchangeInfo> decode_exchange_info(std::string_view body) {
  auto doc = parse(body, "exchangeInfo");
  if (!doc) return doc.error();
  if (!doc->is_object()) {
    return make_error(errc::unexpected_shape, "exchangeInfo: body is not an object");
  }
  ExchangeInfo info;
  if (const json* time = member(*doc, "serverTime"); time != nullptr) {
    info.server_time = as_int(*time).value_or(0);
  }
  if (const json* limits = member(*doc, "rateLimits"); limits != nullptr) {
    if (!limits->is_array()) return invalid("exchangeInfo", "rateLimits", "is not an array");
    for (const json& entry : *limits) {
      if (!entry.is_object()) return invalid("exchangeInfo", "rateLimits", "holds a non-object");
      RateLimit limit;
      limit.type = as_string(entry, "rateLimitType");
      limit.interval = as_string(entry, "interval");
      const json* num = member(entry, "intervalNum");
      const json* value = member(entry, "limit");
      auto num_value = num != nullptr ? as_int(*num) : std::nullopt;
      auto limit_value = value != nullptr ? as_int(*value) : std::nullopt;
      if (limit.type.empty() || !num_value || !limit_value || *limit_value < 0) {
        return invalid("exchangeInfo", "rateLimits", "holds an incomplete entry");
      }
      limit.interval_num = *num_value;
      limit.limit = *limit_value;
      info.rate_limits.push_back(std::move(limit));
    }
  }
  const json* symbols = member(*doc, "symbols");
  if (symbols == nullptr) return missing("exchangeInfo", "symbols");
  if (!symbols->is_array()) return invalid("exchangeInfo", "symbols", "is not an array");
  info.symbols.reserve(symbols->size());
  for (const json& entry : *symbols) {
    if (!entry.is_object()) return invalid("exchangeInfo", "symbols", "holds a non-object");
    auto symbol = core::Symbol::parse(as_string(entry, "symbol"));
    if (!symbol) {
      ++info.skipped_symbols;
      continue;
    }
    SymbolInfo s;
    s.symbol = *symbol;
    s.status = as_string(entry, "status");
    s.base_asset = as_string(entry, "baseAsset");
    s.quote_asset = as_string(entry, "quoteAsset");
    if (const json* filters = member(entry, "filters"); filters != nullptr) {
      if (!filters->is_array()) return invalid("exchangeInfo", "filters", "is not an array");
      for (const json& filter : *filters) {
        if (auto error = read_filter(filter, s)) {
          error->message += " (symbol " + s.symbol.str() + ")";
          return *error;
        }
      }
    }
    info.symbols.push_back(std::move(s));
  }
  return info;
}

}  // namespace autotrader::binance
