#include "venues/binance/order_codec.hpp"

#include <cassert>

#include <nlohmann/json.hpp>

namespace autotrader::binance {
namespace {

using core::Decimal;
using nlohmann::json;

constexpr std::string_view kOrderPath = "/api/v3/order";
constexpr int kOrderWeight = 1;
constexpr int kQueryOrderWeight = 4;
constexpr int kCancelOrderWeight = 1;
constexpr int kOpenOrdersSymbolWeight = 6;
constexpr int kOpenOrdersAllWeight = 80;
constexpr int kAccountWeight = 20;
constexpr int kOcoWeight = 1;

Error invalid(std::string_view what, std::string_view why) {
  return make_error(errc::invalid_field, std::string{what} + ": " + std::string{why});
}

bool positive(const Decimal& value) {
  return !value.is_zero() && !value.is_negative();
}

RestRequest signed_request(HttpMethod method, std::string_view path, const QueryBuilder& params,
                           int weight, const SignContext& sign) {
  RestRequest request;
  request.method = method;
  request.path = std::string{path};
  request.query = sign.signer.signed_query(params, sign.local_wall_ms, sign.clock);
  request.weight = weight;
  return request;
}

Expected<json> parse(std::string_view body, std::string_view what) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return make_error(errc::malformed_json, std::string{what} + ": body is not JSON");
  }
  return doc;
}

// Field readers: nullopt-free results or an Error naming the field. `required` false makes an
// absent field yield the default, never a wrong type.
class Reader {
 public:
  Reader(const json& object, std::string what) : object_{object}, what_{std::move(what)} {}

