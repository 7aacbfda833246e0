#include "venues/binance/trade_codec.hpp"

#include "venues/binance/json_fields.hpp"

namespace autotrader::binance {
namespace {

using detail::JsonFields;
using nlohmann::json;

constexpr int kCancelOrderListWeight = 1;

Error invalid(std::string_view what, std::string_view why) {
  return make_error(errc::invalid_field, std::string{what} + ": " + std::string{why});
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

// Assigns a field or returns its error from the enclosing function.
#define AT_READ(target, expr)                         \
  do {                                                \
    auto at_read_value = (expr);                      \
    if (!at_read_value) return at_read_value.error(); \
    (target) = std::move(*at_read_value);             \
  } while (false)

Expected<TradeReport> read_trade(const json& object, const std::string& what) {
  if (!object.is_object()) return make_error(errc::unexpected_shape, what + ": not an object");
  const JsonFields f{object, what};
  TradeReport t;
  AT_READ(t.symbol, f.symbol("symbol"));
  AT_READ(t.id, f.integer("id"));
  AT_READ(t.order_id, f.integer("orderId"));
  AT_READ(t.order_list_id, f.integer("orderListId", -1));
  AT_READ(t.price, f.decimal("price"));
  AT_READ(t.quantity, f.decimal("qty"));
  AT_READ(t.quote_quantity, f.decimal("quoteQty"));
  AT_READ(t.commission, f.decimal("commission"));
  AT_READ(t.commission_asset, f.text("commissionAsset"));
  AT_READ(t.time, f.integer("time"));
  AT_READ(t.is_buyer, f.boolean("isBuyer"));
  AT_READ(t.is_maker, f.boolean("isMaker"));
  return t;
}

#undef AT_READ

}  // namespace

Expected<RestRequest> my_trades_request(const core::Symbol& symbol,
                                        std::optional<std::int64_t> from_id, int limit,
                                        const SignContext& sign) {
  constexpr std::string_view what = "myTrades";
  if (symbol.empty()) return invalid(what, "no symbol");
  if (from_id && *from_id < 0) return invalid(what, "fromId is negative");
  if (limit < 1 || limit > kMyTradesMaxLimit) return invalid(what, "limit is outside 1..1000");
  QueryBuilder params;
  params.add("symbol", symbol.view());
  if (from_id) params.add("fromId", *from_id);
  params.add("limit", std::int64_t{limit});
  return signed_request(HttpMethod::get, "/api/v3/myTrades", params, kMyTradesWeight, sign);
}

Expected<std::vector<TradeReport>> decode_my_trades(std::string_view body) {
  auto doc = detail::parse_json(body, "myTrades");
  if (!doc) return doc.error();
  if (!doc->is_array()) return make_error(errc::unexpected_shape, "myTrades: not an array");
  std::vector<TradeReport> trades;
  trades.reserve(doc->size());
  for (std::size_t i = 0; i < doc->size(); ++i) {
    auto trade = read_trade((*doc)[i], "myTrades[" + std::to_string(i) + "]");
    if (!trade) return trade.error();
    trades.push_back(std::move(*trade));
  }
  return trades;
}

Expected<RestRequest> cancel_order_list_request(const core::Symbol& symbol,
                                                std::string_view list_client_order_id,
                                                const SignContext& sign) {
  constexpr std::string_view what = "cancel order list";
  if (symbol.empty()) return invalid(what, "no symbol");
  if (!paper::is_valid_client_order_id(list_client_order_id)) {
    return invalid(what, "listClientOrderId is not 1..36 characters of [A-Za-z0-9_-]");
  }
  QueryBuilder params;
  params.add("symbol", symbol.view()).add("listClientOrderId", list_client_order_id);
  return signed_request(HttpMethod::del, "/api/v3/orderList", params, kCancelOrderListWeight, sign);
}

}  // namespace autotrader::binance
