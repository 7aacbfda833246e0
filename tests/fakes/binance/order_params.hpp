#pragma once
// Reads the parameters of the signed order endpoints the way Binance validates them, before any
// filter or balance check: mandatory parameters by order type (-1102), enum values (-1115 time in
// force, -1116 order type, -1117 side), decimal and id syntax (-1100), parameters a type does not
// take (-1106), and order types the fake does not model (-1014). Pure functions over the
// decoded parameters (query and body merged).
#include <optional>
#include <string>
#include <variant>

#include "tests/fakes/binance/api_types.hpp"
#include "tests/fakes/binance/exchange.hpp"
#include "tests/fakes/binance/exchange_json.hpp"

namespace autotrader::fakes::binance {

// "Mandatory parameter '<name>' was not sent, was empty/null, or malformed."
ApiError mandatory_missing(const std::string& name);

// A present, non-empty parameter.
std::optional<std::string> param_of(const Params& params, const std::string& name);

// POST /api/v3/order (and order/test).
std::variant<NewOrder, ApiError> parse_new_order(const Params& params);
// newOrderRespType: ACK / RESULT / FULL; Binance's default is FULL for MARKET and LIMIT, ACK for
// every other type.
std::variant<ResponseType, ApiError> parse_response_type(const Params& params, OrderType type);
// POST /api/v3/orderList/oco.
std::variant<NewOco, ApiError> parse_new_oco(const Params& params);
// orderId / origClientOrderId (or orderListId / listClientOrderId); one of them is required.
std::variant<OrderRef, ApiError> parse_order_ref(const Params& params, const std::string& id_name,
                                                 const std::string& client_id_name);
// A non-negative integer parameter; -1100 when malformed, nullopt when absent.
std::variant<std::optional<std::int64_t>, ApiError> parse_integer(const Params& params,
                                                                  const std::string& name);

}  // namespace autotrader::fakes::binance
