#include "tests/fakes/binance/exchange_json.hpp"

namespace autotrader::fakes::binance {
namespace {

using nlohmann::json;

std::string_view list_status_type(const OrderList& list) {
  return list.all_done ? "ALL_DONE" : "EXEC_STARTED";
}

std::string_view list_order_status(const OrderList& list) {
  return list.all_done ? "ALL_DONE" : "EXECUTING";
}

bool has_stop(const Order& order) {
  return order.type == OrderType::stop_loss_limit;
}

}  // namespace

std::string decimal_text(const Decimal& value) {
  return value.to_string(8);
}

json order_json(const Order& order) {
  return json{
      {"symbol", order.symbol},
      {"orderId", order.order_id},
      {"orderListId", order.order_list_id},
      {"clientOrderId", order.client_order_id},
      {"price", decimal_text(order.price)},
      {"origQty", decimal_text(order.orig_qty)},
      {"executedQty", decimal_text(order.executed_qty)},
      {"cummulativeQuoteQty", decimal_text(order.cummulative_quote_qty)},
      {"status", to_string(order.status)},
      {"timeInForce", to_string(order.time_in_force)},
      {"type", to_string(order.type)},
      {"side", to_string(order.side)},
      {"stopPrice", decimal_text(order.stop_price)},
      {"icebergQty", decimal_text(Decimal{})},
      {"time", order.time},
      {"updateTime", order.update_time},
      {"isWorking", order.working},
      {"workingTime", order.working_time},
      {"origQuoteOrderQty", decimal_text(order.orig_quote_order_qty)},
      {"selfTradePreventionMode", "NONE"},
  };
}

json new_order_json(const Order& order, const std::vector<Fill>& fills, ResponseType type,
                    core::TimestampMs transact_time) {
  json out{{"symbol", order.symbol},
           {"orderId", order.order_id},
           {"orderListId", order.order_list_id},
           {"clientOrderId", order.client_order_id},
           {"transactTime", transact_time}};
  if (type == ResponseType::ack) return out;
  out["price"] = decimal_text(order.price);
  out["origQty"] = decimal_text(order.orig_qty);
  out["executedQty"] = decimal_text(order.executed_qty);
  out["origQuoteOrderQty"] = decimal_text(order.orig_quote_order_qty);
  out["cummulativeQuoteQty"] = decimal_text(order.cummulative_quote_qty);
  out["status"] = to_string(order.status);
  out["timeInForce"] = to_string(order.time_in_force);
  out["type"] = to_string(order.type);
  out["side"] = to_string(order.side);
  if (has_stop(order)) out["stopPrice"] = decimal_text(order.stop_price);
  out["workingTime"] = order.working_time;
  out["selfTradePreventionMode"] = "NONE";
  if (type == ResponseType::result) return out;
  json entries = json::array();
  for (const auto& fill : fills) {
    entries.push_back({{"price", decimal_text(fill.price)},
                       {"qty", decimal_text(fill.qty)},
                       {"commission", decimal_text(fill.commission)},
                       {"commissionAsset", fill.commission_asset},
                       {"tradeId", fill.id}});
  }
  out["fills"] = std::move(entries);
  return out;
}

json cancel_json(const Order& order, core::TimestampMs transact_time) {
  json out{{"symbol", order.symbol},
           {"origClientOrderId", order.client_order_id},
           {"orderId", order.order_id},
           {"orderListId", order.order_list_id},
           {"clientOrderId", order.cancel_client_order_id},
           {"transactTime", transact_time},
           {"price", decimal_text(order.price)},
           {"origQty", decimal_text(order.orig_qty)},
           {"executedQty", decimal_text(order.executed_qty)},
           {"origQuoteOrderQty", decimal_text(order.orig_quote_order_qty)},
           {"cummulativeQuoteQty", decimal_text(order.cummulative_quote_qty)},
           {"status", to_string(order.status)},
           {"timeInForce", to_string(order.time_in_force)},
           {"type", to_string(order.type)},
           {"side", to_string(order.side)}};
  if (has_stop(order)) out["stopPrice"] = decimal_text(order.stop_price);
  out["selfTradePreventionMode"] = "NONE";
  return out;
}

json trade_json(const Fill& fill) {
  return json{{"symbol", fill.symbol},
              {"id", fill.id},
              {"orderId", fill.order_id},
              {"orderListId", fill.order_list_id},
              {"price", decimal_text(fill.price)},
              {"qty", decimal_text(fill.qty)},
              {"quoteQty", decimal_text(fill.quote_qty)},
              {"commission", decimal_text(fill.commission)},
              {"commissionAsset", fill.commission_asset},
              {"time", fill.time},
              {"isBuyer", fill.is_buyer},
              {"isMaker", fill.is_maker},
              {"isBestMatch", true}};
}

json order_list_json(const OrderList& list, const std::vector<const Order*>& orders,
                     ListReports reports, core::TimestampMs transaction_time) {
  json ids = json::array();
  json order_reports = json::array();
  for (const auto* order : orders) {
    ids.push_back({{"symbol", order->symbol},
                   {"orderId", order->order_id},
                   {"clientOrderId", order->client_order_id}});
    if (reports == ListReports::placed) {
      order_reports.push_back(new_order_json(*order, {}, ResponseType::result, transaction_time));
    } else if (reports == ListReports::canceled) {
      order_reports.push_back(cancel_json(*order, transaction_time));
    }
  }
  json out{{"orderListId", list.order_list_id},
           {"contingencyType", "OCO"},
           {"listStatusType", list_status_type(list)},
           {"listOrderStatus", list_order_status(list)},
           {"listClientOrderId", list.list_client_order_id},
           {"transactionTime", transaction_time},
           {"symbol", list.symbol},
           {"orders", std::move(ids)}};
  if (reports != ListReports::none) out["orderReports"] = std::move(order_reports);
  return out;
}

json account_json(const std::map<std::string, Balance>& balances, const Decimal& commission_rate,
                  bool omit_zero_balances, core::TimestampMs update_time) {
  // makerCommission/takerCommission are in basis points (0.001 -> 10).
  auto points = multiply(commission_rate, Decimal::from_integer(10'000)).value_or(Decimal{});
  auto whole_points = static_cast<std::int64_t>(points.to_double());
  json list = json::array();
  for (const auto& [asset, balance] : balances) {
    if (omit_zero_balances && balance.free.is_zero() && balance.locked.is_zero()) continue;
    list.push_back({{"asset", asset},
                    {"free", decimal_text(balance.free)},
                    {"locked", decimal_text(balance.locked)}});
  }
  auto rate = decimal_text(commission_rate);
  return json{
      {"makerCommission", whole_points},
      {"takerCommission", whole_points},
      {"buyerCommission", 0},
      {"sellerCommission", 0},
      {"commissionRates",
       {{"maker", rate}, {"taker", rate}, {"buyer", "0.00000000"}, {"seller", "0.00000000"}}},
      {"canTrade", true},
      {"canWithdraw", true},
      {"canDeposit", true},
      {"brokered", false},
      {"requireSelfTradePrevention", false},
      {"preventSor", false},
      {"updateTime", update_time},
      {"accountType", "SPOT"},
      {"balances", std::move(list)},
      {"permissions", json::array({"SPOT"})},
      {"uid", 354937868}};
}

json execution_report(const Order& order, std::string_view execution_type, const Fill* fill,
                      std::int64_t execution_id, core::TimestampMs event_time) {
  const bool canceled = order.status == OrderStatus::canceled;
  return json{
      {"e", "executionReport"},
      {"E", event_time},
      {"s", order.symbol},
      {"c", canceled ? order.cancel_client_order_id : order.client_order_id},
      {"S", to_string(order.side)},
      {"o", to_string(order.type)},
      {"f", to_string(order.time_in_force)},
      {"q", decimal_text(order.orig_qty)},
      {"p", decimal_text(order.price)},
      {"P", decimal_text(order.stop_price)},
      {"F", decimal_text(Decimal{})},
      {"g", order.order_list_id},
      {"C", canceled ? order.client_order_id : std::string{}},
      {"x", execution_type},
      {"X", to_string(order.status)},
      {"r", "NONE"},
      {"i", order.order_id},
      {"l", decimal_text(fill ? fill->qty : Decimal{})},
      {"z", decimal_text(order.executed_qty)},
      {"L", decimal_text(fill ? fill->price : Decimal{})},
      {"n", fill ? decimal_text(fill->commission) : std::string{"0"}},
      {"N", fill ? json(fill->commission_asset) : json(nullptr)},
      {"T", fill ? fill->time : event_time},
      {"t", fill ? fill->id : -1},
      {"I", execution_id},
      {"w", order.open() && order.working},
      {"m", fill ? fill->is_maker : false},
      {"M", false},
      {"O", order.time},
      {"Z", decimal_text(order.cummulative_quote_qty)},
      {"Y", decimal_text(fill ? fill->quote_qty : Decimal{})},
      {"Q", decimal_text(order.orig_quote_order_qty)},
      {"W", order.working_time},
      {"V", "NONE"},
  };
}

json list_status_event(const OrderList& list, const std::vector<const Order*>& orders,
                       core::TimestampMs event_time) {
  json legs = json::array();
  for (const auto* order : orders) {
    legs.push_back({{"s", order->symbol}, {"i", order->order_id}, {"c", order->client_order_id}});
  }
  return json{{"e", "listStatus"},
              {"E", event_time},
              {"s", list.symbol},
              {"g", list.order_list_id},
              {"c", "OCO"},
              {"l", list_status_type(list)},
              {"L", list_order_status(list)},
              {"r", "NONE"},
              {"C", list.list_client_order_id},
              {"T", event_time},
              {"O", std::move(legs)}};
}

json account_position_event(const std::map<std::string, Balance>& balances,
                            const std::vector<std::string>& assets, core::TimestampMs event_time) {
  json entries = json::array();
  for (const auto& asset : assets) {
    auto it = balances.find(asset);
    if (it == balances.end()) continue;
    entries.push_back({{"a", asset},
                       {"f", decimal_text(it->second.free)},
                       {"l", decimal_text(it->second.locked)}});
  }
  return json{{"e", "outboundAccountPosition"},
              {"E", event_time},
              {"u", event_time},
              {"B", std::move(entries)}};
}

}  // namespace autotrader::fakes::binance
