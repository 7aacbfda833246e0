#pragma once
// How the Binance feed actor reaches the network: a Transport opens and closes stream
// connections and sends GETs; what happens comes back to the actor as messages (below), sent
// from whatever thread the transport runs on. The real one (net_transport.hpp) uses
// net::WebSocketClient and net::HttpsClient; actor tests use a fake that records the calls and
// let the test send the results, in virtual time.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor_addr.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "actors/binance_feed/binance_feed.hpp"

namespace autotrader::binance_feed {

// To the feed actor, from its transport:
//   (stream_open_atom, uint64 connection)                 the WebSocket handshake completed
//   (stream_frame_atom, uint64 connection, std::string)   a text message
//   (stream_ping_atom, uint64 connection)                 a ping (answered by the transport)
//   (stream_closed_atom, uint64 connection, std::string)  closed or failed, with the reason
//   (http_reply_atom, uint64 request, HttpReply)          the outcome of a GET
using stream_open_atom = caf::atom_constant<caf::atom("bn_open")>;
using stream_frame_atom = caf::atom_constant<caf::atom("bn_frame")>;
using stream_ping_atom = caf::atom_constant<caf::atom("bn_ping")>;
using stream_closed_atom = caf::atom_constant<caf::atom("bn_closed")>;
using http_reply_atom = caf::atom_constant<caf::atom("bn_http")>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Any later result for the id is still reported; the feed ignores ids it no longer uses.
  virtual void open_stream(std::uint64_t id, const std::string& url) = 0;
  virtual void close_stream(std::uint64_t id) = 0;
  virtual void get(std::uint64_t id, const std::string& url) = 0;
};

// Makes a feed actor's transport; `feed` is where its results go (a weak address: a transport
// never keeps a dead feed alive). Called once per actor start, so a restart begins afresh.
using TransportFactory = std::function<std::unique_ptr<Transport>(caf::actor_addr feed)>;

}  // namespace autotrader::binance_feed

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::binance_feed::HttpReply)
