#pragma once
// A small synchronous HTTP/1.1 client for tests of our HTTP servers, with a deadline on every
// call (never a sleep). Also raw byte exchanges for tests that send what no real client would:
// garbage, oversized headers, half requests. Beast stays inside http_client.cpp.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace autotrader::test {

struct HttpResult {
  int status = 0;                              // 0 when the exchange failed
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // why the exchange failed; empty on success

  bool ok() const { return error.empty(); }
  // The value of a header ("" when absent); `name` in any case.
  std::string header(const std::string& name) const;
};

using Headers = std::map<std::string, std::string>;
inline constexpr std::chrono::milliseconds kDefaultDeadline{5000};

// One request on a fresh connection to 127.0.0.1:port (with "Connection: close").
HttpResult http_get(std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds deadline = kDefaultDeadline);
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = {}, const Headers& headers = {},
                        std::chrono::milliseconds deadline = kDefaultDeadline);

struct RawExchange {
  std::string received;
  bool closed = false;     // the server closed (end of stream or reset) before the deadline
  bool timed_out = false;  // the deadline passed first
  std::chrono::milliseconds elapsed{0};  // from connect to close or deadline
  std::string error;                     // connect failure, or a write the server cut short
};

enum class AfterWrite {
  keep_open,   // wait with the write side open, like a slow or stalled client
  half_close,  // shut down the write side, so the server sees the end of the request stream
};

// Connects, writes `bytes` (possibly empty), then reads until the server closes or the deadline.
RawExchange raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds deadline,
                         AfterWrite after = AfterWrite::keep_open);

// Splits bytes received from a server into consecutive responses (answers to pipelined
// requests); stops at the first incomplete or unparsable one.
std::vector<HttpResult> parse_responses(const std::string& bytes);

// One kept-alive connection for several requests in turn.
class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port,
                          std::chrono::milliseconds deadline = kDefaultDeadline);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const;
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = {}, const Headers& headers = {});
  // True when the server closes the connection before the deadline.
  bool wait_closed(std::chrono::milliseconds deadline);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace autotrader::test