  const json* find(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  Error missing(const char* key) const {
    return make_error(errc::missing_field, what_ + ": field '" + key + "' is missing");
  }
  Error wrong(const char* key, const char* why) const {
    return make_error(errc::invalid_field, what_ + ": field '" + key + "' " + why);
  }

  Expected<std::int64_t> integer(const char* key, std::optional<std::int64_t> fallback) const {
    const json* value = find(key);
    if (value == nullptr) {
      if (fallback) return *fallback;
      return missing(key);
    }
    if (value->is_number_integer()) return value->get<std::int64_t>();
    if (value->is_number_unsigned() && value->get<std::uint64_t>() <= INT64_MAX) {
      return static_cast<std::int64_t>(value->get<std::uint64_t>());
    }
    return wrong(key, "is not an integer");
  }

  Expected<std::string> text(const char* key, std::optional<std::string> fallback) const {
    const json* value = find(key);
    if (value == nullptr) {
      if (fallback) return *fallback;
      return missing(key);
    }
    if (!value->is_string()) return wrong(key, "is not a string");
    return value->get<std::string>();
  }

  Expected<Decimal> decimal(const char* key, bool required) const {
    const json* value = find(key);
    if (value == nullptr) {
      if (!required) return Decimal{};
      return missing(key);
    }
    if (!value->is_string()) return wrong(key, "is not a decimal string");
    auto parsed = Decimal::parse(value->get_ref<const std::string&>());
    if (!parsed) return wrong(key, "is not a decimal string");
    return *parsed;
  }

  Expected<bool> boolean(const char* key, bool fallback) const {
    const json* value = find(key);
    if (value == nullptr) return fallback;
    if (!value->is_boolean()) return wrong(key, "is not a boolean");
    return value->get<bool>();
  }

  Expected<core::Symbol> symbol(const char* key) const {
    auto name = text(key, std::nullopt);
    if (!name) return name.error();
    auto symbol = core::Symbol::parse(*name);
    if (!symbol) return wrong(key, "is not a symbol");
    return *symbol;
  }

  const std::string& what() const { return what_; }

 private:
  const json& object_;
  std::string what_;
};

// Assigns a field or returns its error from the enclosing function.
#define AT_READ(target, expr)                         \
  do {                                                \
    auto at_read_value = (expr);                      \
    if (!at_read_value) return at_read_value.error(); \
    (target) = std::move(*at_read_value);             \
  } while (false)

Expected<FillReport> read_fill(const json& object, const std::string& what) {
  if (!object.is_object()) return make_error(errc::unexpected_shape, what + ": not an object");
  Reader r{object, what};
  FillReport fill;
  AT_READ(fill.price, r.decimal("price", true));
  AT_READ(fill.quantity, r.decimal("qty", true));
  AT_READ(fill.commission, r.decimal("commission", true));
  AT_READ(fill.commission_asset, r.text("commissionAsset", std::nullopt));
  AT_READ(fill.trade_id, r.integer("tradeId", std::nullopt));
  return fill;
}

Expected<OrderReport> read_order(const json& object, const std::string& what) {
  if (!object.is_object()) return make_error(errc::unexpected_shape, what + ": not an object");
  Reader r{object, what};
  OrderReport report;
  AT_READ(report.symbol, r.symbol("symbol"));
  AT_READ(report.order_id, r.integer("orderId", std::nullopt));
  AT_READ(report.order_list_id, r.integer("orderListId", -1));
  AT_READ(report.client_order_id, r.text("clientOrderId", std::nullopt));
  if (r.find("origClientOrderId") != nullptr) {
    std::string orig;
    AT_READ(orig, r.text("origClientOrderId", std::nullopt));
    report.orig_client_order_id = std::move(orig);
  }
  // A place answers transactTime, a query time/updateTime.
  std::int64_t time = 0;
  AT_READ(time, r.integer("updateTime", 0));
  if (time == 0) AT_READ(time, r.integer("time", 0));
  AT_READ(report.transact_time, r.integer("transactTime", time));

  report.has_result = r.find("status") != nullptr;
  if (!report.has_result) {
    // An ACK, or an OCO's orders[] entry. Anything beyond identity would be a different shape.
    if (r.find("fills") != nullptr) return r.wrong("fills", "present without status");
    return report;
  }
  std::string status;
  AT_READ(status, r.text("status", std::nullopt));
  auto parsed_status = parse_binance_order_status(status);
  if (!parsed_status) return r.wrong("status", "is not an order status");
  report.status = *parsed_status;
  std::string side;
  AT_READ(side, r.text("side", std::nullopt));
  auto parsed_side = paper::parse_side(side);
  if (!parsed_side) return r.wrong("side", "is not BUY or SELL");
  report.side = *parsed_side;
  AT_READ(report.type, r.text("type", std::nullopt));
  AT_READ(report.time_in_force, r.text("timeInForce", std::string{}));
  AT_READ(report.price, r.decimal("price", true));
  AT_READ(report.orig_qty, r.decimal("origQty", true));
  AT_READ(report.executed_qty, r.decimal("executedQty", true));
  AT_READ(report.cummulative_quote_qty, r.decimal("cummulativeQuoteQty", true));
  AT_READ(report.stop_price, r.decimal("stopPrice", false));
  if (const json* fills = r.find("fills"); fills != nullptr) {
    if (!fills->is_array()) return r.wrong("fills", "is not an array");
    report.fills.reserve(fills->size());
    for (std::size_t i = 0; i < fills->size(); ++i) {
      FillReport fill;
      AT_READ(fill, read_fill((*fills)[i], what + ".fills[" + std::to_string(i) + "]"));
      report.fills.push_back(std::move(fill));
    }
  }
  return report;
}

Expected<std::vector<OrderReport>> read_orders(const json& array, const std::string& what) {
  if (!array.is_array()) return make_error(errc::unexpected_shape, what + ": not an array");
  std::vector<OrderReport> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    OrderReport report;
    AT_READ(report, read_order(array[i], what + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(report));
  }
  return out;
}

}  // namespace

const char* to_string(HttpMethod method) {
  switch (method) {
    case HttpMethod::get:
      return "GET";
    case HttpMethod::post:
      return "POST";
    case HttpMethod::del:
      return "DELETE";
  }
  return "GET";
}

NewOrder market_order(const core::Symbol& symbol, paper::Side side, const Decimal& quantity,
                      std::string_view decision_id, paper::OrderPurpose purpose) {
  NewOrder order;
  order.symbol = symbol;
  order.side = side;
  order.quantity = quantity;
  order.client_order_id = paper::make_client_order_id(decision_id, purpose);
  return order;
}

NewOrder market_quote_order(const core::Symbol& symbol, paper::Side side,
                            const Decimal& quote_quantity, std::string_view decision_id,
                            paper::OrderPurpose purpose) {
  NewOrder order;
  order.symbol = symbol;
  order.side = side;
  order.quote_order_qty = quote_quantity;
  order.client_order_id = paper::make_client_order_id(decision_id, purpose);
  return order;
}

