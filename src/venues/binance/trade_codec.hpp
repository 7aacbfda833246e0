#pragma once
// The account's trade history and the cancel of an order list, as pure codecs (reference
// binance.md §3, §6): GET /api/v3/myTrades, which reconciliation reads to find the fills it missed
// while the user data stream was down, and DELETE /api/v3/orderList, which takes down our OCO. In
// the style of order_codec.hpp: signed requests with every parameter in the query, strict decoders
// that ignore unknown keys and answer bad input with an Error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "venues/binance/errc.hpp"
#include "venues/binance/order_codec.hpp"

namespace autotrader::binance {

inline constexpr int kMyTradesWeight = 20;
inline constexpr int kMyTradesMaxLimit = 1000;  // Binance's default is 500

// GET /api/v3/myTrades?symbol=..[&fromId=..]&limit=.. (weight 20). fromId is the first trade id
// to return (trades come oldest first from there); without it Binance returns the most recent
// `limit`. An invalid_field Error for an empty symbol, a negative fromId or a limit outside
// 1..1000.
Expected<RestRequest> my_trades_request(const core::Symbol& symbol,
                                        std::optional<std::int64_t> from_id, int limit,
                                        const SignContext& sign);

// One element of myTrades' answer.
struct TradeReport {
  core::Symbol symbol;
  std::int64_t id = 0;  // the trade id, as executionReport's t
  std::int64_t order_id = 0;
  std::int64_t order_list_id = -1;
  core::Decimal price;
  core::Decimal quantity;        // qty
  core::Decimal quote_quantity;  // quoteQty
  core::Decimal commission;
  std::string commission_asset;
  core::TimestampMs time = 0;
  bool is_buyer = false;
  bool is_maker = false;
};

Expected<std::vector<TradeReport>> decode_my_trades(std::string_view body);

// DELETE /api/v3/orderList?symbol=..&listClientOrderId=.. (weight 1). Its answer has the shape of
// the OCO's (decode_oco_report). An invalid_field Error for an empty symbol or an id that is not
// 1..36 characters of [A-Za-z0-9_-].
Expected<RestRequest> cancel_order_list_request(const core::Symbol& symbol,
                                                std::string_view list_client_order_id,
                                                const SignContext& sign);

}  // namespace autotrader::binance
