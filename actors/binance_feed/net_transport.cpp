#include "actors/binance_feed/net_transport.hpp"

#include <charconv>
#include <map>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace autotrader::binance_feed {
namespace {

template <class T>
std::optional<T> header_number(const net::ClientResponse& response, std::string_view name) {
  auto value = response.header(name);
  if (!value) return std::nullopt;
  T out{};
  auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), out);
  if (ec != std::errc{} || ptr != value->data() + value->size()) return std::nullopt;
  return out;
}

// Sends to the feed if it is still there; the transport's threads never keep it alive.
template <class... Ts>
void tell(const caf::actor_addr& feed, Ts&&... xs) {
  if (auto handle = caf::actor_cast<caf::actor>(feed)) {
    caf::anon_send(handle, std::forward<Ts>(xs)...);
  }
}

class NetTransport final : public Transport {
 public:
  NetTransport(std::shared_ptr<net::ClientContext> context, NetTransportOptions options,
               caf::actor_addr feed)
      : context_{std::move(context)},
        options_{std::move(options)},
        feed_{std::move(feed)},
        http_{context_, options_.http} {}

  void open_stream(std::uint64_t id, const std::string& url) override {
    auto client = std::make_unique<net::WebSocketClient>(context_, options_.websocket);
    net::WebSocketHandlers handlers;
    handlers.on_open = [feed = feed_, id] { tell(feed, stream_open_atom::value, id); };
    handlers.on_message = [feed = feed_, id](std::string text) {
      tell(feed, stream_frame_atom::value, id, std::move(text));
    };
    handlers.on_ping = [feed = feed_, id] { tell(feed, stream_ping_atom::value, id); };
    handlers.on_close = [feed = feed_, id](net::ClientError reason) {
      tell(feed, stream_closed_atom::value, id,
           std::string{net::to_string(reason.code)} + ": " + reason.message);
    };
    client->connect(url, std::move(handlers));
    streams_[id] = std::move(client);
  }

  void close_stream(std::uint64_t id) override {
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    it->second->close();
    streams_.erase(it);
  }

  void get(std::uint64_t id, const std::string& url) override {
    http_.send(net::ClientRequest{"GET", url, {}, {}}, [feed = feed_, id](net::HttpResult result) {
      tell(feed, http_reply_atom::value, id, to_reply(result));
    });
  }

 private:
  std::shared_ptr<net::ClientContext> context_;
  NetTransportOptions options_;
  caf::actor_addr feed_;
  net::HttpsClient http_;
  std::map<std::uint64_t, std::unique_ptr<net::WebSocketClient>> streams_;
};

}  // namespace

HttpReply to_reply(const net::HttpResult& result) {
  HttpReply reply;
  if (auto* error = std::get_if<net::ClientError>(&result)) {
    reply.error = std::string{net::to_string(error->code)} + ": " + error->message;
    return reply;
  }
  const auto& response = std::get<net::ClientResponse>(result);
  reply.responded = true;
  reply.status = response.status;
  reply.used_weight_1m = header_number<std::int64_t>(response, "X-MBX-USED-WEIGHT-1M");
  if (auto seconds = header_number<std::int64_t>(response, "Retry-After")) {
    reply.retry_after = std::chrono::seconds{*seconds};
  }
  reply.body = response.body;
  return reply;
}

TransportFactory net_transport(std::shared_ptr<net::ClientContext> context,
                               NetTransportOptions options) {
  return [context = std::move(context), options = std::move(options)](caf::actor_addr feed) {
    return std::make_unique<NetTransport>(context, options, std::move(feed));
  };
}

}  // namespace autotrader::binance_feed
