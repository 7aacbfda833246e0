#include "tests/fakes/binance/signed_api.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tests/fakes/binance/exchange_json.hpp"
#include "tests/fakes/binance/order_params.hpp"
#include "tests/fakes/binance/rest_api.hpp"

namespace autotrader::fakes::binance {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxRecvWindowMs = 60'000;
constexpr std::int64_t kDefaultRecvWindowMs = 5'000;

Reply ok(const json& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return {200, body.dump(), std::move(headers)};
}

Reply error_reply(const ApiError& error) {
  return {error.status, error_body(error.code, error.msg), {}};
}

std::string without_signature(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    auto amp = text.find('&');
    auto pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.substr(0, pair.find('=')) == "signature") continue;
    if (!out.empty()) out.push_back('&');
    out.append(pair);
  }
  return out;
}

// The endpoint a (method, path) pair names.
enum class Endpoint {
  none,
  new_order,
  test_order,
  query_order,
  cancel_order,
  open_orders,
  account,
  my_trades,
  new_oco,
  cancel_list,
  query_list,
  open_lists
};

Endpoint endpoint_of(std::string_view method, std::string_view path) {
  struct Route {
    std::string_view method, path;
    Endpoint endpoint;
  };
  static constexpr Route kRoutes[] = {
      {"POST", "/api/v3/order", Endpoint::new_order},
      {"POST", "/api/v3/order/test", Endpoint::test_order},
      {"GET", "/api/v3/order", Endpoint::query_order},
      {"DELETE", "/api/v3/order", Endpoint::cancel_order},
      {"GET", "/api/v3/openOrders", Endpoint::open_orders},
      {"GET", "/api/v3/account", Endpoint::account},
      {"GET", "/api/v3/myTrades", Endpoint::my_trades},
      {"POST", "/api/v3/orderList/oco", Endpoint::new_oco},
      {"DELETE", "/api/v3/orderList", Endpoint::cancel_list},
      {"GET", "/api/v3/orderList", Endpoint::query_list},
      {"GET", "/api/v3/openOrderList", Endpoint::open_lists},
  };
  for (const auto& route : kRoutes) {
    if (route.method == method && route.path == path) return route.endpoint;
  }
  return Endpoint::none;
}

std::optional<ApiError> known_symbol(const Exchange& exchange, const Params& params,
                                     bool required) {
  auto symbol = param_of(params, "symbol");
  if (!symbol) {
    if (required) return mandatory_missing("symbol");
    return std::nullopt;
  }
  if (!exchange.rules(*symbol)) return ApiError{400, -1121, "Invalid symbol."};
  return std::nullopt;
}

ApiError rejection(int code) {
  switch (code) {
    case -1021:
      return {400, -1021, "Timestamp for this request is outside of the recvWindow."};
    case -1013:
      return {400, -1013, "Filter failure: LOT_SIZE"};
    default:
      return {400, -2010, "Account has insufficient balance for requested action."};
  }
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view payload) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

std::string rest_signature_payload(std::string_view query, std::string_view body) {
  return without_signature(query) + without_signature(body);
}

