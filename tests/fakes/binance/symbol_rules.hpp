#pragma once
// One symbol's trading rules as the fake's exchange enforces them: its assets and the filters of
// the exchangeInfo fixture (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, MIN_NOTIONAL, NOTIONAL), read
// as exact decimals, and the checks that answer Binance's -1013 "Filter failure: <FILTER>".
// Filters the fake does not model (PERCENT_PRICE_BY_SIDE, ICEBERG_PARTS, MAX_NUM_*,
// TRAILING_DELTA) are ignored. Plain value types and pure functions.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decimal.hpp"

namespace autotrader::fakes::binance {

struct NotionalRule {
  core::Decimal min;  // zero: no minimum
  core::Decimal max;  // zero: no maximum
  bool apply_min_to_market = true;
  bool apply_max_to_market = false;
};

struct SymbolRules {
  std::string symbol;
  std::string base_asset;
  std::string quote_asset;
  std::vector<std::string> order_types;
  bool quote_order_qty_market_allowed = true;
  bool oco_allowed = true;
  // A zero value disables that bound (Binance's convention).
  core::Decimal min_price, max_price, tick_size;                   // PRICE_FILTER
  core::Decimal min_qty, max_qty, step_size;                       // LOT_SIZE
  core::Decimal market_min_qty, market_max_qty, market_step_size;  // MARKET_LOT_SIZE
  std::optional<NotionalRule> min_notional;                        // MIN_NOTIONAL (applyToMarket)
  std::optional<NotionalRule> notional;                            // NOTIONAL
};

// The rules of every symbol of an exchangeInfo document; entries that do not parse are skipped.
std::vector<SymbolRules> parse_symbol_rules(const nlohmann::json& exchange_info);

// The -1013 message of the first filter `value` breaks, or nullopt. `price` is checked against
// PRICE_FILTER (used for price and stopPrice alike).
std::optional<std::string> check_price(const SymbolRules& rules, const core::Decimal& price);
// LOT_SIZE, then for market orders MARKET_LOT_SIZE.
std::optional<std::string> check_quantity(const SymbolRules& rules, const core::Decimal& quantity,
                                          bool market);
// MIN_NOTIONAL, then NOTIONAL, for `notional` = price x quantity (for a market order the last
// price stands in for price, or the quoteOrderQty is the notional).
std::optional<std::string> check_notional(const SymbolRules& rules, const core::Decimal& notional,
                                          bool market);

}  // namespace autotrader::fakes::binance
