#pragma once
// The account's user data stream as it arrives on the WebSocket API connection (reference
// binance.md §10): every text frame there is a response to one of our requests (WsApiResponse,
// ws_api.hpp) or a user-data event wrapped as {"subscriptionId":N,"event":{..}}. The
// connection-wide {"event":{"e":"serverShutdown","E":..}} (no subscriptionId) decodes as a
// StreamTerminated with server_shutdown set and subscription_id kNoSubscription: either way the
// stream delivers nothing more on this connection, so the answer is the same (reconnect,
// subscribe, reconcile).
// decode_ws_api_frame turns one frame into one of those; it is pure, ignores unknown keys, is
// strict on the types of the fields it reads, and answers bad input with an Error, never a throw.
//
// Events: executionReport (every change of one order: NEW, TRADE, CANCELED, REJECTED, EXPIRED,
// ...), listStatus (an order list such as our OCO), outboundAccountPosition (balances after a
// change), balanceUpdate (deposits, withdrawals, transfers), eventStreamTerminated and
// serverShutdown (StreamTerminated). Anything else, externalLockUpdate included,
// is an OtherEvent carrying its type, for the caller to count and ignore.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "venues/binance/errc.hpp"
#include "venues/binance/order_codec.hpp"
#include "venues/binance/stream_codec.hpp"  // OtherEvent
#include "venues/binance/ws_api.hpp"
#include "venues/paper/venue.hpp"

namespace autotrader::binance {

// executionReport: one change of one order. Field letters are Binance's.
struct ExecutionReport {
  core::Symbol symbol;          // s
  std::string client_order_id;  // c: for a cancel, the cancel request's own id
  // C: for a cancel, the id of the order being canceled; empty when "" or absent.
  std::string orig_client_order_id;
  paper::Side side = paper::Side::buy;  // S
  std::string order_type;               // o: MARKET, LIMIT, LIMIT_MAKER, STOP_LOSS_LIMIT, ...
  core::Decimal quantity;               // q
  core::Decimal price;                  // p
  core::Decimal stop_price;             // P
  std::int64_t order_list_id = -1;      // g: the OCO's orderListId, -1 for a plain order
  // x: NEW, CANCELED, REPLACED, REJECTED, TRADE, EXPIRED, TRADE_PREVENTION, or a newer one.
  std::string execution_type;
  BinanceOrderStatus status = BinanceOrderStatus::new_order;  // X
  std::string reject_reason;                                  // r: "NONE" unless rejected
  std::int64_t order_id = 0;                                  // i
  core::Decimal last_quantity;             // l: this execution's quantity (TRADE)
  core::Decimal cumulative_quantity;       // z
  core::Decimal last_price;                // L
  core::Decimal commission;                // n: of this execution
  std::string commission_asset;            // N: "" when null
  core::TimestampMs transaction_time = 0;  // T
  core::TimestampMs event_time = 0;        // E
  std::int64_t trade_id = -1;              // t: -1 unless a TRADE
  core::Decimal cumulative_quote;          // Z: the average price is Z / z

  // The id our books know the order by: C for a cancel when set, else c.
  const std::string& our_client_order_id() const {
    return orig_client_order_id.empty() ? client_order_id : orig_client_order_id;
  }
};

// listStatus: the state of an order list (our protective OCO).
struct ListStatus {
  core::Symbol symbol;                                       // s
  std::int64_t order_list_id = -1;                           // g
  std::string contingency_type;                              // c: "OCO"
  std::string list_status_type;                              // l: RESPONSE, EXEC_STARTED, ALL_DONE
  std::string list_order_status;                             // L: EXECUTING, ALL_DONE, REJECT
  std::string list_client_order_id;                          // C
  std::string reject_reason;                                 // r: "NONE" unless rejected
  core::TimestampMs transaction_time = 0;                    // T
  std::vector<std::pair<std::int64_t, std::string>> orders;  // O: (orderId, clientOrderId)
};

// outboundAccountPosition: the balances of the assets an event changed.
struct AccountPosition {
  core::TimestampMs event_time = 0;      // E
  std::vector<paper::Balance> balances;  // B: a (asset), f (free), l (locked)
};

// balanceUpdate: a deposit, withdrawal or transfer (never a trade).
struct BalanceUpdate {
  std::string asset;           // a
  core::Decimal delta;         // d, signed
  core::TimestampMs time = 0;  // T (clear time)
};

// eventStreamTerminated: the subscription has ended; nothing more arrives until we subscribe.
// Also the WebSocket API's serverShutdown (server_shutdown true): the connection is about to
// close; reconnect now.
struct StreamTerminated {
  core::TimestampMs event_time = 0;  // E (0 when a serverShutdown came without one)
  bool server_shutdown = false;
};

using UserEvent = std::variant<ExecutionReport, ListStatus, AccountPosition, BalanceUpdate,
                               StreamTerminated, OtherEvent>;

// The subscription_id of an event that belongs to the connection rather than a subscription
// (serverShutdown).
inline constexpr std::int64_t kNoSubscription = -1;

struct UserStreamEvent {
  std::int64_t subscription_id = 0;
  UserEvent event;
};

// One text frame of the WebSocket API connection.
using WsApiFrame = std::variant<WsApiResponse, UserStreamEvent>;

Expected<WsApiFrame> decode_ws_api_frame(std::string_view text);

}  // namespace autotrader::binance
