#include "venues/binance/user_stream.hpp"

#include <climits>

#include "venues/binance/json_fields.hpp"

namespace autotrader::binance {
namespace {

using detail::JsonFields;
using nlohmann::json;

// Assigns a field or returns its error from the enclosing function.
#define AT_READ(target, expr)                         \
  do {                                                \
    auto at_read_value = (expr);                      \
    if (!at_read_value) return at_read_value.error(); \
    (target) = std::move(*at_read_value);             \
  } while (false)

Expected<ExecutionReport> read_execution_report(const JsonFields& f) {
  ExecutionReport r;
  AT_READ(r.event_time, f.integer("E"));
  AT_READ(r.symbol, f.symbol("s"));
  AT_READ(r.client_order_id, f.text("c"));
  AT_READ(r.orig_client_order_id, f.text("C", std::string{}, /*null_as_empty=*/true));
  std::string side;
  AT_READ(side, f.text("S"));
  auto parsed_side = paper::parse_side(side);
  if (!parsed_side) return f.wrong("S", "is not BUY or SELL");
  r.side = *parsed_side;
  AT_READ(r.order_type, f.text("o"));
  AT_READ(r.quantity, f.decimal("q"));
  AT_READ(r.price, f.decimal("p"));
  AT_READ(r.stop_price, f.decimal("P", /*required=*/false));
  AT_READ(r.order_list_id, f.integer("g", -1));
  AT_READ(r.execution_type, f.text("x"));
  std::string status;
  AT_READ(status, f.text("X"));
  auto parsed_status = parse_binance_order_status(status);
  if (!parsed_status) return f.wrong("X", "is not an order status");
  r.status = *parsed_status;
  AT_READ(r.reject_reason, f.text("r", std::string{}));
  AT_READ(r.order_id, f.integer("i"));
  AT_READ(r.last_quantity, f.decimal("l"));
  AT_READ(r.cumulative_quantity, f.decimal("z"));
  AT_READ(r.last_price, f.decimal("L"));
  // A missing commission would silently read as "no fee", so n is required; N is null when the
  // execution paid none.
  AT_READ(r.commission, f.decimal("n"));
  AT_READ(r.commission_asset, f.text("N", std::string{}, /*null_as_empty=*/true));
  AT_READ(r.transaction_time, f.integer("T"));
  AT_READ(r.trade_id, f.integer("t", -1));
  AT_READ(r.cumulative_quote, f.decimal("Z"));
  return r;
}

Expected<ListStatus> read_list_status(const JsonFields& f) {
  ListStatus s;
  AT_READ(s.symbol, f.symbol("s"));
  AT_READ(s.order_list_id, f.integer("g"));
  AT_READ(s.contingency_type, f.text("c"));
  AT_READ(s.list_status_type, f.text("l"));
  AT_READ(s.list_order_status, f.text("L"));
  AT_READ(s.reject_reason, f.text("r", std::string{}));
  AT_READ(s.list_client_order_id, f.text("C"));
  AT_READ(s.transaction_time, f.integer("T"));
  const json* orders = f.find("O");
  if (orders == nullptr) return f.missing("O");
  if (!orders->is_array()) return f.wrong("O", "is not an array");
  s.orders.reserve(orders->size());
  for (std::size_t i = 0; i < orders->size(); ++i) {
    const json& entry = (*orders)[i];
    const std::string where = f.what() + ".O[" + std::to_string(i) + "]";
    if (!entry.is_object()) return make_error(errc::unexpected_shape, where + ": not an object");
    JsonFields o{entry, where};
    std::pair<std::int64_t, std::string> order;
    AT_READ(order.first, o.integer("i"));
    AT_READ(order.second, o.text("c"));
    s.orders.push_back(std::move(order));
  }
  return s;
}

Expected<AccountPosition> read_account_position(const JsonFields& f) {
  AccountPosition p;
  AT_READ(p.event_time, f.integer("E"));
  const json* balances = f.find("B");
  if (balances == nullptr) return f.missing("B");
  if (!balances->is_array()) return f.wrong("B", "is not an array");
  p.balances.reserve(balances->size());
  for (std::size_t i = 0; i < balances->size(); ++i) {
    const json& entry = (*balances)[i];
    const std::string where = f.what() + ".B[" + std::to_string(i) + "]";
    if (!entry.is_object()) return make_error(errc::unexpected_shape, where + ": not an object");
    JsonFields b{entry, where};
    paper::Balance balance;
    AT_READ(balance.asset, b.text("a"));
    AT_READ(balance.free, b.decimal("f"));
    AT_READ(balance.locked, b.decimal("l"));
    p.balances.push_back(std::move(balance));
  }
  return p;
}

Expected<BalanceUpdate> read_balance_update(const JsonFields& f) {
  BalanceUpdate u;
  AT_READ(u.asset, f.text("a"));
  AT_READ(u.delta, f.decimal("d"));
  AT_READ(u.time, f.integer("T"));
  return u;
}

// Wraps a typed read into the variant, keeping its error.
template <class T>
Expected<UserEvent> as_event(Expected<T> read) {
  if (!read) return read.error();
  return UserEvent{std::move(*read)};
}

Expected<UserEvent> read_user_event(const json& event, const std::string& type) {
  const JsonFields f{event, type};
  if (type == "executionReport") return as_event(read_execution_report(f));
  if (type == "listStatus") return as_event(read_list_status(f));
  if (type == "outboundAccountPosition") return as_event(read_account_position(f));
  if (type == "balanceUpdate") return as_event(read_balance_update(f));
  if (type == "eventStreamTerminated") {
    StreamTerminated terminated;
    AT_READ(terminated.event_time, f.integer("E"));
    return UserEvent{terminated};
  }
  return UserEvent{OtherEvent{type}};
}

Expected<WsApiFrame> read_event_frame(const JsonFields& top, const json& event) {
  if (!event.is_object()) return top.wrong("event", "is not an object");
  std::string type;
  AT_READ(type, (JsonFields{event, "event"}.text("e")));
  UserStreamEvent out;
  if (type == "serverShutdown") {
    // Connection-wide, sent without a subscriptionId (tolerated with one). A missing E must not
    // lose the notice.
    StreamTerminated shutdown;
    shutdown.server_shutdown = true;
    AT_READ(shutdown.event_time, (JsonFields{event, type}.integer("E", 0)));
    AT_READ(out.subscription_id, top.integer("subscriptionId", kNoSubscription));
    out.event = shutdown;
    return WsApiFrame{std::move(out)};
  }
  AT_READ(out.subscription_id, top.integer("subscriptionId"));
  AT_READ(out.event, read_user_event(event, type));
  return WsApiFrame{std::move(out)};
}

Expected<WsApiFrame> read_response(const JsonFields& top) {
  WsApiResponse r;
  if (const json* id = top.find("id"); id != nullptr && !id->is_null()) {
    // We send string ids; Binance echoes the id as sent, and accepts integers too.
    if (id->is_string()) {
      r.id = id->get<std::string>();
    } else if (id->is_number_integer()) {
      std::int64_t number = 0;
      AT_READ(number, top.integer("id"));
      r.id = std::to_string(number);
    } else {
      return top.wrong("id", "is not a string, an integer or null");
    }
  }
  std::int64_t status = 0;
  AT_READ(status, top.integer("status"));
  if (status < 0 || status > INT_MAX) return top.wrong("status", "is out of range");
  r.status = static_cast<int>(status);
  if (const json* result = top.find("result"); result != nullptr && result->is_object()) {
    const JsonFields res{*result, "response.result"};
    if (res.find("subscriptionId") != nullptr) {
      std::int64_t subscription = 0;
      AT_READ(subscription, res.integer("subscriptionId"));
      r.subscription_id = subscription;
    }
  }
  if (const json* error = top.find("error"); error != nullptr) {
    if (!error->is_object()) return top.wrong("error", "is not an object");
    const JsonFields err{*error, "response.error"};
    AT_READ(r.error_code, err.integer("code"));
    AT_READ(r.error_message, err.text("msg"));
    if (const json* data = err.find("data"); data != nullptr && data->is_object()) {
      const JsonFields d{*data, "response.error.data"};
      if (d.find("retryAfter") != nullptr) {
        std::int64_t retry_after = 0;
        AT_READ(retry_after, d.integer("retryAfter"));
        r.retry_after = retry_after;
      }
    }
  }
  return WsApiFrame{std::move(r)};
}

#undef AT_READ

}  // namespace

Expected<WsApiFrame> decode_ws_api_frame(std::string_view text) {
  auto doc = detail::parse_json(text, "ws-api frame");
  if (!doc) return doc.error();
  if (!doc->is_object()) return make_error(errc::unexpected_shape, "ws-api frame: not an object");
  const JsonFields top{*doc, "ws-api frame"};
  if (const json* event = top.find("event"); event != nullptr) return read_event_frame(top, *event);
  if (top.find("status") != nullptr || top.find("id") != nullptr) return read_response(top);
  return make_error(errc::unexpected_shape, "ws-api frame: neither a response nor an event");
}

}  // namespace autotrader::binance
