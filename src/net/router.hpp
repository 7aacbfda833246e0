#pragma once
// Exact-path routing table of the HTTP server. Filled before the server starts and read-only
// afterwards, so the I/O thread reads it without a lock.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_message.hpp"

namespace autotrader::net {

// The metric label of a request that matched no registered path: labels must stay bounded, so
// the raw path never becomes one.
inline constexpr const char* kUnmatchedRoute = "unmatched";

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed };
  Kind kind = Kind::not_found;
  const Handler* handler = nullptr;     // set when found
  std::string route = kUnmatchedRoute;  // the registered path, or kUnmatchedRoute
  std::string allow;                    // for method_not_allowed: "GET, HEAD, POST"
};

class Router {
 public:
  // `method` is upper-cased; registering the same method and path again replaces the handler.
  void add(std::string method, std::string path, Handler handler);
  // A HEAD request matches the GET handler of its path when no HEAD handler is registered.
  RouteMatch match(std::string_view method, const std::string& path) const;
  // Every registered path, sorted: the bounded set of route labels.
  std::vector<std::string> paths() const;

 private:
  std::map<std::string, std::map<std::string, Handler>> routes_;  // path -> method -> handler
};

}  // namespace autotrader::net
