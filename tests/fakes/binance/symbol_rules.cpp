#include "tests/fakes/binance/symbol_rules.hpp"

namespace autotrader::fakes::binance {
namespace {

using core::Decimal;

Decimal decimal_field(const nlohmann::json& filter, const char* name) {
  auto it = filter.find(name);
  if (it == filter.end() || !it->is_string()) return {};
  return Decimal::parse(it->get<std::string>()).value_or(Decimal{});
}

bool bool_field(const nlohmann::json& filter, const char* name, bool fallback) {
  auto it = filter.find(name);
  return it != filter.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string failure(std::string_view filter) {
  return "Filter failure: " + std::string{filter};
}

bool outside(const Decimal& value, const Decimal& min, const Decimal& max) {
  return (!min.is_zero() && value < min) || (!max.is_zero() && value > max);
}

}  // namespace

std::vector<SymbolRules> parse_symbol_rules(const nlohmann::json& exchange_info) {
  std::vector<SymbolRules> out;
  auto symbols = exchange_info.find("symbols");
  if (symbols == exchange_info.end() || !symbols->is_array()) return out;
  for (const auto& entry : *symbols) {
    if (!entry.is_object()) continue;
    SymbolRules rules;
    rules.symbol = entry.value("symbol", "");
    rules.base_asset = entry.value("baseAsset", "");
    rules.quote_asset = entry.value("quoteAsset", "");
    if (rules.symbol.empty() || rules.base_asset.empty() || rules.quote_asset.empty()) continue;
    if (auto types = entry.find("orderTypes"); types != entry.end() && types->is_array()) {
      for (const auto& type : *types) {
        if (type.is_string()) rules.order_types.push_back(type.get<std::string>());
      }
    }
    rules.quote_order_qty_market_allowed = bool_field(entry, "quoteOrderQtyMarketAllowed", true);
    rules.oco_allowed = bool_field(entry, "ocoAllowed", true);
    auto filters = entry.find("filters");
    if (filters != entry.end() && filters->is_array()) {
      for (const auto& filter : *filters) {
        if (!filter.is_object()) continue;
        auto type = filter.value("filterType", "");
        if (type == "PRICE_FILTER") {
          rules.min_price = decimal_field(filter, "minPrice");
          rules.max_price = decimal_field(filter, "maxPrice");
          rules.tick_size = decimal_field(filter, "tickSize");
        } else if (type == "LOT_SIZE") {
          rules.min_qty = decimal_field(filter, "minQty");
          rules.max_qty = decimal_field(filter, "maxQty");
          rules.step_size = decimal_field(filter, "stepSize");
        } else if (type == "MARKET_LOT_SIZE") {
          rules.market_min_qty = decimal_field(filter, "minQty");
          rules.market_max_qty = decimal_field(filter, "maxQty");
          rules.market_step_size = decimal_field(filter, "stepSize");
        } else if (type == "MIN_NOTIONAL") {
          rules.min_notional = NotionalRule{decimal_field(filter, "minNotional"), Decimal{},
                                            bool_field(filter, "applyToMarket", true), false};
        } else if (type == "NOTIONAL") {
          rules.notional = NotionalRule{decimal_field(filter, "minNotional"),
                                        decimal_field(filter, "maxNotional"),
                                        bool_field(filter, "applyMinToMarket", true),
                                        bool_field(filter, "applyMaxToMarket", false)};
        }
      }
    }
    out.push_back(std::move(rules));
  }
  return out;
}

std::optional<std::string> check_price(const SymbolRules& rules, const Decimal& price) {
  if (price.is_negative() || price.is_zero() || outside(price, rules.min_price, rules.max_price) ||
      !price.is_multiple_of(rules.tick_size)) {
    return failure("PRICE_FILTER");
  }
  return std::nullopt;
}

std::optional<std::string> check_quantity(const SymbolRules& rules, const Decimal& quantity,
                                          bool market) {
  if (quantity.is_negative() || quantity.is_zero() ||
      outside(quantity, rules.min_qty, rules.max_qty) ||
      !quantity.is_multiple_of(rules.step_size)) {
    return failure("LOT_SIZE");
  }
  if (market && (outside(quantity, rules.market_min_qty, rules.market_max_qty) ||
                 !quantity.is_multiple_of(rules.market_step_size))) {
    return failure("MARKET_LOT_SIZE");
  }
  return std::nullopt;
}

std::optional<std::string> check_notional(const SymbolRules& rules, const Decimal& notional,
                                          bool market) {
  if (const auto& rule = rules.min_notional) {
    if ((!market || rule->apply_min_to_market) && notional < rule->min) {
      return failure("MIN_NOTIONAL");
    }
  }
  if (const auto& rule = rules.notional) {
    bool too_small = (!market || rule->apply_min_to_market) && notional < rule->min;
    bool too_large =
        (!market || rule->apply_max_to_market) && !rule->max.is_zero() && notional > rule->max;
    if (too_small || too_large) return failure("NOTIONAL");
  }
  return std::nullopt;
}

}  // namespace autotrader::fakes::binance
