#include "tests/fakes/binance/order_params.hpp"

#include <algorithm>
#include <cctype>

namespace autotrader::fakes::binance {
namespace {

constexpr const char* kDecimalRange = "^([0-9]{1,20})(\\.[0-9]{1,20})?$";
constexpr const char* kClientIdRange = "^[\\.A-Z\\:/a-z0-9_-]{1,36}$";

ApiError illegal(const std::string& name, const std::string& range) {
  return {400, -1100,
          "Illegal characters found in parameter '" + name + "'; legal range is '" + range + "'."};
}

ApiError not_required(const std::string& name) {
  return {400, -1106, "Parameter '" + name + "' sent when not required."};
}

bool decimal_syntax(const std::string& text) {
  auto dot = text.find('.');
  auto whole = text.substr(0, dot);
  auto digits = [](const std::string& part) {
    return !part.empty() && part.size() <= 20 && std::all_of(part.begin(), part.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
  };
  return digits(whole) && (dot == std::string::npos || digits(text.substr(dot + 1)));
}

// nullopt when absent; an error when malformed.
std::variant<std::optional<Decimal>, ApiError> decimal_param(const Params& params,
                                                             const std::string& name) {
  auto text = param_of(params, name);
  if (!text) return std::optional<Decimal>{};
  auto value = decimal_syntax(*text) ? Decimal::parse(*text) : std::nullopt;
  if (!value) return illegal(name, kDecimalRange);
  return value;
}

std::variant<std::string, ApiError> client_id_param(const Params& params, const std::string& name) {
  auto text = param_of(params, name);
  if (!text) return std::string{};
  bool legal = text->size() <= 36 && std::all_of(text->begin(), text->end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' ||
                        c == '/' || c == '_' || c == '-';
               });
  if (!legal) return illegal(name, kClientIdRange);
  return *text;
}

std::variant<Side, ApiError> side_param(const Params& params) {
  auto text = param_of(params, "side");
  if (!text) return mandatory_missing("side");
  if (*text == "BUY") return Side::buy;
  if (*text == "SELL") return Side::sell;
  return ApiError{400, -1117, "Invalid side."};
}

std::variant<TimeInForce, ApiError> tif_param(const Params& params, const std::string& name) {
  auto text = param_of(params, name);
  if (!text) return mandatory_missing(name);
  if (*text == "GTC") return TimeInForce::gtc;
  if (*text == "IOC") return TimeInForce::ioc;
  if (*text == "FOK") return TimeInForce::fok;
  return ApiError{400, -1115, "Invalid timeInForce."};
}

// The Binance order types; nullopt for a valid type the fake does not model.
std::variant<std::optional<OrderType>, ApiError> type_param(const Params& params,
                                                            const std::string& name) {
  auto text = param_of(params, name);
  if (!text) return mandatory_missing(name);
  if (*text == "LIMIT") return std::optional<OrderType>{OrderType::limit};
  if (*text == "MARKET") return std::optional<OrderType>{OrderType::market};
  if (*text == "LIMIT_MAKER") return std::optional<OrderType>{OrderType::limit_maker};
  if (*text == "STOP_LOSS_LIMIT") return std::optional<OrderType>{OrderType::stop_loss_limit};
  if (*text == "STOP_LOSS" || *text == "TAKE_PROFIT" || *text == "TAKE_PROFIT_LIMIT") {
    return std::optional<OrderType>{};
  }
  return ApiError{400, -1116, "Invalid orderType."};
}

// Copies the value of a variant parameter into `out`, or returns its error.
template <typename T, typename V>
std::optional<ApiError> take(V&& parsed, T& out) {
  if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
  out = std::get<T>(std::forward<V>(parsed));
  return std::nullopt;
}

// The type-specific parameters of one order (or one OCO leg, whose names carry a prefix such
// as "above": abovePrice, aboveStopPrice, aboveTimeInForce).
std::optional<ApiError> read_leg(const Params& params, const std::string& prefix, NewOrder& order) {
  auto name = [&](const std::string& base) {
    if (prefix.empty()) return base;
    std::string upper = base;
    upper[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[0])));
    return prefix + upper;
  };
  if (auto e = take(decimal_param(params, name("price")), order.price)) return e;
  if (auto e = take(decimal_param(params, name("stopPrice")), order.stop_price)) return e;
  const bool has_tif = param_of(params, name("timeInForce")).has_value();
  switch (order.type) {
    case OrderType::market:
      if (order.price) return not_required(name("price"));
      if (order.stop_price) return not_required(name("stopPrice"));
      if (has_tif) return not_required(name("timeInForce"));
      break;
    case OrderType::limit:
    case OrderType::stop_loss_limit:
      if (auto e = take(tif_param(params, name("timeInForce")), order.time_in_force)) return e;
      if (!order.price) return mandatory_missing(name("price"));
      if (order.type == OrderType::stop_loss_limit) {
        if (!order.stop_price) return mandatory_missing(name("stopPrice"));
      } else if (order.stop_price) {
        return not_required(name("stopPrice"));
      }
      break;
    case OrderType::limit_maker:
      if (has_tif) return not_required(name("timeInForce"));
      if (!order.price) return mandatory_missing(name("price"));
      if (order.stop_price) return not_required(name("stopPrice"));
      break;
  }
  return std::nullopt;
}

}  // namespace

