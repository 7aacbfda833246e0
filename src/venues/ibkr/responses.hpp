#pragma once
// TWS → client messages (reference ibkr-tws.md §3, §6) as plain structs, one std::variant, and a
// pure decoder and encoder: the client decodes, the fake TWS encodes. Layouts are those of server
// versions 157..178 (ib_async decoder.py, @stoqey/ib decoder.ts); where they differ by version
// the version is an argument.
//
// Decoders are strict on types (a price that is not a decimal is invalid_field) and tolerant of
// extra trailing fields (later versions append some). An id we do not model decodes as Unknown
// with its fields, for the caller to count; nothing here throws.
//
// Exact values (order prices, quantities, execution price, commission, position) are
// core::Decimal; bar and tick values, where a double is what the candle holds anyway, are double.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/decimal.hpp"
#include "venues/ibkr/contract.hpp"
#include "venues/ibkr/errc.hpp"
#include "venues/ibkr/wire.hpp"

namespace autotrader::ibkr {

// Incoming message ids (official message_codes; ib_async decoder.py).
namespace in_id {
inline constexpr int tick_price = 1;
inline constexpr int tick_size = 2;
inline constexpr int order_status = 3;
inline constexpr int error = 4;
inline constexpr int open_order = 5;
inline constexpr int next_valid_id = 9;
inline constexpr int exec_details = 11;
inline constexpr int managed_accounts = 15;
inline constexpr int historical_data = 17;
inline constexpr int current_time = 49;
inline constexpr int realtime_bar = 50;
inline constexpr int open_order_end = 53;
inline constexpr int exec_details_end = 55;
inline constexpr int commission_report = 59;
inline constexpr int position = 61;
inline constexpr int position_end = 62;
}  // namespace in_id

// tickPrice (1): version 6, reqId, tickType, price, size, attrMask. Tick types: 1 BID, 2 ASK,
// 4 LAST, 6 HIGH, 7 LOW, 9 CLOSE, 14 OPEN; TWS sends price -1 when there is none.
struct TickPrice {
  std::int64_t req_id = 0;
  int tick_type = 0;
  double price = 0;
  std::optional<double> size;
  int attr_mask = 0;
};
// tickSize (2): version 6, reqId, tickType, size. Types 0 BID_SIZE, 3 ASK_SIZE, 5 LAST_SIZE,
// 8 VOLUME.
struct TickSize {
  std::int64_t req_id = 0;
  int tick_type = 0;
  std::optional<double> size;
};
// orderStatus (3), no version field.
struct OrderStatus {
  std::int64_t order_id = 0;
  std::string status;  // PendingSubmit, PreSubmitted, Submitted, Filled, Cancelled, Inactive, ...
  core::Decimal filled;
  core::Decimal remaining;
  core::Decimal avg_fill_price;
  std::int64_t perm_id = 0;
  std::int64_t parent_id = 0;
  core::Decimal last_fill_price;
  std::int64_t client_id = 0;
  std::string why_held;
  std::optional<double> mkt_cap_price;
};
// error (4): version 2, id (-1 = not about a request: connectivity and farm notices), code,
// message, advancedOrderRejectJson (server >= 166).
struct ErrorMessage {
  std::int64_t id = -1;
  int code = 0;
  std::string message;
  std::string advanced_order_reject_json;
};
// openOrder (5): the fields we use; every other field is walked over (README, "openOrder").
struct OpenOrder {
  std::int64_t order_id = 0;
  Contract contract;  // without primaryExchange
  std::string action;
  core::Decimal total_quantity;
  std::string order_type;
  std::optional<core::Decimal> lmt_price;
  std::optional<core::Decimal> aux_price;
  std::string tif;
  std::string oca_group;
  std::string account;
  std::string order_ref;
  std::int64_t client_id = 0;
  std::int64_t perm_id = 0;
  bool outside_rth = false;
  std::int64_t parent_id = 0;
  std::string status;  // the orderState's status
};
// nextValidId (9): version 1, orderId.
struct NextValidId {
  std::int64_t order_id = 0;
};
// execDetails (11), no version field.
struct ExecDetails {
  std::int64_t req_id = -1;  // -1 for a live execution, else the reqExecutions id
  std::int64_t order_id = 0;
  Contract contract;  // without primaryExchange
  std::string exec_id;
  std::string time;  // "yyyymmdd hh:mm:ss" plus a time zone name, as TWS sends it
  std::string account;
  std::string exchange;
  std::string side;  // BOT / SLD
  core::Decimal shares;
  core::Decimal price;
  std::int64_t perm_id = 0;
  std::int64_t client_id = 0;
  int liquidation = 0;
  core::Decimal cum_qty;
  core::Decimal avg_price;
  std::string order_ref;
  std::string ev_rule;
  std::optional<double> ev_multiplier;
  std::string model_code;
  int last_liquidity = 0;
  bool pending_price_revision = false;  // server >= 178
};
// managedAccounts (15): version 1, a comma-separated list.
struct ManagedAccounts {
  std::vector<std::string> accounts;
};
struct Bar {
  std::string date;  // formatDate 1: "yyyyMMdd HH:mm:ss"; 2: epoch seconds
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
  double wap = 0;
  std::int64_t bar_count = 0;
};
// historicalData (17), no version field (server >= 124): reqId, startDate, endDate, n, n bars.
// Below server 196 this one message is the whole answer: it is also historicalDataEnd.
struct HistoricalData {
  std::int64_t req_id = 0;
  std::string start_date;
  std::string end_date;
  std::vector<Bar> bars;
};
// currentTime (49): version 1, epoch seconds.
struct CurrentTime {
  std::int64_t epoch_seconds = 0;
};
// realtimeBar (50): version 3, reqId, time (epoch s, the bar's start), OHLC, volume, WAP, count.
struct RealtimeBar {
  std::int64_t req_id = 0;
  std::int64_t time = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
  double wap = 0;
  std::int64_t count = 0;
};
struct OpenOrderEnd {};
struct ExecDetailsEnd {
  std::int64_t req_id = 0;
};
// commissionReport (59): version 1, execId, commission, currency, realizedPNL, yield,
// yieldRedemptionDate. TWS sends the unset double for the PNL of an opening fill.
struct CommissionReport {
  std::string exec_id;
  core::Decimal commission;
  std::string currency;
  std::optional<core::Decimal> realized_pnl;
  std::optional<double> yield;
  std::optional<std::int64_t> yield_redemption_date;
};
// position (61): version 3, account, contract (11 fields), position, avgCost.
struct Position {
  std::string account;
  Contract contract;
  core::Decimal position;
  core::Decimal avg_cost;
};
struct PositionEnd {};
// A message id this codec does not model.
struct Unknown {
  std::int64_t id = 0;
  Fields fields;
};

using Response =
    std::variant<TickPrice, TickSize, OrderStatus, ErrorMessage, OpenOrder, NextValidId,
                 ExecDetails, ManagedAccounts, HistoricalData, CurrentTime, RealtimeBar,
                 OpenOrderEnd, ExecDetailsEnd, CommissionReport, Position, PositionEnd, Unknown>;

// One message's fields (split_fields of a payload) from a server at `server_version`.
Expected<Response> decode_response(const Fields& fields, int server_version);
// The whole frame as TWS at `server_version` sends it, for the fake TWS.
Expected<std::string> encode_response(const Response& response, int server_version);

// openOrder alone (open_order.cpp).
Expected<OpenOrder> decode_open_order(const Fields& fields, int server_version);
Expected<std::string> encode_open_order(const OpenOrder& order, int server_version);

}  // namespace autotrader::ibkr
