#include "venues/binance/ws_api.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace autotrader::binance {

std::string ws_api_signature(const core::Secret& secret,
                             const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(params.size());
  for (const auto& param : params) {
    if (param.first != "signature") sorted.push_back(&param);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string payload;
  for (const auto* param : sorted) {
    if (!payload.empty()) payload.push_back('&');
    payload.append(param->first).push_back('=');
    payload.append(param->second);
  }
  return hmac_sha256_hex(secret, payload);
}

std::string subscribe_signature_request(std::string_view id, const RequestSigner& signer,
                                        const ServerClock& clock, core::TimestampMs local_wall_ms) {
  // RequestSigner keeps the secret to itself and signs `params` + recvWindow + timestamp in that
  // order. The three keys of this request, apiKey < recvWindow < timestamp, are already sorted,
  // and percent-encoding leaves an API key unchanged (Binance issues them as 64 letters and
  // digits), so the REST signature of that query is exactly the WebSocket API's signature over
  // the sorted, unencoded parameters. The test checks it against ws_api_signature.
  const std::int64_t timestamp = clock.to_server(local_wall_ms);
  QueryBuilder params;
  params.add("apiKey", std::string_view{signer.api_key().reveal()});
  const std::string query = signer.signed_query(params, local_wall_ms, clock);
  constexpr std::string_view marker = "&signature=";
  const auto at = query.rfind(marker);
  const std::string signature =
      at == std::string::npos ? std::string{} : query.substr(at + marker.size());

  nlohmann::ordered_json request;
  request["id"] = std::string{id};
  request["method"] = std::string{kSubscribeSignatureMethod};
  request["params"]["apiKey"] = signer.api_key().reveal();
  request["params"]["recvWindow"] = signer.recv_window_ms();
  request["params"]["timestamp"] = timestamp;
  request["params"]["signature"] = signature;
  // An id that is not UTF-8 is replaced rather than thrown on: this function is not an input
  // check, and Binance echoes whatever arrives.
  return request.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace autotrader::binance