ApiError mandatory_missing(const std::string& name) {
  return {400, -1102,
          "Mandatory parameter '" + name + "' was not sent, was empty/null, or malformed."};
}

std::optional<std::string> param_of(const Params& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::variant<std::optional<std::int64_t>, ApiError> parse_integer(const Params& params,
                                                                  const std::string& name) {
  auto text = param_of(params, name);
  if (!text) return std::optional<std::int64_t>{};
  auto value = parse_integer_parameter(*text);
  if (!value) return illegal(name, "^[0-9]{1,20}$");
  return value;
}

std::variant<NewOrder, ApiError> parse_new_order(const Params& params) {
  NewOrder order;
  auto symbol = param_of(params, "symbol");
  if (!symbol) return mandatory_missing("symbol");
  order.symbol = *symbol;
  if (auto e = take(side_param(params), order.side)) return *e;
  std::optional<OrderType> type;
  if (auto e = take(type_param(params, "type"), type)) return *e;
  if (!type) return ApiError{400, -1014, "Unsupported order combination."};
  order.type = *type;
  if (auto e = take(decimal_param(params, "quantity"), order.quantity)) return *e;
  if (auto e = take(decimal_param(params, "quoteOrderQty"), order.quote_order_qty)) return *e;
  if (auto e = take(client_id_param(params, "newClientOrderId"), order.client_order_id)) {
    return *e;
  }
  if (order.type == OrderType::market) {
    if (!order.quantity && !order.quote_order_qty) {
      return ApiError{400, -1102,
                      "Param 'quantity' or 'quoteOrderQty' must be sent, but both were "
                      "empty/null!"};
    }
    if (order.quantity && order.quote_order_qty) return not_required("quoteOrderQty");
  } else {
    if (order.quote_order_qty) return not_required("quoteOrderQty");
    if (!order.quantity) return mandatory_missing("quantity");
  }
  if (auto e = read_leg(params, "", order)) return *e;
  return order;
}

std::variant<ResponseType, ApiError> parse_response_type(const Params& params, OrderType type) {
  auto text = param_of(params, "newOrderRespType");
  if (!text) {
    return type == OrderType::market || type == OrderType::limit ? ResponseType::full
                                                                 : ResponseType::ack;
  }
  if (*text == "ACK") return ResponseType::ack;
  if (*text == "RESULT") return ResponseType::result;
  if (*text == "FULL") return ResponseType::full;
  return illegal("newOrderRespType", "ACK, RESULT, FULL");
}

std::variant<NewOco, ApiError> parse_new_oco(const Params& params) {
  NewOco oco;
  auto symbol = param_of(params, "symbol");
  if (!symbol) return mandatory_missing("symbol");
  oco.symbol = *symbol;
  if (auto e = take(side_param(params), oco.side)) return *e;
  std::optional<Decimal> quantity;
  if (auto e = take(decimal_param(params, "quantity"), quantity)) return *e;
  if (!quantity) return mandatory_missing("quantity");
  oco.quantity = *quantity;
  if (auto e = take(client_id_param(params, "listClientOrderId"), oco.list_client_order_id)) {
    return *e;
  }
  for (auto [prefix, leg] : {std::pair{"above", &oco.above}, std::pair{"below", &oco.below}}) {
    std::string p = prefix;
    std::optional<OrderType> type;
    if (auto e = take(type_param(params, p + "Type"), type)) return *e;
    if (!type || *type == OrderType::market || *type == OrderType::limit) {
      return ApiError{400, -1014, "Unsupported order combination."};
    }
    leg->type = *type;
    if (auto e = take(client_id_param(params, p + "ClientOrderId"), leg->client_order_id)) {
      return *e;
    }
    if (auto e = read_leg(params, p, *leg)) return *e;
  }
  return oco;
}

std::variant<OrderRef, ApiError> parse_order_ref(const Params& params, const std::string& id_name,
                                                 const std::string& client_id_name) {
  OrderRef ref;
  if (auto e = take(parse_integer(params, id_name), ref.id)) return *e;
  ref.client_id = param_of(params, client_id_name);
  if (!ref.id && !ref.client_id) {
    return ApiError{400, -1102,
                    "Param '" + client_id_name + "' or '" + id_name +
                        "' must be sent, but both were empty/null!"};
  }
  return ref;
}

}  // namespace autotrader::fakes::binance
