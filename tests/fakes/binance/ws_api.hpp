#pragma once
// The fake's WebSocket API (/ws-api/v3) as plain code: request frames
// {"id":..,"method":..,"params":{..}} in, {"id":..,"status":200,"result":..} or
// {"id":..,"status":4xx,"error":{"code":..,"msg":..}} out. Methods: ping, time,
// userDataStream.subscribe.signature (apiKey, timestamp, signature[, recvWindow]; the signature
// covers the sorted params, reference binance.md §7), userDataStream.unsubscribe and
// session.subscriptions. One WsApiSession per connection holds its user-data subscription; the
// server wraps account events for a subscribed connection with user_data_frame().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/signed_api.hpp"

namespace autotrader::fakes::binance {

// The path of the WebSocket API endpoint.
inline constexpr std::string_view kWsApiPath = "/ws-api/v3";

// One connection's state. Binance numbers subscriptions per connection from 0 and allows one
// user-data subscription per account per connection.
struct WsApiSession {
  std::int64_t next_subscription_id = 0;
  std::optional<std::int64_t> subscription;
};

// Answers one text frame at server time `now`; `used_weight` is reported in rateLimits.
std::string handle_ws_api_request(std::string_view text, WsApiSession& session,
                                  const SignedApi& api, core::TimestampMs now, int used_weight);

// {"subscriptionId":N,"event":<event>}.
std::string user_data_frame(std::int64_t subscription_id, const nlohmann::json& event);

}  // namespace autotrader::fakes::binance
