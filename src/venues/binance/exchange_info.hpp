#pragma once
// What GET /api/v3/exchangeInfo says about trading rules (reference binance.md §3-4): the
// request-weight and order limits, and per symbol the filters an order must pass. Values are
// exact decimals; a filter value of 0 means the rule is disabled (Binance's convention).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/market.hpp"

namespace autotrader::binance {

// {"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000}
struct RateLimit {
  std::string type;      // REQUEST_WEIGHT, ORDERS, RAW_REQUESTS
  std::string interval;  // SECOND, MINUTE, HOUR, DAY
  std::int64_t interval_num = 0;
  std::int64_t limit = 0;

  // interval_num intervals; zero for an unknown interval name.
  std::chrono::milliseconds window() const;
};

struct PriceFilter {
  core::Decimal min_price, max_price, tick_size;
};

// LOT_SIZE, and MARKET_LOT_SIZE for market orders.
struct LotSizeFilter {
  core::Decimal min_qty, max_qty, step_size;
};

// NOTIONAL, or the older MIN_NOTIONAL (which has only a minimum, applied to market orders when
// applyToMarket is true).
struct NotionalFilter {
  core::Decimal min_notional;
  std::optional<core::Decimal> max_notional;
  bool apply_min_to_market = true;
  bool apply_max_to_market = false;
  std::int64_t avg_price_mins = 0;
};

// PERCENT_PRICE_BY_SIDE: a BUY's price within [avg x bidMultiplierDown, avg x bidMultiplierUp],
// a SELL's within the ask multipliers, avg being the avgPriceMins-minute average price.
struct PercentPriceBySideFilter {
  core::Decimal bid_multiplier_up, bid_multiplier_down, ask_multiplier_up, ask_multiplier_down;
  std::int64_t avg_price_mins = 0;
};

struct SymbolInfo {
  core::Symbol symbol;
  std::string status;  // TRADING, HALT, BREAK, ...
  std::string base_asset;
  std::string quote_asset;
  std::optional<PriceFilter> price_filter;
  std::optional<LotSizeFilter> lot_size;
  std::optional<LotSizeFilter> market_lot_size;
  std::optional<NotionalFilter> notional;
  std::optional<PercentPriceBySideFilter> percent_price_by_side;
};

struct ExchangeInfo {
  core::TimestampMs server_time = 0;
  std::vector<RateLimit> rate_limits;
  std::vector<SymbolInfo> symbols;
  // Names our core::Symbol cannot hold; skipped rather than failing the whole document.
  std::size_t skipped_symbols = 0;

  // The REQUEST_WEIGHT limit scaled to one minute (the window X-MBX-USED-WEIGHT-1M counts).
  std::optional<std::int64_t> request_weight_per_minute() const;
  const SymbolInfo* find(const core::Symbol& symbol) const;
};

}  // namespace autotrader::binance
