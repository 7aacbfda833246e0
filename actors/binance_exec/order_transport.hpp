#pragma once
// How the Binance executor actor reaches the network: an OrderTransport sends signed REST
// requests (binance::RestRequest from order_codec / trade_codec) and holds the WebSocket API
// connections of the user data stream; what happens comes back to the actor as messages (below),
// sent from whatever thread the transport runs on. The real one (net_order_transport.hpp) uses
// net::HttpsClient and net::WebSocketClient; actor tests use a fake that records the calls and
// lets the test send the results, in virtual time. Boost-free: only CAF's atoms and actor_addr.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor_addr.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "core/market.hpp"
#include "venues/binance/order_codec.hpp"
#include "venues/binance/order_errors.hpp"

namespace autotrader::binance_exec {

// To the executor actor, from its transport:
//   (bx_reply_atom, uint64 request, RestOutcome)              the outcome of a signed REST request
//   (bx_ws_open_atom, uint64 connection)                      the WebSocket handshake completed
//   (bx_ws_text_atom, uint64 connection, std::string)         a text message
//   (bx_ws_closed_atom, uint64 connection, std::string reason) closed or failed (exactly once per
//                                                             open_ws, close_ws included)
using bx_reply_atom = caf::atom_constant<caf::atom("bx_reply")>;
using bx_ws_open_atom = caf::atom_constant<caf::atom("bx_wsopen")>;
using bx_ws_text_atom = caf::atom_constant<caf::atom("bx_wstext")>;
using bx_ws_closed_atom = caf::atom_constant<caf::atom("bx_wsclose")>;

// The owning form of binance::HttpOutcome, so it can travel in a message: what came back for one
// request, and when, in our wall clock, it left and returned (for ServerClock::update from
// GET /api/v3/time, and for the audit).
struct RestOutcome {
  binance::HttpOutcome::Transport transport = binance::HttpOutcome::Transport::answered;
  int status = 0;                                   // when answered
  std::string body;                                 // when answered
  std::optional<std::chrono::seconds> retry_after;  // the Retry-After header (418, 429)
  std::optional<std::int64_t> used_weight_1m;       // X-MBX-USED-WEIGHT-1M, when present
  std::string error;  // the transport error ("timeout: connect to ...") when not answered;
                      // names the peer, never a key, a query or a header
  core::TimestampMs sent_ms = 0;
  core::TimestampMs received_ms = 0;

  // For binance::classify. Refers to this->body: valid while this object lives, unchanged.
  binance::HttpOutcome view() const {
    binance::HttpOutcome outcome;
    outcome.transport = transport;
    outcome.status = status;
    outcome.body = body;
    outcome.retry_after = retry_after;
    return outcome;
  }
};

// Owned by one executor actor and called only from it. Ids are the actor's; every send() and
// open_ws() is answered by exactly one bx_reply / bx_ws_closed (unless the transport is destroyed
// first), even after close_ws: the actor ignores ids it no longer uses.
class OrderTransport {
 public:
  virtual ~OrderTransport() = default;
  // Sends the request to the REST base URL with the X-MBX-APIKEY header. A POST is never sent
  // twice: a place that may have left must be resolved by a query. (The HTTP client resends a GET
  // or DELETE once when a kept-alive connection turns out dead before any answer.)
  virtual void send(std::uint64_t id, const binance::RestRequest& request) = 0;
  virtual void open_ws(std::uint64_t id, const std::string& url) = 0;
  // Dropped unless the connection is open.
  virtual void send_ws(std::uint64_t id, std::string text) = 0;
  virtual void close_ws(std::uint64_t id) = 0;
};

// Makes an executor's transport; `executor` is where its results go (a weak address: a transport
// never keeps a dead executor alive). Called once per actor start, so a restart begins afresh.
using OrderTransportFactory =
    std::function<std::unique_ptr<OrderTransport>(caf::actor_addr executor)>;

}  // namespace autotrader::binance_exec

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::binance_exec::RestOutcome)
