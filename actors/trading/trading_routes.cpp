// The operator API of the trading branch (declared in trading_tree.hpp). Reads come from
// TradingShared without asking an actor, so they answer even while an actor restarts; commands
// go to the actor that owns what they change and are answered by it.
#include <algorithm>
#include <cctype>

#include <caf/all.hpp>

#include "actors/trading/protocol.hpp"
#include "actors/trading/trading_tree.hpp"

namespace autotrader::trading_actors {
namespace {

constexpr std::size_t kMaxReasonLength = 200;
constexpr std::size_t kDefaultTrades = 50;
constexpr std::size_t kMaxTrades = 500;

net::HttpResponse unauthorized(const std::string& message) {
  auto response = net::HttpResponse::error(401, message);
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"autotrader\"");
  return response;
}

// nullopt when the request may change things; otherwise the answer that refuses it.
std::optional<net::HttpResponse> refuse(const net::HttpRequest& request,
                                        const core::Secret& token) {
  if (token.empty()) {
    return net::HttpResponse::error(
        403,
        "write endpoints are disabled: set AUTOTRADER_API_TOKEN in the environment or .env and "
        "restart, then send it as 'Authorization: Bearer <token>'");
  }
  const auto header = request.headers.find("authorization");
  if (header == request.headers.end()) return unauthorized("missing 'Authorization: Bearer' token");
  const std::string& value = header->second;
  constexpr std::string_view scheme = "bearer ";
  if (value.size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), value.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return unauthorized("the Authorization header must be 'Bearer <token>'");
  }
  if (!token.matches(std::string_view{value}.substr(scheme.size()))) {
    return unauthorized("wrong token");
  }
  return std::nullopt;
}

// The body as a JSON object ({} when empty), or the 400 that says what is wrong with it.
std::variant<nlohmann::json, net::HttpResponse> body_object(const net::HttpRequest& request) {
  if (std::all_of(request.body.begin(), request.body.end(),
                  [](unsigned char c) { return std::isspace(c) != 0; })) {
    return nlohmann::json::object();
  }
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return net::HttpResponse::error(400, "the body is not valid JSON");
  if (!body.is_object()) return net::HttpResponse::error(400, "the body must be a JSON object");
  return body;
}

// Printable ASCII only, at most kMaxReasonLength characters: it goes to the log and the API.
std::string clean_reason(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= kMaxReasonLength) break;
    if (c >= 0x20 && c < 0x7f) out.push_back(static_cast<char>(c));
  }
  return out;
}

}  // namespace

std::vector<actors::HttpRoute> trading_routes(std::shared_ptr<TradingShared> shared,
                                              core::Secret api_token) {
  std::vector<actors::HttpRoute> routes;
  routes.push_back(
      {"GET", "/api/autonomous-status", [shared](const net::HttpRequest&, net::Responder respond) {
         respond(net::HttpResponse::json(200, shared->status_json()));
       }});
  routes.push_back(
      {"GET", "/api/autonomous-history", [shared](const net::HttpRequest&, net::Responder respond) {
         respond(net::HttpResponse::json(200, shared->history_json()));
       }});
  routes.push_back(
      {"GET", "/api/positions", [shared](const net::HttpRequest&, net::Responder respond) {
         respond(net::HttpResponse::json(200, shared->positions_json()));
       }});
  routes.push_back(
      {"GET", "/api/trades", [shared](const net::HttpRequest& request, net::Responder respond) {
         std::size_t limit = kDefaultTrades;
         if (auto it = request.query.find("limit"); it != request.query.end()) {
           const auto& text = it->second;
           if (text.empty() || text.size() > 4 ||
               !std::all_of(text.begin(), text.end(),
                            [](unsigned char c) { return std::isdigit(c) != 0; }) ||
               std::stoul(text) < 1 || std::stoul(text) > kMaxTrades) {
             respond(net::HttpResponse::error(
                 400, "limit must be a whole number from 1 to " + std::to_string(kMaxTrades)));
             return;
           }
           limit = std::stoul(text);
         }
         auto storage = shared->storage.get();
         if (!storage) {
           respond(net::HttpResponse::error(503, "the storage actor is restarting; try again"));
           return;
         }
         caf::anon_send(storage, store_trades_atom::value, limit, HttpReply{std::move(respond)});
       }});
  routes.push_back(
      {"POST", "/api/autonomous-toggle",
       [shared, api_token](const net::HttpRequest& request, net::Responder respond) {
         if (auto refused = refuse(request, api_token)) {
           respond(std::move(*refused));
           return;
         }
         auto body = body_object(request);
         if (auto* error = std::get_if<net::HttpResponse>(&body)) {
           respond(std::move(*error));
           return;
         }
         const auto& object = std::get<nlohmann::json>(body);
         const bool previous = shared->autonomous();
         bool enabled = !previous;  // no body: flip
         if (auto it = object.find("enabled"); it != object.end()) {
           if (!it->is_boolean()) {
             respond(net::HttpResponse::error(400, "'enabled' must be true or false"));
             return;
           }
           enabled = it->get<bool>();
         }
         shared->set_autonomous(enabled);
         if (auto trader = shared->trader.get()) {
           caf::anon_send(trader, trader_toggle_atom::value);
         }
         respond(net::HttpResponse::json(200, {{"enabled", enabled}, {"previous", previous}}));
       }});
  routes.push_back({"POST", "/api/kill-switch",
                    [shared, api_token](const net::HttpRequest& request, net::Responder respond) {
                      if (auto refused = refuse(request, api_token)) {
                        respond(std::move(*refused));
                        return;
                      }
                      auto body = body_object(request);
                      if (auto* error = std::get_if<net::HttpResponse>(&body)) {
                        respond(std::move(*error));
                        return;
                      }
                      const auto& object = std::get<nlohmann::json>(body);
                      bool engage = true;  // no body: engage
                      if (auto it = object.find("engaged"); it != object.end()) {
                        if (!it->is_boolean()) {
                          respond(net::HttpResponse::error(400, "'engaged' must be true or false"));
                          return;
                        }
                        engage = it->get<bool>();
                      }
                      std::string reason;
                      if (auto it = object.find("reason"); it != object.end()) {
                        if (!it->is_string()) {
                          respond(net::HttpResponse::error(400, "'reason' must be a string"));
                          return;
                        }
                        reason = clean_reason(it->get<std::string>());
                      }
                      auto trader = shared->trader.get();
                      if (!trader) {
                        respond(
                            net::HttpResponse::error(503, "the trader is restarting; try again"));
                        return;
                      }
                      caf::anon_send(trader, trader_kill_atom::value, engage, reason,
                                     HttpReply{std::move(respond)});
                    }});
  return routes;
}

}  // namespace autotrader::trading_actors
