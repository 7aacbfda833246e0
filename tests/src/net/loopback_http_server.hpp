#pragma once
// A scriptable HTTP/1.1 server on 127.0.0.1 port 0 (plain or TLS) for the HttpsClient tests of
// connection handling: each request is recorded with the connection it came on and answered as
// the script says (a reply, keep-alive or not, raw bytes, silence, a close without a reply, a
// reply held back until enough requests have arrived). It counts the connections it accepted and
// saw end, and every wait takes a deadline (never a sleep). Beast stays in the .cpp.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/fakes/binance/tls_identity.hpp"

namespace autotrader::net::test {

struct ServedRequest {
  int connection = 0;  // in accept order, from 0
  int index = 0;       // its position on that connection, from 0
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string sni;  // the TLS server name the client sent; "" for none or plain HTTP
};

struct Answer {
  enum class Kind {
    reply,  // a response (then, unless it ends the connection, read the next request)
    hold,   // never answer; keep reading until the client closes
    close,  // close the connection without answering
  };
  Kind kind = Kind::reply;
  int status = 200;
  std::string body = "ok";
  std::vector<std::pair<std::string, std::string>> headers;
  unsigned version = 11;
  bool keep_alive = true;    // false: "Connection: close" (on 1.1; 1.0 says nothing) and close
  bool close_after = false;  // close after the reply although it announced keep-alive
  std::string raw;           // when set, these bytes instead of a response built from the above
  bool hold_after = false;   // after writing (raw: a partial response), stay silent
  // Reply only once this many requests have arrived in all (for concurrent requests).
  std::size_t after_requests = 0;

  static Answer ok(std::string body = "ok") {
    Answer answer;
    answer.body = std::move(body);
    return answer;
  }
  static Answer silent() {
    Answer answer;
    answer.kind = Kind::hold;
    return answer;
  }
  static Answer hang_up() {
    Answer answer;
    answer.kind = Kind::close;
    return answer;
  }
};

using Script = std::function<Answer(const ServedRequest&)>;

class LoopbackHttpServer {
 public:
  // With a TLS identity the server speaks only TLS (certificate for localhost and 127.0.0.1).
  explicit LoopbackHttpServer(Script script,
                              std::optional<fakes::binance::TlsIdentity> tls = std::nullopt);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  std::uint16_t port() const;
  // "http(s)://<host>:<port><target>".
  std::string url(const std::string& target = "/", const std::string& host = "127.0.0.1") const;

  int connections_accepted() const;
  int connections_ended() const;  // closed by either side, as the server saw it
  std::vector<ServedRequest> requests() const;

  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout);
  bool wait_for_ended(int n, std::chrono::milliseconds timeout);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace autotrader::net::test
