#include "actors/binance_exec/net_order_transport.hpp"

#include <charconv>
#include <map>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "venues/binance/signing.hpp"

namespace autotrader::binance_exec {
namespace {

using Transport = binance::HttpOutcome::Transport;

template <class T>
std::optional<T> header_number(const net::ClientResponse& response, std::string_view name) {
  auto value = response.header(name);
  if (!value) return std::nullopt;
  T out{};
  auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), out);
  if (ec != std::errc{} || ptr != value->data() + value->size()) return std::nullopt;
  return out;
}

core::TimestampMs wall_ms(const core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wall_now().time_since_epoch())
      .count();
}

std::string describe(const net::ClientError& error) {
  return std::string{net::to_string(error.code)} + ": " + error.message;
}

// Sends to the executor if it is still there; the I/O thread never keeps it alive.
template <class... Ts>
void tell(const caf::actor_addr& executor, Ts&&... xs) {
  if (auto handle = caf::actor_cast<caf::actor>(executor)) {
    caf::anon_send(handle, std::forward<Ts>(xs)...);
  }
}

// What the I/O thread's callbacks need. Deliberately without the ClientContext: a callback may
// be the last owner of what it captured, and the context must never be destroyed on its own I/O
// thread (its stop() would join itself).
struct Reporting {
  std::shared_ptr<const core::Clock> clock;
  core::Redactor redactor;  // the API key, kept out of every error text
};

struct Settings {
  std::shared_ptr<net::ClientContext> context;
  std::string rest_base_url;
  core::Secret api_key;
  net::HttpClientOptions http;
  net::WebSocketOptions websocket;
  std::shared_ptr<const Reporting> reporting;
};

class NetOrderTransport final : public OrderTransport {
 public:
  NetOrderTransport(std::shared_ptr<const Settings> settings, caf::actor_addr executor)
      : settings_{std::move(settings)},
        executor_{std::move(executor)},
        http_{settings_->context, settings_->http} {}

  void send(std::uint64_t id, const binance::RestRequest& request) override {
    net::ClientRequest out;
    out.method = binance::to_string(request.method);
    out.url = settings_->rest_base_url + request.path;
    if (!request.query.empty()) out.url += "?" + request.query;
    out.headers.emplace_back(std::string{binance::kApiKeyHeader}, settings_->api_key.reveal());
    if (!request.body.empty()) {
      out.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      out.body = request.body;
    }
    // Never replayable: a POST that places an order must not go out twice. (HttpsClient still
    // treats GET and DELETE as idempotent, which they are at Binance.)
    out.replayable = false;
    const core::TimestampMs sent = wall_ms(*settings_->reporting->clock);
    http_.send(std::move(out), [reporting = settings_->reporting, executor = executor_, id,
                                sent](net::HttpResult result) {
      RestOutcome outcome = to_outcome(result, sent, wall_ms(*reporting->clock));
      outcome.error = reporting->redactor.apply(outcome.error);
      tell(executor, bx_reply_atom::value, id, std::move(outcome));
    });
  }

  void open_ws(std::uint64_t id, const std::string& url) override {
    auto client = std::make_unique<net::WebSocketClient>(settings_->context, settings_->websocket);
    net::WebSocketHandlers handlers;
    handlers.on_open = [executor = executor_, id] { tell(executor, bx_ws_open_atom::value, id); };
    handlers.on_message = [executor = executor_, id](std::string text) {
      tell(executor, bx_ws_text_atom::value, id, std::move(text));
    };
    handlers.on_close = [reporting = settings_->reporting, executor = executor_,
                         id](net::ClientError reason) {
      tell(executor, bx_ws_closed_atom::value, id, reporting->redactor.apply(describe(reason)));
    };
    client->connect(url, std::move(handlers));
    // A reused id replaces (and closes) the old connection, whose close is still reported.
    connections_[id] = std::move(client);
  }

  void send_ws(std::uint64_t id, std::string text) override {
    auto it = connections_.find(id);
    if (it != connections_.end()) it->second->send(std::move(text));
  }

  void close_ws(std::uint64_t id) override {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    it->second->close();
    connections_.erase(it);
  }

 private:
  std::shared_ptr<const Settings> settings_;
  caf::actor_addr executor_;
  net::HttpsClient http_;
  std::map<std::uint64_t, std::unique_ptr<net::WebSocketClient>> connections_;
};

}  // namespace

Transport transport_of(const net::ClientError& error) {
  switch (error.code) {
    case net::client_errc::invalid_url:
    case net::client_errc::resolve_failed:
    case net::client_errc::connect_failed:
    case net::client_errc::tls_failed:
    // For HttpsClient only a proxy refusing the CONNECT tunnel: nothing reached Binance.
    case net::client_errc::handshake_failed:
      return Transport::failed_before_send;
    case net::client_errc::timeout:
      // HttpsClient's connect phase ("connect to <peer>: timed out") ends before the request is
      // written; "waiting for the first byte from" and "read from" come after.
      return std::string_view{error.message}.rfind("connect to ", 0) == 0
                 ? Transport::failed_before_send
                 : Transport::failed_after_send;
    case net::client_errc::too_large:
    case net::client_errc::protocol_error:
    case net::client_errc::closed:
    case net::client_errc::cancelled:
    case net::client_errc::io_error:
      return Transport::failed_after_send;
  }
  return Transport::failed_after_send;
}

RestOutcome to_outcome(const net::HttpResult& result, core::TimestampMs sent_ms,
                       core::TimestampMs received_ms) {
  RestOutcome outcome;
  outcome.sent_ms = sent_ms;
  outcome.received_ms = received_ms;
  if (const auto* error = std::get_if<net::ClientError>(&result)) {
    outcome.transport = transport_of(*error);
    outcome.error = describe(*error);
    return outcome;
  }
  const auto& response = std::get<net::ClientResponse>(result);
  outcome.transport = Transport::answered;
  outcome.status = response.status;
  outcome.body = response.body;
  if (auto seconds = header_number<std::int64_t>(response, "Retry-After");
      seconds && *seconds >= 0) {
    outcome.retry_after = std::chrono::seconds{*seconds};
  }
  outcome.used_weight_1m = header_number<std::int64_t>(response, "X-MBX-USED-WEIGHT-1M");
  return outcome;
}

OrderTransportFactory make_net_order_transport_factory(std::shared_ptr<net::ClientContext> context,
                                                       std::string rest_base_url,
                                                       core::Secret api_key,
                                                       std::shared_ptr<const core::Clock> clock,
                                                       net::HttpClientOptions http,
                                                       net::WebSocketOptions websocket) {
  auto settings = std::make_shared<Settings>();
  settings->context = std::move(context);
  while (!rest_base_url.empty() && rest_base_url.back() == '/') rest_base_url.pop_back();
  settings->rest_base_url = std::move(rest_base_url);
  auto reporting = std::make_shared<Reporting>();
  reporting->clock = std::move(clock);
  reporting->redactor.add(api_key.reveal());
  settings->reporting = std::move(reporting);
  settings->api_key = std::move(api_key);
  settings->http = std::move(http);
  settings->websocket = std::move(websocket);
  return [settings = std::shared_ptr<const Settings>{std::move(settings)}](
             caf::actor_addr executor) -> std::unique_ptr<OrderTransport> {
    return std::make_unique<NetOrderTransport>(settings, std::move(executor));
  };
}

}  // namespace autotrader::binance_exec
