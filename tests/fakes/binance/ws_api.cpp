#include "tests/fakes/binance/ws_api.hpp"

#include "tests/fakes/binance/order_params.hpp"

namespace autotrader::fakes::binance {
namespace {

using nlohmann::json;

json rate_limits(int used_weight) {
  return json::array({{{"rateLimitType", "REQUEST_WEIGHT"},
                       {"interval", "MINUTE"},
                       {"intervalNum", 1},
                       {"limit", 6000},
                       {"count", used_weight}}});
}

std::string result(const json& id, json body, int used_weight) {
  return json{{"id", id},
              {"status", 200},
              {"result", std::move(body)},
              {"rateLimits", rate_limits(used_weight)}}
      .dump();
}

std::string failure(const json& id, const ApiError& error) {
  return json{
      {"id", id}, {"status", error.status}, {"error", {{"code", error.code}, {"msg", error.msg}}}}
      .dump();
}

// The params as text, for the checks shared with REST (timestamp, recvWindow).
std::optional<std::string> text_param(const json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) return std::nullopt;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::optional<ApiError> check_signed(const json& params, const SignedApi& api,
                                     core::TimestampMs now) {
  auto key = text_param(params, "apiKey");
  if (!key) return mandatory_missing("apiKey");
  if (auto error = api.check_api_key(key)) return error;
  if (!text_param(params, "timestamp")) return mandatory_missing("timestamp");
  auto signature = text_param(params, "signature");
  if (!signature) return mandatory_missing("signature");
  auto expected = hmac_sha256_hex(api.account().api_secret, ws_api_signature_payload(params));
  if (!signature_equal(expected, *signature)) {
    return ApiError{400, -1022, "Signature for this request is not valid."};
  }
  return check_timing(text_param(params, "timestamp"), text_param(params, "recvWindow"), now);
}

}  // namespace

std::string handle_ws_api_request(std::string_view text, WsApiSession& session,
                                  const SignedApi& api, core::TimestampMs now, int used_weight) {
  auto request = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object()) return failure(nullptr, {400, -1000, "Invalid JSON request."});
  json id = request.contains("id") ? request["id"] : json(nullptr);
  auto method_it = request.find("method");
  if (method_it == request.end() || !method_it->is_string()) {
    return failure(id, mandatory_missing("method"));
  }
  const auto method = method_it->get<std::string>();
  json params = request.value("params", json::object());
  if (!params.is_object()) return failure(id, mandatory_missing("params"));

  if (method == "ping") return result(id, json::object(), used_weight);
  if (method == "time") return result(id, {{"serverTime", now}}, used_weight);
  if (method == "userDataStream.subscribe.signature") {
    if (auto error = check_signed(params, api, now)) return failure(id, *error);
    if (session.subscription) {
      return failure(id, {400, -2035, "User Data Stream subscription already active."});
    }
    session.subscription = session.next_subscription_id++;
    return result(id, {{"subscriptionId", *session.subscription}}, used_weight);
  }
  if (method == "userDataStream.unsubscribe") {
    auto wanted = params.find("subscriptionId");
    if (wanted != params.end() && (!wanted->is_number_integer() || !session.subscription ||
                                   wanted->get<std::int64_t>() != *session.subscription)) {
      return failure(id, {400, -2036, "User Data Stream subscription not active."});
    }
    session.subscription.reset();
    return result(id, json::object(), used_weight);
  }
  if (method == "session.subscriptions") {
    json list = json::array();
    if (session.subscription) list.push_back({{"subscriptionId", *session.subscription}});
    return result(id, std::move(list), used_weight);
  }
  return failure(id, {400, -1000, "Unknown method '" + method + "'."});
}

std::string user_data_frame(std::int64_t subscription_id, const json& event) {
  return json{{"subscriptionId", subscription_id}, {"event", event}}.dump();
}

}  // namespace autotrader::fakes::binance
