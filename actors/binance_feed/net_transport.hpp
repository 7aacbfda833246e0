#pragma once
// The real Transport of the Binance feed: net::WebSocketClient per stream connection and one
// net::HttpsClient, on a shared net::ClientContext (its I/O thread), with results sent to the
// feed actor as messages. The ClientContext belongs to the application and must outlive every
// feed (it is captured by the factory).
#include <memory>

#include "actors/binance_feed/transport.hpp"
#include "net/https_client.hpp"
#include "net/websocket_client.hpp"

namespace autotrader::binance_feed {

struct NetTransportOptions {
  net::HttpClientOptions http;
  net::WebSocketOptions websocket;
};

TransportFactory net_transport(std::shared_ptr<net::ClientContext> context,
                               NetTransportOptions options = {});

// The reply of a finished HTTP exchange, with Binance's headers read.
HttpReply to_reply(const net::HttpResult& result);

}  // namespace autotrader::binance_feed