std::string ws_api_signature_payload(const json& params) {
  std::map<std::string, std::string> sorted;
  for (const auto& [name, value] : params.items()) {
    if (name == "signature") continue;
    sorted[name] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  std::string out;
  for (const auto& [name, value] : sorted) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

bool signature_equal(std::string_view expected_hex, std::string_view given) {
  return expected_hex.size() == given.size() &&
         std::equal(expected_hex.begin(), expected_hex.end(), given.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

std::optional<ApiError> check_timing(const std::optional<std::string>& timestamp,
                                     const std::optional<std::string>& recv_window,
                                     core::TimestampMs server_time) {
  auto stamp = timestamp ? parse_integer_parameter(*timestamp) : std::nullopt;
  if (!stamp) return mandatory_missing("timestamp");
  // recvWindow may carry up to three decimals (microsecond precision); compare in microseconds.
  std::int64_t window_us = kDefaultRecvWindowMs * 1000;
  if (recv_window) {
    auto value = Decimal::parse(*recv_window);
    auto micros = value ? multiply(*value, Decimal::from_integer(1000)) : std::nullopt;
    if (!micros || micros->is_negative() || micros->scale() != 0) {
      return ApiError{400, -1100,
                      "Illegal characters found in parameter 'recvWindow'; legal range is "
                      "'^[0-9]{1,20}(\\.[0-9]{1,3})?$'."};
    }
    if (*value > Decimal::from_integer(kMaxRecvWindowMs)) {
      return ApiError{400, -1131, "recvWindow must be less than 60000"};
    }
    window_us = micros->mantissa();
  }
  if (*stamp >= server_time + 1000) {
    return ApiError{400, -1021,
                    "Timestamp for this request was 1000ms ahead of the server's time."};
  }
  if ((server_time - *stamp) * 1000 > window_us) {
    return ApiError{400, -1021, "Timestamp for this request is outside of the recvWindow."};
  }
  return std::nullopt;
}

SignedApi::SignedApi(AccountOptions account)
    : account_(std::move(account)),
      exchange_(ExchangeOptions{account_.balances, account_.commission_rate,
                                account_.market_fill_parts}) {}

bool SignedApi::serves(std::string_view path) {
  for (auto method : {"GET", "POST", "DELETE"}) {
    if (endpoint_of(method, path) != Endpoint::none) return true;
  }
  return false;
}

int SignedApi::weight_of(std::string_view method, std::string_view path, const Params& params) {
  switch (endpoint_of(method, path)) {
    case Endpoint::query_order:
    case Endpoint::query_list:
      return 4;
    case Endpoint::open_orders:
      return params.count("symbol") ? 6 : 80;
    case Endpoint::account:
      return 20;
    case Endpoint::my_trades:
      return params.count("orderId") ? 5 : 20;
    case Endpoint::open_lists:
      return 6;
    default:
      return 1;
  }
}

std::optional<ApiError> SignedApi::check_api_key(const std::optional<std::string>& key) const {
  if (!key || key->empty()) return ApiError{401, -2014, "API-key format invalid."};
  if (*key != account_.api_key) {
    return ApiError{401, -2015, "Invalid API-key, IP, or permissions for action."};
  }
  return std::nullopt;
}

void SignedApi::fail_next_orders(OrderFault fault, std::size_t times) {
  for (std::size_t i = 0; i < times; ++i) order_faults_.push_back(fault);
}

std::optional<OrderFault> SignedApi::take_order_fault() {
  if (order_faults_.empty()) return std::nullopt;
  auto fault = order_faults_.front();
  order_faults_.pop_front();
  return fault;
}

void SignedApi::deliver_with_fault(Reply& reply, const std::optional<OrderFault>& fault) {
  if (!fault) return;
  switch (fault->kind) {
    case FaultKind::accept_then_timeout:
      reply.delivery = Delivery::hold_silently;
      break;
    case FaultKind::accept_then_drop:
      reply.delivery = Delivery::drop_connection;
      break;
    case FaultKind::accept_then_server_error:
      reply.status = fault->status;
      reply.body = "<html><body><h1>" + std::to_string(fault->status) +
                   " Service Unavailable</h1></body></html>";
      reply.headers = {{"Content-Type", "text/html"}};
      break;
    default:
      return;
  }
  reply.faults.push_back(fault->kind);
}

Reply SignedApi::handle(const HttpCall& call, core::TimestampMs now) {
  auto endpoint = endpoint_of(call.method, call.path);
  if (endpoint == Endpoint::none) return {405, error_body(-1000, "Method not allowed."), {}};
  if (auto error = check_api_key(call.api_key)) return error_reply(*error);
  auto signature = param_of(call.params, "signature");
  if (!param_of(call.params, "timestamp")) return error_reply(mandatory_missing("timestamp"));
  if (!signature) return error_reply(mandatory_missing("signature"));
  auto expected =
      hmac_sha256_hex(account_.api_secret, rest_signature_payload(call.query, call.body));
  if (!signature_equal(expected, *signature)) {
    return error_reply({400, -1022, "Signature for this request is not valid."});
  }
  if (auto error = check_timing(param_of(call.params, "timestamp"),
                                param_of(call.params, "recvWindow"), now)) {
    return error_reply(*error);
  }
  const auto& params = call.params;
  switch (endpoint) {
    case Endpoint::new_order:
      return place_order(call, now, false);
    case Endpoint::test_order:
      return place_order(call, now, true);
    case Endpoint::query_order:
      return query_order(params);
    case Endpoint::cancel_order:
      return cancel_order(params, now);
    case Endpoint::open_orders:
      return open_orders(params);
    case Endpoint::account:
      return ok(account_json(exchange_.balances(), exchange_.commission_rate(),
                             param_of(params, "omitZeroBalances") == "true", now));
    case Endpoint::my_trades:
      return my_trades(params);
    case Endpoint::new_oco:
      return place_oco(call, now);
    case Endpoint::cancel_list:
      return cancel_list(params, now);
    case Endpoint::query_list:
      return query_list(params);
    case Endpoint::open_lists:
      return open_lists();
    case Endpoint::none:
      break;
  }
  return {405, error_body(-1000, "Method not allowed."), {}};
}

Reply SignedApi::place_order(const HttpCall& call, core::TimestampMs now, bool test_only) {
  auto parsed = parse_new_order(call.params);
  if (auto* error = std::get_if<ApiError>(&parsed)) return error_reply(*error);
  const auto& request = std::get<NewOrder>(parsed);
  auto response_type = parse_response_type(call.params, request.type);
  if (auto* error = std::get_if<ApiError>(&response_type)) return error_reply(*error);
  if (test_only) {
    auto placed = exchange_.place(request, now, true);
    if (auto* error = std::get_if<ApiError>(&placed)) return error_reply(*error);
    return ok(json::object());
  }
  auto fault = take_order_fault();
  if (fault && fault->kind == FaultKind::order_rejected) {
    auto reply = error_reply(rejection(fault->code));
    reply.faults.push_back(fault->kind);
    return reply;
  }
  auto placed = exchange_.place(request, now);
  Reply reply;
  if (auto* error = std::get_if<ApiError>(&placed)) {
    reply = error_reply(*error);
  } else {
    auto id = std::get<std::int64_t>(placed);
    std::vector<Fill> fills;
    for (const auto& f : exchange_.fills()) {
      if (f.order_id == id) fills.push_back(f);
    }
    reply =
        ok(new_order_json(*exchange_.order(id), fills, std::get<ResponseType>(response_type), now),
           count_orders(1, now));
    if (fault && fault->kind == FaultKind::delayed_visibility) {
      exchange_.hide_order(id, fault->queries);
      reply.faults.push_back(fault->kind);
    }
  }
  deliver_with_fault(reply, fault);
  return reply;
}

Reply SignedApi::place_oco(const HttpCall& call, core::TimestampMs now) {
  auto parsed = parse_new_oco(call.params);
  if (auto* error = std::get_if<ApiError>(&parsed)) return error_reply(*error);
  auto fault = take_order_fault();
  if (fault && fault->kind == FaultKind::order_rejected) {
    auto reply = error_reply(rejection(fault->code));
    reply.faults.push_back(fault->kind);
    return reply;
  }
  auto placed = exchange_.place_oco(std::get<NewOco>(parsed), now);
  Reply reply;
  if (auto* error = std::get_if<ApiError>(&placed)) {
    reply = error_reply(*error);
  } else {
    const auto& list = *exchange_.order_list(std::get<std::int64_t>(placed));
    reply = ok(order_list_json(list, exchange_.list_orders(list), ListReports::placed, now),
               count_orders(2, now));
    if (fault && fault->kind == FaultKind::delayed_visibility) {
      for (auto id : list.order_ids) exchange_.hide_order(id, fault->queries);
      reply.faults.push_back(fault->kind);
    }
  }
  deliver_with_fault(reply, fault);
  return reply;
}

std::vector<std::pair<std::string, std::string>> SignedApi::count_orders(int orders,
                                                                         core::TimestampMs now) {
  if (now / 10'000 != ten_second_window_) {
    ten_second_window_ = now / 10'000;
    ten_second_count_ = 0;
  }
  if (now / 86'400'000 != day_window_) {
    day_window_ = now / 86'400'000;
    day_count_ = 0;
  }
  ten_second_count_ += orders;
  day_count_ += orders;
  return {{"X-MBX-ORDER-COUNT-10S", std::to_string(ten_second_count_)},
          {"X-MBX-ORDER-COUNT-1D", std::to_string(day_count_)}};
}

Reply SignedApi::query_order(const Params& params) {
  if (auto error = known_symbol(exchange_, params, true)) return error_reply(*error);
  auto ref = parse_order_ref(params, "orderId", "origClientOrderId");
  if (auto* error = std::get_if<ApiError>(&ref)) return error_reply(*error);
  const auto* order = exchange_.query(*param_of(params, "symbol"), std::get<OrderRef>(ref));
  if (!order) return error_reply({400, -2013, "Order does not exist."});
  return ok(order_json(*order));
}

Reply SignedApi::cancel_order(const Params& params, core::TimestampMs now) {
  if (auto error = known_symbol(exchange_, params, true)) return error_reply(*error);
  auto ref = parse_order_ref(params, "orderId", "origClientOrderId");
  if (auto* error = std::get_if<ApiError>(&ref)) return error_reply(*error);
  auto canceled = exchange_.cancel(*param_of(params, "symbol"), std::get<OrderRef>(ref),
                                   param_of(params, "newClientOrderId").value_or(""), now);
  if (auto* error = std::get_if<ApiError>(&canceled)) return error_reply(*error);
  return ok(cancel_json(*exchange_.order(std::get<std::int64_t>(canceled)), now));
}

Reply SignedApi::open_orders(const Params& params) const {
  if (auto error = known_symbol(exchange_, params, false)) return error_reply(*error);
  auto symbol = param_of(params, "symbol");
  json out = json::array();
  for (const auto& order : exchange_.orders()) {
    if (order.open() && (!symbol || order.symbol == *symbol)) out.push_back(order_json(order));
  }
  return ok(out);
}

Reply SignedApi::my_trades(const Params& params) const {
  if (auto error = known_symbol(exchange_, params, true)) return error_reply(*error);
  std::optional<std::int64_t> order_id, from_id, start_time, end_time, limit;
  for (auto [name, out] : {std::pair{"orderId", &order_id}, std::pair{"fromId", &from_id},
                           std::pair{"startTime", &start_time}, std::pair{"endTime", &end_time},
                           std::pair{"limit", &limit}}) {
    auto parsed = parse_integer(params, name);
    if (auto* error = std::get_if<ApiError>(&parsed)) return error_reply(*error);
    *out = std::get<std::optional<std::int64_t>>(parsed);
  }
  if (limit && (*limit < 1 || *limit > 1000)) {
    return error_reply({400, -1130, "Invalid data sent for a parameter."});
  }
  const auto count = static_cast<std::size_t>(limit.value_or(500));
  const auto symbol = *param_of(params, "symbol");
  std::vector<const Fill*> selected;
  for (const auto& fill : exchange_.fills()) {
    if (fill.symbol != symbol || (order_id && fill.order_id != *order_id)) continue;
    if (from_id && fill.id < *from_id) continue;
    if (start_time && fill.time < *start_time) continue;
    if (end_time && fill.time > *end_time) continue;
    selected.push_back(&fill);
  }
  // fromId or startTime: the oldest `limit` from there on; otherwise the most recent `limit`.
  if (selected.size() > count) {
    if (from_id || start_time) {
      selected.resize(count);
    } else {
      selected.erase(selected.begin(), selected.end() - static_cast<std::ptrdiff_t>(count));
    }
  }
  json out = json::array();
  for (const auto* fill : selected) out.push_back(trade_json(*fill));
  return ok(out);
}

Reply SignedApi::cancel_list(const Params& params, core::TimestampMs now) {
  if (auto error = known_symbol(exchange_, params, true)) return error_reply(*error);
  auto ref = parse_order_ref(params, "orderListId", "listClientOrderId");
  if (auto* error = std::get_if<ApiError>(&ref)) return error_reply(*error);
  auto canceled = exchange_.cancel_list(*param_of(params, "symbol"), std::get<OrderRef>(ref), now);
  if (auto* error = std::get_if<ApiError>(&canceled)) return error_reply(*error);
  const auto& list = *exchange_.order_list(std::get<std::int64_t>(canceled));
  return ok(order_list_json(list, exchange_.list_orders(list), ListReports::canceled, now));
}

Reply SignedApi::query_list(const Params& params) const {
  auto ref = parse_order_ref(params, "orderListId", "origClientOrderId");
  if (auto* error = std::get_if<ApiError>(&ref)) return error_reply(*error);
  const auto& r = std::get<OrderRef>(ref);
  const OrderList* found = nullptr;
  for (const auto& list : exchange_.order_lists()) {
    if ((r.id && list.order_list_id == *r.id) ||
        (!r.id && r.client_id && list.list_client_order_id == *r.client_id)) {
      found = &list;
    }
  }
  if (!found) return error_reply({400, -2013, "Order list does not exist."});
  return ok(order_list_json(*found, exchange_.list_orders(*found), ListReports::none,
                            found->transaction_time));
}

Reply SignedApi::open_lists() const {
  json out = json::array();
  for (const auto& list : exchange_.order_lists()) {
    if (!list.all_done) {
      out.push_back(order_list_json(list, exchange_.list_orders(list), ListReports::none,
                                    list.transaction_time));
    }
  }
  return ok(out);
}

}  // namespace autotrader::fakes::binance
