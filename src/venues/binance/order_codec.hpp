#pragma once
// The Binance Spot order endpoints as pure codecs (reference binance.md §3, §5, §6): the signed
// requests for POST/GET/DELETE /api/v3/order, GET /api/v3/openOrders, GET /api/v3/account and
// POST /api/v3/orderList/oco, and the decoding of their answers into our types (paper::Order,
// paper::Fill with its commission, paper::Balance). No I/O: the transport sends a RestRequest
// with the X-MBX-APIKEY header from RequestSigner::api_key(). Time is an argument.
//
// Decoders ignore unknown keys and are strict on types: a documented field with the wrong JSON
// type is an Error, never a guess. Every decimal is exact (core::Decimal).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "venues/binance/endpoints.hpp"
#include "venues/binance/errc.hpp"
#include "venues/binance/signing.hpp"
#include "venues/paper/client_order_id.hpp"
#include "venues/paper/venue.hpp"

namespace autotrader::binance {

enum class HttpMethod : std::uint8_t { get, post, del };
const char* to_string(HttpMethod method);  // "GET", "POST", "DELETE"

// One signed request: every parameter, signature last, in the query string (the placement of
// Binance's own example and of @binance/spot); the body stays empty.
struct RestRequest {
  HttpMethod method = HttpMethod::get;
  std::string path;   // "/api/v3/order"
  std::string query;  // signed, without the leading '?'
  std::string body;   // empty
  int weight = 1;     // request weight (reference §3)
  std::string target() const { return path + "?" + query; }
};

// What signs a request: the account's signer and the time it leaves, in our wall clock; the
// timestamp sent is clock.to_server(local_wall_ms).
struct SignContext {
  const RequestSigner& signer;
  const ServerClock& clock;
  core::TimestampMs local_wall_ms = 0;
};

// POST /api/v3/order. A MARKET order has quantity or quote_order_qty (exactly one); a LIMIT
// order has quantity and price and is sent GTC. newOrderRespType is always FULL.
struct NewOrder {
  core::Symbol symbol;
  paper::Side side = paper::Side::buy;
  bool limit = false;
  std::optional<core::Decimal> quantity;
  std::optional<core::Decimal> quote_order_qty;
  std::optional<core::Decimal> price;
  std::string client_order_id;
};

// newClientOrderId = paper::make_client_order_id(decision_id, purpose).
NewOrder market_order(const core::Symbol& symbol, paper::Side side, const core::Decimal& quantity,
                      std::string_view decision_id, paper::OrderPurpose purpose);
NewOrder market_quote_order(const core::Symbol& symbol, paper::Side side,
                            const core::Decimal& quote_quantity, std::string_view decision_id,
                            paper::OrderPurpose purpose);
NewOrder limit_order(const core::Symbol& symbol, paper::Side side, const core::Decimal& quantity,
                     const core::Decimal& price, std::string_view decision_id,
                     paper::OrderPurpose purpose);

// An invalid_field Error when the order is incomplete (missing or non-positive amounts, both
// quantity and quoteOrderQty, an invalid client id).
Expected<RestRequest> new_order_request(const NewOrder& order, const SignContext& sign);

// The protective exits of a long position as one OCO order list: a SELL of `quantity` with a
// LIMIT_MAKER take-profit above and a STOP_LOSS_LIMIT stop-loss below (stop at stop_loss, limit
// at stop_limit_price, GTC). The ids derive from the decision: legs "…-tp" and "…-sl"
// (paper::make_client_order_id), the list oco_list_client_order_id(decision_id). Requires
// 0 < stop_limit_price <= stop_loss < take_profit.
struct ProtectiveOco {
  core::Symbol symbol;
  core::Decimal quantity;
  core::Decimal take_profit;
  core::Decimal stop_loss;
  core::Decimal stop_limit_price;
  std::string decision_id;
};
// The stop-loss leg's id with its purpose "sl" replaced by "oc": same length and alphabet, and
// unlike every order id of the same decision.
std::string oco_list_client_order_id(std::string_view decision_id);
Expected<RestRequest> oco_request(const ProtectiveOco& oco, const SignContext& sign);

// GET /api/v3/order?symbol=..&origClientOrderId=..
Expected<RestRequest> query_order_request(const core::Symbol& symbol,
                                          std::string_view client_order_id,
                                          const SignContext& sign);
// DELETE /api/v3/order?symbol=..&origClientOrderId=..
Expected<RestRequest> cancel_order_request(const core::Symbol& symbol,
                                           std::string_view client_order_id,
                                           const SignContext& sign);
// GET /api/v3/openOrders, for one symbol (weight 6) or all (weight 80).
RestRequest open_orders_request(const std::optional<core::Symbol>& symbol, const SignContext& sign);
// GET /api/v3/account?omitZeroBalances=true
RestRequest account_request(const SignContext& sign);

// Binance's order statuses (reference §5).
enum class BinanceOrderStatus : std::uint8_t {
  new_order,
  pending_new,
  partially_filled,
  filled,
  canceled,
  pending_cancel,
  rejected,
  expired,
  expired_in_match,
};
std::optional<BinanceOrderStatus> parse_binance_order_status(std::string_view text);
// NEW/PENDING_NEW -> open; CANCELED/PENDING_CANCEL/EXPIRED/EXPIRED_IN_MATCH -> cancelled.
paper::OrderStatus to_paper_status(BinanceOrderStatus status);

struct FillReport {
  core::Decimal price;
  core::Decimal quantity;
  core::Decimal commission;
  std::string commission_asset;
  std::int64_t trade_id = 0;
};

// An order object: the ACK, RESULT and FULL answers of a place, GET/DELETE /api/v3/order, an
// element of openOrders and of an OCO's orderReports. An ACK has only the identity fields
// (has_result false); fills are present only in FULL.
struct OrderReport {
  core::Symbol symbol;
  std::int64_t order_id = 0;
  std::int64_t order_list_id = -1;
  std::string client_order_id;
  std::optional<std::string> orig_client_order_id;  // DELETE: the id of the cancelled order
  core::TimestampMs transact_time = 0;              // or time/updateTime for queries
  bool has_result = false;
  core::Decimal price;
  core::Decimal orig_qty;
  core::Decimal executed_qty;
  core::Decimal cummulative_quote_qty;
  core::Decimal stop_price;
  BinanceOrderStatus status = BinanceOrderStatus::new_order;
  std::string type;           // MARKET, LIMIT, LIMIT_MAKER, STOP_LOSS_LIMIT, ...
  std::string time_in_force;  // GTC, ... (empty when absent)
  paper::Side side = paper::Side::buy;
  std::vector<FillReport> fills;

