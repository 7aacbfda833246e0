#pragma once
// A forward HTTP proxy on 127.0.0.1 port 0 for the HttpsClient proxy tests. CONNECT host:port
// opens a tunnel (the proxy connects to the target and relays bytes both ways until either side
// closes); any other request (the absolute form a client sends for http:// through a proxy) is
// answered by the proxy itself with 200 and "proxied <target>", then closed. It records each
// request's method, target and Proxy-Authorization, can demand credentials (407 otherwise) or
// refuse every request with a status. Beast stays in the .cpp.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace autotrader::net::test {

struct ProxiedRequest {
  std::string method;
  std::string target;
  std::string proxy_authorization;  // "" when absent
};

struct LoopbackProxyOptions {
  std::string required_authorization;  // e.g. "Basic dXNlcjpwYXNz"; empty: anyone
  int refuse_with = 0;                 // e.g. 403 or 502: every request gets it; 0: serve
};

class LoopbackProxy {
 public:
  explicit LoopbackProxy(LoopbackProxyOptions options = {});
  ~LoopbackProxy();
  LoopbackProxy(const LoopbackProxy&) = delete;
  LoopbackProxy& operator=(const LoopbackProxy&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:<port>"
  std::vector<ProxiedRequest> requests() const;
  int connections_accepted() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace autotrader::net::test
