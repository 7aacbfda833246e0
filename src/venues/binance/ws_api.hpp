#pragma once
// Binance's WebSocket API (`/ws-api/v3`, reference binance.md §7 "WebSocket API signing", §10):
// the request that subscribes the account's user data stream with an HMAC key
// (userDataStream.subscribe.signature, the route that needs no Ed25519 session logon), its
// signature, and the shape of a response. The frames pushed on the same connection and the
// decoder of every frame are in user_stream.hpp. Pure: time is an argument, nothing here does I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/market.hpp"
#include "core/secret.hpp"
#include "venues/binance/endpoints.hpp"
#include "venues/binance/signing.hpp"

namespace autotrader::binance {

inline constexpr std::string_view kSubscribeSignatureMethod = "userDataStream.subscribe.signature";
inline constexpr int kSubscribeSignatureWeight = 2;

// The WebSocket API's signature: every parameter except `signature`, sorted by key, `k=v` joined
// by '&' as UTF-8 (not percent-encoded, unlike REST), HMAC-SHA256 as 64 lower-case hex digits.
std::string ws_api_signature(const core::Secret& secret,
                             const std::vector<std::pair<std::string, std::string>>& params);

// {"id":"<id>","method":"userDataStream.subscribe.signature","params":{"apiKey":..,
// "recvWindow":..,"timestamp":..,"signature":..}} with timestamp = clock.to_server(local_wall_ms)
// and the signer's recvWindow. The text holds the API key (not the secret): send it, never log
// it. `id` is echoed by Binance in the response; ours are short [A-Za-z0-9-] strings.
std::string subscribe_signature_request(std::string_view id, const RequestSigner& signer,
                                        const ServerClock& clock, core::TimestampMs local_wall_ms);

// A response to one of our requests on the WebSocket API connection:
// {"id":..,"status":200,"result":{..},"rateLimits":[..]} or
// {"id":..,"status":4xx,"error":{"code":..,"msg":..,"data":{..}},"rateLimits":[..]}.
struct WsApiResponse {
  std::string id;  // as we sent it; "" when Binance could not read it (null)
  int status = 0;  // HTTP-like: 200 ok, 4xx/5xx as for REST (reference §8)
  std::optional<std::int64_t> subscription_id;  // result.subscriptionId of a subscribe
  std::int64_t error_code = 0;                  // error.code, 0 when none
  std::string error_message;                    // error.msg
  // error.data.retryAfter of a 418/429: the server time (ms) at which a ban lifts.
  std::optional<core::TimestampMs> retry_after;

  bool ok() const { return status >= 200 && status < 300; }
};

}  // namespace autotrader::binance
