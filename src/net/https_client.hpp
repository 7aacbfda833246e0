#pragma once
// An async HTTP/1.1 client for venue REST APIs and LLM providers (Beast over TCP, or TLS with SNI
// and peer verification against the system CA store; http:// for loopback tests).
//
// Deadlines, each failing with client_errc::timeout and a message naming the phase:
//   connect     resolve, TCP connect, the proxy's CONNECT exchange and the TLS handshake;
//   first byte  from starting to write the request to the first byte of the response (a server
//               that accepts the request but never answers);
//   read        after the first byte, the longest wait for each further part of the response (the
//               rest of the header, then each piece of the body): a stalled stream;
//   total       the whole send(), a retry on a fresh connection included.
// A response above max_response_bytes fails with too_large.
//
// Connections are kept alive and reused per scheme + host + port (+ proxy), up to
// max_idle_per_host idle ones per key for at most idle_timeout each; a response with
// "Connection: close", or HTTP/1.0 without "Connection: keep-alive", or a body delimited by the
// close, is never reused. A reused connection found dead before any byte of the response arrived
// is retried once on a fresh connection when the request may be replayed (see
// ClientRequest::replayable).
//
// Proxies (HttpClientOptions::proxy, usually from proxy_from_environment()): https:// targets go
// through an HTTP CONNECT tunnel with TLS, SNI and verification of the target end to end; http://
// targets are sent to the proxy in absolute form. A proxy that refuses the tunnel fails with
// handshake_failed naming the proxy by host:port (its credentials never appear).
//
// The callback runs exactly once per send() on the ClientContext's I/O thread (unless the
// context stops first): with the response (any status, 4xx and 5xx included) or with the error.
// cancel() closes the request's connection at once (it is never reused) and calls back with
// cancelled unless the request had finished already.
//
// Thread-safety: send(), cancel() and stats() may be called from any thread. The Beast
// implementation is in https_client.cpp and https_client_pool.cpp.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "net/client_context.hpp"
#include "net/client_error.hpp"
#include "net/proxy.hpp"

namespace autotrader::net {

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// An outbound request and its answer. Named apart from the server's HttpRequest/HttpResponse
// (net/http_message.hpp): the daemon links both, and two types of one name are an ODR violation.
struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http(s)://host[:port]/target
  HeaderFields headers;
  std::string body;
  // Whether sending the request twice does no harm (beyond cost), so that it may be resent when a
  // reused connection turns out dead. GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent
  // (RFC 9110 §9.2.2) and count as replayable anyway; set it for a POST without side effects
  // (an LLM completion), never for one that places an order.
  bool replayable = false;
};

struct ClientResponse {
  int status = 0;
  HeaderFields headers;
  std::string body;

  // The first field of that name, case-insensitively.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds first_byte_timeout{10'000};
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};
  std::size_t max_response_bytes = 8 << 20;  // exchangeInfo for all symbols is a few MB
  std::string user_agent = "autotrader";
  // Idle keep-alive connections kept per scheme + host + port (+ proxy); 0 turns reuse off (every
  // request then says "Connection: close").
  std::size_t max_idle_per_host = 4;
  // An idle connection is closed after this; servers drop theirs after 5 s (Apache) to 60 s and
  // more, and one that closes first is caught before reuse or retried.
  std::chrono::milliseconds idle_timeout{30'000};
  ProxyOptions proxy;  // none by default: connect directly
};

// Counters of one client since it was made (connections_idle is the current number).
struct HttpClientStats {
  std::uint64_t connections_opened = 0;  // TCP connections made, to targets or proxies
  std::uint64_t connections_reused = 0;  // requests sent on a kept-alive connection
  std::uint64_t stale_retries = 0;       // reused connections found dead, the request resent once
  std::uint64_t connections_idle = 0;
};

using HttpResult = std::variant<ClientResponse, ClientError>;
using HttpCallback = std::function<void(HttpResult result)>;
using RequestId = std::uint64_t;

class HttpsClient {
 public:
  HttpsClient(std::shared_ptr<ClientContext> context, HttpClientOptions options = {});
  // Cancels every request still running (their callbacks get client_errc::cancelled) and closes
  // the idle connections.
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  RequestId send(ClientRequest request, HttpCallback callback);
  // Closes the request's connection; the callback gets client_errc::cancelled unless the request
  // has finished already. Unknown or finished ids are ignored.
  void cancel(RequestId id);

  HttpClientStats stats() const;

  class Impl;

 private:
  std::shared_ptr<ClientContext> context_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace autotrader::net