  // The id our books know the order by: orig_client_order_id for a cancel, else client_order_id.
  const std::string& our_client_order_id() const {
    return orig_client_order_id ? *orig_client_order_id : client_order_id;
  }
};

Expected<OrderReport> decode_order_report(std::string_view body);
Expected<std::vector<OrderReport>> decode_open_orders(std::string_view body);

// POST /api/v3/orderList/oco's answer.
struct OcoReport {
  std::int64_t order_list_id = 0;
  std::string contingency_type;   // "OCO"
  std::string list_status_type;   // RESPONSE, EXEC_STARTED, ALL_DONE
  std::string list_order_status;  // EXECUTING, ALL_DONE, REJECT
  std::string list_client_order_id;
  core::TimestampMs transaction_time = 0;
  core::Symbol symbol;
  std::vector<OrderReport> orders;  // {symbol, orderId, clientOrderId}: has_result false
  std::vector<OrderReport> order_reports;
};
Expected<OcoReport> decode_oco_report(std::string_view body);

struct AccountReport {
  bool can_trade = false;
  std::vector<paper::Balance> balances;
};
Expected<AccountReport> decode_account(std::string_view body);

// One paper::Fill per FULL fill, with remaining_quantity counted down from origQty. Fees are in
// the quote asset: a commission in the quote asset is taken as is, one in the base asset is
// valued at the fill's price, one in a third asset (BNB) at `third_asset_price` (the price of
// one unit of that asset in the quote); without that price such a fill is an invalid_field Error
// rather than a silently wrong fee. realized_pnl is left 0: the venue that holds the position
// computes it.
Expected<std::vector<paper::Fill>> to_fills(
    const OrderReport& report, std::string_view base_asset, std::string_view quote_asset,
    const std::optional<core::Decimal>& third_asset_price = std::nullopt);

// The order as our books hold it; only for a report with has_result. decision_id is ours
// (Binance does not know it); protection is not Binance's to tell; fees are the sum over
// `fills` (to_fills of the same report, or none). created_ms and updated_ms are transact_time.
paper::Order to_order(const OrderReport& report, std::string_view decision_id,
                      const std::vector<paper::Fill>& fills = {});

}  // namespace autotrader::binance