NewOrder limit_order(const core::Symbol& symbol, paper::Side side, const Decimal& quantity,
                     const Decimal& price, std::string_view decision_id,
                     paper::OrderPurpose purpose) {
  NewOrder order = market_order(symbol, side, quantity, decision_id, purpose);
  order.limit = true;
  order.price = price;
  return order;
}

Expected<RestRequest> new_order_request(const NewOrder& order, const SignContext& sign) {
  constexpr std::string_view what = "new order";
  if (order.symbol.view().empty()) return invalid(what, "no symbol");
  if (!paper::is_valid_client_order_id(order.client_order_id)) {
    return invalid(what, "newClientOrderId is not 1..36 characters of [A-Za-z0-9_-]");
  }
  if (order.quantity && !positive(*order.quantity))
    return invalid(what, "quantity is not positive");
  if (order.quote_order_qty && !positive(*order.quote_order_qty)) {
    return invalid(what, "quoteOrderQty is not positive");
  }
  if (order.price && !positive(*order.price)) return invalid(what, "price is not positive");
  QueryBuilder params;
  params.add("symbol", order.symbol.view());
  params.add("side", paper::to_string(order.side));
  if (order.limit) {
    if (!order.quantity || !order.price)
      return invalid(what, "a LIMIT order needs quantity and price");
    if (order.quote_order_qty) return invalid(what, "a LIMIT order takes no quoteOrderQty");
    params.add("type", "LIMIT");
    params.add("timeInForce", "GTC");
    params.add("quantity", *order.quantity);
    params.add("price", *order.price);
  } else {
    if (order.quantity.has_value() == order.quote_order_qty.has_value()) {
      return invalid(what, "a MARKET order needs exactly one of quantity and quoteOrderQty");
    }
    if (order.price) return invalid(what, "a MARKET order takes no price");
    params.add("type", "MARKET");
    if (order.quantity) {
      params.add("quantity", *order.quantity);
    } else {
      params.add("quoteOrderQty", *order.quote_order_qty);
    }
  }
  params.add("newClientOrderId", order.client_order_id);
  params.add("newOrderRespType", "FULL");
  return signed_request(HttpMethod::post, kOrderPath, params, kOrderWeight, sign);
}

std::string oco_list_client_order_id(std::string_view decision_id) {
  std::string id = paper::make_client_order_id(decision_id, paper::OrderPurpose::stop_loss);
  assert(id.size() >= 2);
  id.replace(id.size() - 2, 2, "oc");
  return id;
}

Expected<RestRequest> oco_request(const ProtectiveOco& oco, const SignContext& sign) {
  constexpr std::string_view what = "OCO";
  if (oco.symbol.view().empty()) return invalid(what, "no symbol");
  if (!positive(oco.quantity)) return invalid(what, "quantity is not positive");
  if (!positive(oco.stop_limit_price) || oco.stop_limit_price > oco.stop_loss ||
      !(oco.stop_loss < oco.take_profit)) {
    return invalid(what, "prices are not 0 < stop limit <= stop-loss < take-profit");
  }
  QueryBuilder params;
  params.add("symbol", oco.symbol.view());
  params.add("listClientOrderId", oco_list_client_order_id(oco.decision_id));
  params.add("side", "SELL");
  params.add("quantity", oco.quantity);
  params.add("aboveType", "LIMIT_MAKER");
  params.add("aboveClientOrderId",
             paper::make_client_order_id(oco.decision_id, paper::OrderPurpose::take_profit));
  params.add("abovePrice", oco.take_profit);
  params.add("belowType", "STOP_LOSS_LIMIT");
  params.add("belowClientOrderId",
             paper::make_client_order_id(oco.decision_id, paper::OrderPurpose::stop_loss));
  params.add("belowPrice", oco.stop_limit_price);
  params.add("belowStopPrice", oco.stop_loss);
  params.add("belowTimeInForce", "GTC");
  params.add("newOrderRespType", "FULL");
  return signed_request(HttpMethod::post, "/api/v3/orderList/oco", params, kOcoWeight, sign);
}

