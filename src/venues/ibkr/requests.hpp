#pragma once
// Client → TWS messages (reference ibkr-tws.md §5) as plain structs, one std::variant, and a pure
// encoder and decoder: the client encodes, the fake TWS decodes. Layouts are those of server
// versions 157..178; the frames of @stoqey/ib 1.6.10 at version 176 are the test vectors
// (tests/fixtures/ibkr/stoqey_client_frames_v176.txt).
//
// placeOrder carries what we use (STK; MKT/LMT/STP/STP LMT; tif, ocaGroup, account, orderRef,
// transmit, parentId, outsideRth) and sends every other order field empty, exactly as @stoqey/ib
// does for an order that does not set them; TWS then applies its defaults.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/decimal.hpp"
#include "venues/ibkr/contract.hpp"
#include "venues/ibkr/errc.hpp"
#include "venues/ibkr/handshake.hpp"
#include "venues/ibkr/wire.hpp"

namespace autotrader::ibkr {

// Outgoing message ids (official message_codes; ib_async client.py).
namespace out_id {
inline constexpr int req_mkt_data = 1;
inline constexpr int cancel_mkt_data = 2;
inline constexpr int place_order = 3;
inline constexpr int cancel_order = 4;
inline constexpr int req_open_orders = 5;
inline constexpr int req_executions = 7;
inline constexpr int req_ids = 8;
inline constexpr int req_historical_data = 20;
inline constexpr int cancel_historical_data = 25;
inline constexpr int req_current_time = 49;
inline constexpr int req_real_time_bars = 50;
inline constexpr int cancel_real_time_bars = 51;
inline constexpr int req_positions = 61;
inline constexpr int start_api = 71;
}  // namespace out_id

enum class Action : std::uint8_t { buy, sell };
enum class OrderType : std::uint8_t { market, limit, stop, stop_limit };
const char* to_string(Action action);   // "BUY", "SELL"
const char* to_string(OrderType type);  // "MKT", "LMT", "STP", "STP LMT"
std::optional<Action> parse_action(std::string_view text);
std::optional<OrderType> parse_order_type(std::string_view text);

// reqMktData (1): streaming ticks (tickPrice / tickSize).
struct ReqMktData {
  std::int64_t req_id = 0;
  Contract contract;
  std::string generic_tick_list;
  bool snapshot = false;
  bool regulatory_snapshot = false;
};
struct CancelMktData {
  std::int64_t req_id = 0;
};

struct Order {
  Action action = Action::buy;
  core::Decimal total_quantity;
  OrderType order_type = OrderType::market;
  std::optional<core::Decimal> lmt_price;  // LMT, STP LMT
  std::optional<core::Decimal> aux_price;  // the stop price of STP, STP LMT
  std::string tif = "DAY";
  std::string oca_group;
  std::string account;
  std::string order_ref;  // our client order id, echoed in openOrder and execDetails
  bool transmit = true;   // false holds a bracket's parent and first children at TWS
  std::int64_t parent_id = 0;
  bool outside_rth = false;
};
// placeOrder (3). Placing an existing order id modifies that order.
struct PlaceOrder {
  std::int64_t order_id = 0;
  Contract contract;
  Order order;
};
// cancelOrder (4); manualOrderCancelTime is sent at server >= 169 (empty = now).
struct CancelOrder {
  std::int64_t order_id = 0;
  std::string manual_order_cancel_time;
};
struct ReqOpenOrders {};
// reqExecutions (7): every filter field empty = all executions of the day.
struct ExecutionFilter {
  std::optional<std::int64_t> client_id;
  std::string account;
  std::string time;  // "yyyymmdd hh:mm:ss", executions after it
  std::string symbol;
  std::string sec_type;
  std::string exchange;
  std::string side;
};
struct ReqExecutions {
  std::int64_t req_id = 0;
  ExecutionFilter filter;
};
// reqIds (8) → nextValidId (9).
struct ReqIds {
  std::int64_t num_ids = 1;
};
// reqHistoricalData (20), no version field: answered by one historicalData (17) message.
struct ReqHistoricalData {
  std::int64_t req_id = 0;
  Contract contract;
  std::string end_date_time;  // empty = now
  std::string bar_size = "1 min";
  std::string duration = "1 D";
  bool use_rth = true;
  std::string what_to_show = "TRADES";
  int format_date = 2;  // 1 = "yyyyMMdd HH:mm:ss", 2 = epoch seconds
  bool keep_up_to_date = false;
};
struct CancelHistoricalData {
  std::int64_t req_id = 0;
};
struct ReqCurrentTime {};
// reqRealTimeBars (50): bar_size must be 5 (seconds).
struct ReqRealTimeBars {
  std::int64_t req_id = 0;
  Contract contract;
  int bar_size = 5;
  std::string what_to_show = "TRADES";
  bool use_rth = false;
};
struct CancelRealTimeBars {
  std::int64_t req_id = 0;
};
struct ReqPositions {};
// A message id this codec does not model (the fake counts and ignores it).
struct UnknownRequest {
  std::int64_t id = 0;
  Fields fields;
};

using Request =
    std::variant<StartApi, ReqMktData, CancelMktData, PlaceOrder, CancelOrder, ReqOpenOrders,
                 ReqExecutions, ReqIds, ReqHistoricalData, CancelHistoricalData, ReqCurrentTime,
                 ReqRealTimeBars, CancelRealTimeBars, ReqPositions, UnknownRequest>;

// The whole frame (length prefix included) as TWS at `server_version` expects it; invalid_field
// when a text field holds a NUL or the order is not one we send (a LMT without a limit price, a
// STP without a stop price, a non-positive quantity).
Expected<std::string> encode_request(const Request& request, int server_version);

// One message's fields (split_fields of a payload) → the request, for the fake TWS. Fields we do
// not model are skipped unread; trailing extra fields are ignored.
Expected<Request> decode_request(const Fields& fields, int server_version);

}  // namespace autotrader::ibkr
