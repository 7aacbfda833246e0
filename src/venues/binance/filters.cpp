#include "venues/binance/filters.hpp"

namespace autotrader::binance {
namespace {

using core::Decimal;

bool enabled(const Decimal& value) {
  return !value.is_zero();
}

FilterViolation violation(const char* filter, const std::string& what, const Decimal& value,
                          const char* relation, const Decimal& bound) {
  return FilterViolation{filter,
                         what + " " + value.to_string() + " " + relation + " " + bound.to_string()};
}

std::optional<FilterViolation> check_lot(const char* filter, const LotSizeFilter& lot,
                                         const Decimal& quantity) {
  if (enabled(lot.min_qty) && quantity < lot.min_qty) {
    return violation(filter, "quantity", quantity, "is below minQty", lot.min_qty);
  }
  if (enabled(lot.max_qty) && quantity > lot.max_qty) {
    return violation(filter, "quantity", quantity, "is above maxQty", lot.max_qty);
  }
  if (!quantity.is_multiple_of(lot.step_size)) {
    return violation(filter, "quantity", quantity, "is not a multiple of stepSize", lot.step_size);
  }
  return std::nullopt;
}

}  // namespace

SymbolFilters::SymbolFilters(const SymbolInfo& info) : info_{info} {}

std::optional<Decimal> SymbolFilters::round_price(const Decimal& price,
                                                  core::Rounding rounding) const {
  if (!info_.price_filter) return price;
  return core::round_to_step(price, info_.price_filter->tick_size, rounding);
}

std::optional<Decimal> SymbolFilters::round_quantity(const Decimal& quantity,
                                                     OrderKind kind) const {
  std::optional<Decimal> out = quantity;
  if (info_.lot_size)
    out = core::round_to_step(*out, info_.lot_size->step_size, core::Rounding::down);
  if (out && kind == OrderKind::market && info_.market_lot_size) {
    out = core::round_to_step(*out, info_.market_lot_size->step_size, core::Rounding::down);
  }
  return out;
}

std::optional<FilterViolation> SymbolFilters::check(
    OrderKind kind, paper::Side side, const Decimal& price, const Decimal& quantity,
    const std::optional<Decimal>& average_price) const {
  if (quantity.is_negative() || quantity.is_zero()) {
    return FilterViolation{"LOT_SIZE", "quantity " + quantity.to_string() + " is not positive"};
  }
  if (price.is_negative() || price.is_zero()) {
    return FilterViolation{"PRICE_FILTER", "price " + price.to_string() + " is not positive"};
  }
  if (kind == OrderKind::limit && info_.price_filter) {
    const PriceFilter& f = *info_.price_filter;
    if (enabled(f.min_price) && price < f.min_price) {
      return violation("PRICE_FILTER", "price", price, "is below minPrice", f.min_price);
    }
    if (enabled(f.max_price) && price > f.max_price) {
      return violation("PRICE_FILTER", "price", price, "is above maxPrice", f.max_price);
    }
    if (!price.is_multiple_of(f.tick_size)) {
      return violation("PRICE_FILTER", "price", price, "is not a multiple of tickSize",
                       f.tick_size);
    }
  }
  if (kind == OrderKind::limit && average_price && info_.percent_price_by_side) {
    const PercentPriceBySideFilter& f = *info_.percent_price_by_side;
    const bool buy = side == paper::Side::buy;
    const auto up = multiply(*average_price, buy ? f.bid_multiplier_up : f.ask_multiplier_up);
    const auto down = multiply(*average_price, buy ? f.bid_multiplier_down : f.ask_multiplier_down);
    if (!up || !down) {
      return FilterViolation{"PERCENT_PRICE_BY_SIDE", "the price bounds do not fit a Decimal"};
    }
    if (enabled(*up) && price > *up) {
      return violation("PERCENT_PRICE_BY_SIDE", "price", price, "is above", *up);
    }
    if (price < *down) return violation("PERCENT_PRICE_BY_SIDE", "price", price, "is below", *down);
  }
  if (info_.lot_size) {
    if (auto v = check_lot("LOT_SIZE", *info_.lot_size, quantity)) return v;
  }
  if (kind == OrderKind::market && info_.market_lot_size) {
    if (auto v = check_lot("MARKET_LOT_SIZE", *info_.market_lot_size, quantity)) return v;
  }
  if (info_.notional) {
    const NotionalFilter& f = *info_.notional;
    const char* name = f.max_notional ? "NOTIONAL" : "MIN_NOTIONAL";
    const auto notional = multiply(price, quantity);
    if (!notional) return FilterViolation{name, "price x quantity does not fit a Decimal"};
    const bool market = kind == OrderKind::market;
    if ((!market || f.apply_min_to_market) && enabled(f.min_notional) &&
        *notional < f.min_notional) {
      return violation(name, "notional", *notional, "is below minNotional", f.min_notional);
    }
    if (f.max_notional && (!market || f.apply_max_to_market) && enabled(*f.max_notional) &&
        *notional > *f.max_notional) {
      return violation(name, "notional", *notional, "is above maxNotional", *f.max_notional);
    }
  }
  return std::nullopt;
}

core::Expected<FilteredOrder, FilterViolation> SymbolFilters::apply(
    OrderKind kind, paper::Side side, const Decimal& price, const Decimal& quantity,
    const std::optional<Decimal>& average_price) const {
  FilteredOrder out;
  Decimal checked_price = price;
  if (kind == OrderKind::limit) {
    auto rounded = round_price(
        price, side == paper::Side::buy ? core::Rounding::floor : core::Rounding::ceiling);
    if (!rounded) return FilterViolation{"PRICE_FILTER", "price does not fit a Decimal"};
    checked_price = *rounded;
    out.price = *rounded;
  }
  auto rounded_quantity = round_quantity(quantity, kind);
  if (!rounded_quantity) return FilterViolation{"LOT_SIZE", "quantity does not fit a Decimal"};
  out.quantity = *rounded_quantity;
  if (auto v = check(kind, side, checked_price, out.quantity, average_price)) return *v;
  return out;
}

risk::SymbolRules SymbolFilters::rules() const {
  risk::SymbolRules rules;
  if (info_.price_filter) rules.tick_size = info_.price_filter->tick_size;
  for (const auto* lot : {&info_.lot_size, &info_.market_lot_size}) {
    if (!*lot) continue;
    const LotSizeFilter& f = **lot;
    if (f.step_size > rules.step_size) rules.step_size = f.step_size;
    if (f.min_qty > rules.min_qty) rules.min_qty = f.min_qty;
    if (enabled(f.max_qty) && (rules.max_qty.is_zero() || f.max_qty < rules.max_qty)) {
      rules.max_qty = f.max_qty;
    }
  }
  if (info_.notional && info_.notional->apply_min_to_market) {
    rules.min_notional = info_.notional->min_notional;
  }
  return rules;
}

}  // namespace autotrader::binance