Expected<RestRequest> query_order_request(const core::Symbol& symbol,
                                          std::string_view client_order_id,
                                          const SignContext& sign) {
  if (!paper::is_valid_client_order_id(client_order_id)) {
    return invalid("query order", "origClientOrderId is not a valid client order id");
  }
  QueryBuilder params;
  params.add("symbol", symbol.view()).add("origClientOrderId", client_order_id);
  return signed_request(HttpMethod::get, kOrderPath, params, kQueryOrderWeight, sign);
}

Expected<RestRequest> cancel_order_request(const core::Symbol& symbol,
                                           std::string_view client_order_id,
                                           const SignContext& sign) {
  if (!paper::is_valid_client_order_id(client_order_id)) {
    return invalid("cancel order", "origClientOrderId is not a valid client order id");
  }
  QueryBuilder params;
  params.add("symbol", symbol.view()).add("origClientOrderId", client_order_id);
  return signed_request(HttpMethod::del, kOrderPath, params, kCancelOrderWeight, sign);
}

RestRequest open_orders_request(const std::optional<core::Symbol>& symbol,
                                const SignContext& sign) {
  QueryBuilder params;
  if (symbol) params.add("symbol", symbol->view());
  return signed_request(HttpMethod::get, "/api/v3/openOrders", params,
                        symbol ? kOpenOrdersSymbolWeight : kOpenOrdersAllWeight, sign);
}

RestRequest account_request(const SignContext& sign) {
  QueryBuilder params;
  params.add("omitZeroBalances", "true");
  return signed_request(HttpMethod::get, "/api/v3/account", params, kAccountWeight, sign);
}

std::optional<BinanceOrderStatus> parse_binance_order_status(std::string_view text) {
  static constexpr std::pair<std::string_view, BinanceOrderStatus> kNames[] = {
      {"NEW", BinanceOrderStatus::new_order},
      {"PENDING_NEW", BinanceOrderStatus::pending_new},
      {"PARTIALLY_FILLED", BinanceOrderStatus::partially_filled},
      {"FILLED", BinanceOrderStatus::filled},
      {"CANCELED", BinanceOrderStatus::canceled},
      {"PENDING_CANCEL", BinanceOrderStatus::pending_cancel},
      {"REJECTED", BinanceOrderStatus::rejected},
      {"EXPIRED", BinanceOrderStatus::expired},
      {"EXPIRED_IN_MATCH", BinanceOrderStatus::expired_in_match},
  };
  for (const auto& [name, status] : kNames) {
    if (name == text) return status;
  }
  return std::nullopt;
}

paper::OrderStatus to_paper_status(BinanceOrderStatus status) {
  switch (status) {
    case BinanceOrderStatus::new_order:
    case BinanceOrderStatus::pending_new:
      return paper::OrderStatus::open;
    case BinanceOrderStatus::partially_filled:
      return paper::OrderStatus::partially_filled;
    case BinanceOrderStatus::filled:
      return paper::OrderStatus::filled;
    case BinanceOrderStatus::canceled:
    case BinanceOrderStatus::pending_cancel:
    case BinanceOrderStatus::expired:
    case BinanceOrderStatus::expired_in_match:
      return paper::OrderStatus::cancelled;
    case BinanceOrderStatus::rejected:
      return paper::OrderStatus::rejected;
  }
  return paper::OrderStatus::open;
}

Expected<OrderReport> decode_order_report(std::string_view body) {
  auto doc = parse(body, "order");
  if (!doc) return doc.error();
  return read_order(*doc, "order");
}

Expected<std::vector<OrderReport>> decode_open_orders(std::string_view body) {
  auto doc = parse(body, "openOrders");
  if (!doc) return doc.error();
  return read_orders(*doc, "openOrders");
}

Expected<OcoReport> decode_oco_report(std::string_view body) {
  auto doc = parse(body, "orderList");
  if (!doc) return doc.error();
  if (!doc->is_object()) return make_error(errc::unexpected_shape, "orderList: not an object");
  Reader r{*doc, "orderList"};
  OcoReport report;
  AT_READ(report.order_list_id, r.integer("orderListId", std::nullopt));
  AT_READ(report.contingency_type, r.text("contingencyType", std::nullopt));
  AT_READ(report.list_status_type, r.text("listStatusType", std::nullopt));
  AT_READ(report.list_order_status, r.text("listOrderStatus", std::nullopt));
  AT_READ(report.list_client_order_id, r.text("listClientOrderId", std::nullopt));
  AT_READ(report.transaction_time, r.integer("transactionTime", std::nullopt));
  AT_READ(report.symbol, r.symbol("symbol"));
  const json* orders = r.find("orders");
  if (orders == nullptr) return r.missing("orders");
  AT_READ(report.orders, read_orders(*orders, "orderList.orders"));
  if (const json* reports = r.find("orderReports"); reports != nullptr) {
    AT_READ(report.order_reports, read_orders(*reports, "orderList.orderReports"));
  }
  return report;
}

