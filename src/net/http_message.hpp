#pragma once
// The request and response values that handlers see. Plain data with no Beast types, so handler
// code (and the actors behind it) compiles without Boost headers.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

// Only the declaration: callers building JSON bodies include <nlohmann/json.hpp> themselves.
#include <nlohmann/json_fwd.hpp>

namespace autotrader::net {

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET"; "HEAD" when a GET route answers a HEAD
  std::string target;  // the raw request target, e.g. "/api/orders?symbol=BTC%2FUSDT"
  std::string path;    // percent-decoded path without the query, e.g. "/api/orders"
  std::map<std::string, std::string> query;    // decoded; a repeated key keeps its last value
  std::map<std::string, std::string> headers;  // lower-case names; repeated fields joined by ", "
  std::string body;
  std::string remote;  // "address:port" of the peer
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra fields; they replace the server's defaults of the same name (e.g. Cache-Control).
  std::vector<std::pair<std::string, std::string>> headers;

  // Serializes `body`; invalid UTF-8 in strings is replaced, never thrown.
  static HttpResponse json(int status, const nlohmann::json& body);
  static HttpResponse text(int status, std::string body,
                           std::string content_type = "text/plain; charset=utf-8");
  // {"error": message}: the shape of every error body this server sends.
  static HttpResponse error(int status, const std::string& message);
};

// Answers one request. Callable from any thread, once: later calls are ignored. A responder that
// is never called does not hold the connection forever: the request timeout answers 504.
using Responder = std::function<void(HttpResponse)>;

// Runs on the server's I/O thread and must not block it: work that waits on an actor keeps the
// responder and calls it when the answer arrives. An exception thrown here becomes a 500.
using Handler = std::function<void(const HttpRequest&, Responder)>;

}  // namespace autotrader::net
