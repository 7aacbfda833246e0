#pragma once
// An async HTTP/1.1 client for venue REST APIs (Beast over TCP, or TLS with SNI and peer
// verification; http:// for loopback tests). GET today; the request already carries a method,
// headers and a body so that POST/DELETE fit without a new interface.
//
// Every request has a connect timeout (resolve, TCP, TLS), a read timeout (from the request
// written to the response complete), a total timeout, and a response size cap; each failure comes
// back as a ClientError value. The callback runs exactly once per send() on the ClientContext's
// I/O thread (unless the context stops first): with the response (any status, 4xx and 5xx
// included) or with the error.
//
// Room for issue 4 (LLM providers): cancel() by RequestId exists; keep-alive pooling and an HTTP
// proxy would be further HttpClientOptions fields with the same send()/callback contract.
//
// Thread-safety: send() and cancel() may be called from any thread. The Beast implementation is
// in https_client.cpp.
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

namespace autotrader::net {

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// An outbound request and its answer. Named apart from the server's HttpRequest/HttpResponse
// (net/http_message.hpp): the daemon links both, and two types of one name are an ODR violation.
struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http(s)://host[:port]/target
  HeaderFields headers;
  std::string body;
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
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};
  std::size_t max_response_bytes = 8 << 20;  // exchangeInfo for all symbols is a few MB
  std::string user_agent = "autotrader";
};

using HttpResult = std::variant<ClientResponse, ClientError>;
using HttpCallback = std::function<void(HttpResult result)>;
using RequestId = std::uint64_t;

class HttpsClient {
 public:
  HttpsClient(std::shared_ptr<ClientContext> context, HttpClientOptions options = {});
  // Cancels every request still running (their callbacks get client_errc::cancelled).
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  RequestId send(ClientRequest request, HttpCallback callback);
  // The callback gets client_errc::cancelled unless the request has finished already.
  void cancel(RequestId id);

  class Impl;

 private:
  std::shared_ptr<ClientContext> context_;
  HttpClientOptions options_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace autotrader::net