Expected<AccountReport> decode_account(std::string_view body) {
  auto doc = parse(body, "account");
  if (!doc) return doc.error();
  if (!doc->is_object()) return make_error(errc::unexpected_shape, "account: not an object");
  Reader r{*doc, "account"};
  AccountReport report;
  AT_READ(report.can_trade, r.boolean("canTrade", false));
  const json* balances = r.find("balances");
  if (balances == nullptr) return r.missing("balances");
  if (!balances->is_array()) return r.wrong("balances", "is not an array");
  report.balances.reserve(balances->size());
  for (std::size_t i = 0; i < balances->size(); ++i) {
    const json& entry = (*balances)[i];
    std::string where = "account.balances[" + std::to_string(i) + "]";
    if (!entry.is_object()) return make_error(errc::unexpected_shape, where + ": not an object");
    Reader b{entry, where};
    paper::Balance balance;
    AT_READ(balance.asset, b.text("asset", std::nullopt));
    AT_READ(balance.free, b.decimal("free", true));
    AT_READ(balance.locked, b.decimal("locked", true));
    report.balances.push_back(std::move(balance));
  }
  return report;
}

#undef AT_READ

paper::Order to_order(const OrderReport& report, std::string_view decision_id,
                      const std::vector<paper::Fill>& fills) {
  paper::Order order;
  order.client_order_id = report.our_client_order_id();
  order.decision_id = std::string{decision_id};
  order.symbol = report.symbol;
  order.side = report.side;
  order.quantity = report.orig_qty;
  order.filled_quantity = report.executed_qty;
  order.filled_quote = report.cummulative_quote_qty;
  order.status = to_paper_status(report.status);
  order.created_ms = report.transact_time;
  order.updated_ms = report.transact_time;
  for (const paper::Fill& fill : fills) {
    // A sum past 9.2e18 units of the last digit is not a real fee; keep the part that fits.
    if (auto sum = add(order.fees, fill.fee)) order.fees = *sum;
  }
  return order;
}

Expected<std::vector<paper::Fill>> to_fills(const OrderReport& report, std::string_view base_asset,
                                            std::string_view quote_asset,
                                            const std::optional<Decimal>& third_asset_price) {
  std::vector<paper::Fill> fills;
  fills.reserve(report.fills.size());
  Decimal remaining = report.orig_qty;
  for (std::size_t i = 0; i < report.fills.size(); ++i) {
    const FillReport& f = report.fills[i];
    const std::string what = "fills[" + std::to_string(i) + "]";
    paper::Fill fill;
    fill.client_order_id = report.our_client_order_id();
    fill.symbol = report.symbol;
    fill.side = report.side;
    fill.price = f.price;
    fill.quantity = f.quantity;
    fill.trade_id = f.trade_id;
    fill.time = report.transact_time;
    std::optional<Decimal> fee;
    if (f.commission_asset == quote_asset || f.commission.is_zero()) {
      fee = f.commission;
    } else if (f.commission_asset == base_asset) {
      fee = multiply(f.commission, f.price);
    } else if (third_asset_price) {
      fee = multiply(f.commission, *third_asset_price);
    } else {
      return invalid(what, "commission in " + f.commission_asset + " needs that asset's price in " +
                               std::string{quote_asset});
    }
    if (!fee) return invalid(what, "the fee in the quote asset does not fit a Decimal");
    fill.fee = *fee;
    auto left = subtract(remaining, f.quantity);
    if (!left || left->is_negative()) return invalid(what, "fills exceed origQty");
    remaining = *left;
    fill.remaining_quantity = remaining;
    fills.push_back(std::move(fill));
  }
  return fills;
}

}  // namespace autotrader::binance
