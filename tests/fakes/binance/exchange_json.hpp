#pragma once
// The JSON shapes of the fake's exchange, as Binance writes them (reference binance.md §5, §6,
// §10): order objects (GET /api/v3/order, openOrders, cancel), the ACK / RESULT / FULL answers to
// a new order, myTrades entries, order lists, the account, and the user-data events. Decimals
// are strings with 8 fraction digits ("0.00100000"). Pure functions.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/exchange.hpp"

namespace autotrader::fakes::binance {

enum class ResponseType { ack, result, full };

// Binance's decimal text: at least 8 fraction digits.
std::string decimal_text(const Decimal& value);

// GET /api/v3/order (and openOrders, allOrders entries).
nlohmann::json order_json(const Order& order);
// POST /api/v3/order: ACK, RESULT or FULL (RESULT + fills).
nlohmann::json new_order_json(const Order& order, const std::vector<Fill>& fills, ResponseType type,
                              core::TimestampMs transact_time);
// DELETE /api/v3/order: the order with origClientOrderId and the cancel's clientOrderId.
nlohmann::json cancel_json(const Order& order, core::TimestampMs transact_time);
// One GET /api/v3/myTrades entry.
nlohmann::json trade_json(const Fill& fill);
// An order list; with `reports`, "orderReports" of its orders in `report` shape (the answer to
// placing or canceling it). `orders` are the list's orders, in list order.
enum class ListReports { none, placed, canceled };
nlohmann::json order_list_json(const OrderList& list, const std::vector<const Order*>& orders,
                               ListReports reports, core::TimestampMs transaction_time);
// GET /api/v3/account.
nlohmann::json account_json(const std::map<std::string, Balance>& balances,
                            const Decimal& commission_rate, bool omit_zero_balances,
                            core::TimestampMs update_time);

// The user-data events (the payload inside {"subscriptionId":..,"event":..}).
nlohmann::json execution_report(const Order& order, std::string_view execution_type,
                                const Fill* fill, std::int64_t execution_id,
                                core::TimestampMs event_time);
nlohmann::json list_status_event(const OrderList& list, const std::vector<const Order*>& orders,
                                 core::TimestampMs event_time);
nlohmann::json account_position_event(const std::map<std::string, Balance>& balances,
                                      const std::vector<std::string>& assets,
                                      core::TimestampMs event_time);

}  // namespace autotrader::fakes::binance
