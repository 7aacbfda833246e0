#pragma once
// Binance's symbol filters applied before an order is sent (reference binance.md §4): prices
// rounded to the tick in a direction the caller chooses, quantities rounded DOWN to the step, and
// the checks Binance would fail with -1013 "Filter failure: <FILTER>" (PRICE_FILTER, LOT_SIZE,
// MARKET_LOT_SIZE, MIN_NOTIONAL / NOTIONAL, PERCENT_PRICE_BY_SIDE), all in exact decimals.
//
// Wire form of a decimal: its shortest exact text (core::Decimal::to_string: "0.001", "42",
// "0.1"), never an exponent and never padded. Binance accepts both "0.001" and "0.00100000"; the
// shortest form is what its own signature vector sends ("quantity=1&price=0.1"), and one form
// everywhere means a signed query is reproducible from the values alone.
#include <optional>
#include <string>

#include "core/decimal.hpp"
#include "core/expected.hpp"
#include "risk/types.hpp"
#include "venues/binance/exchange_info.hpp"
#include "venues/paper/venue.hpp"

namespace autotrader::binance {

enum class OrderKind : std::uint8_t { limit, market };

// A failed rule: `filter` is Binance's filterType (what -1013 would name), `detail` says which
// bound, with the values, for the log and the audit.
struct FilterViolation {
  std::string filter;
  std::string detail;
};

// A limit or market order after rounding and checking: the exact values to send.
struct FilteredOrder {
  std::optional<core::Decimal> price;  // limit orders only
  core::Decimal quantity;
};

// The filters of one symbol. A zero value disables its rule, as on Binance; an absent filter
// checks nothing. A plain value type.
class SymbolFilters {
 public:
  explicit SymbolFilters(const SymbolInfo& info);

  // The multiple of tickSize nearest `price` in `rounding`'s direction (a BUY limit rounds with
  // Rounding::floor, a SELL limit with Rounding::ceiling). nullopt when it does not fit.
  std::optional<core::Decimal> round_price(const core::Decimal& price,
                                           core::Rounding rounding) const;
  // Quantity rounded DOWN to LOT_SIZE's step, and for a market order also to MARKET_LOT_SIZE's.
  std::optional<core::Decimal> round_quantity(const core::Decimal& quantity, OrderKind kind) const;

  // Every rule Binance applies to these exact values, the first failure or nullopt. For a limit
  // order `price` is its price; for a market order it is the reference price (the avgPriceMins
  // average) used for the notional, and PRICE_FILTER is not applied. PERCENT_PRICE_BY_SIDE is
  // checked only when `average_price` is given.
  std::optional<FilterViolation> check(OrderKind kind, paper::Side side, const core::Decimal& price,
                                       const core::Decimal& quantity,
                                       const std::optional<core::Decimal>& average_price) const;

  // round_price (for a limit) and round_quantity, then check. The price rounding direction is
  // the favourable one for the side: a BUY limit rounds down, a SELL limit up.
  core::Expected<FilteredOrder, FilterViolation> apply(
      OrderKind kind, paper::Side side, const core::Decimal& price, const core::Decimal& quantity,
      const std::optional<core::Decimal>& average_price = std::nullopt) const;

  // The venue-neutral rules risk sizes with. Our entries and exits are market orders, so the
  // rules are those both lot filters allow: the larger step (Binance steps are powers of ten, so
  // the larger is a multiple of the smaller) and minimum, the smaller non-zero maximum. The
  // minimum notional is NOTIONAL's (or MIN_NOTIONAL's) when it applies to market orders, else 0.
  risk::SymbolRules rules() const;

  const SymbolInfo& info() const { return info_; }

 private:
  SymbolInfo info_;
};

// The wire text of a decimal (see the header comment).
inline std::string wire_decimal(const core::Decimal& value) {
  return value.to_string();
}

}  // namespace autotrader::binance
