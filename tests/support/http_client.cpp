#include "tests/support/http_client.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace autotrader::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Runs one asynchronous operation to completion. The stream's expiry bounds it: a timeout
// completes it with beast::error::timeout, so run() always returns.
template <typename Start>
error_code run_op(asio::io_context& io, Start&& start) {
  error_code result = asio::error::would_block;
  start([&result](error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

error_code connect(asio::io_context& io, beast::tcp_stream& stream, std::uint16_t port,
                   Clock::time_point deadline) {
  stream.expires_at(deadline);
  const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), port};
  return run_op(io, [&](auto handler) { stream.async_connect(endpoint, std::move(handler)); });
}

HttpResult to_result(const http::response<http::string_body>& response) {
  HttpResult result;
  result.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    result.headers[lower(std::string{field.name_string()})] = std::string{field.value()};
  }
  result.body = response.body();
  return result;
}

HttpResult exchange(asio::io_context& io, beast::tcp_stream& stream, beast::flat_buffer& buffer,
                    const std::string& method, const std::string& target, const std::string& body,
                    const Headers& headers, bool keep_alive, Clock::time_point deadline) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(keep_alive);
  request.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT") request.prepare_payload();

  HttpResult result;
  stream.expires_at(deadline);
  if (auto ec = run_op(
          io, [&](auto handler) { http::async_write(stream, request, std::move(handler)); })) {
    result.error = "write: " + ec.message();
    return result;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  parser.skip(method == "HEAD");
  stream.expires_at(deadline);
  if (auto ec = run_op(io, [&](auto handler) {
        http::async_read(stream, buffer, parser, std::move(handler));
      })) {
    result.error = "read: " + ec.message();
    return result;
  }
  return to_result(parser.get());
}

}  // namespace

std::string HttpResult::header(const std::string& name) const {
  const auto found = headers.find(lower(name));
  return found == headers.end() ? std::string{} : found->second;
}

HttpResult http_get(std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds deadline) {
  return http_request(port, "GET", target, {}, {}, deadline);
}

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const Headers& headers,
                        std::chrono::milliseconds deadline) {
  HttpConnection connection{port, deadline};
  if (!connection.connected()) {
    HttpResult result;
    result.error = "connect failed";
    return result;
  }
  Headers with_close = headers;
  with_close.emplace("Connection", "close");
  return connection.request(method, target, body, with_close);
}

RawExchange raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds deadline, AfterWrite after) {
  RawExchange result;
  const auto started = Clock::now();
  const auto until = started + deadline;
  asio::io_context io{1};
  beast::tcp_stream stream{io};
  if (auto ec = connect(io, stream, port, until)) {
    result.error = "connect: " + ec.message();
    return result;
  }
  if (!bytes.empty()) {
    stream.expires_at(until);
    // The server may answer and close before it read everything (e.g. 431): keep reading.
    if (auto ec = run_op(io, [&](auto handler) {
          asio::async_write(stream, asio::buffer(bytes), std::move(handler));
        })) {
      result.error = "write: " + ec.message();
    }
  }
  if (after == AfterWrite::half_close) {
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
  std::array<char, 8192> chunk{};
  for (;;) {
    std::size_t got = 0;
    stream.expires_at(until);
    const error_code ec = run_op(io, [&](auto handler) {
      stream.async_read_some(asio::buffer(chunk),
                             [&got, handler](error_code read_ec, std::size_t n) mutable {
                               got = n;
                               handler(read_ec);
                             });
    });
    result.received.append(chunk.data(), got);
    if (!ec) continue;
    if (ec == beast::error::timeout) {
      result.timed_out = true;
    } else {
      result.closed = true;  // end of stream, or a reset
    }
    break;
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return result;
}

std::vector<HttpResult> parse_responses(const std::string& bytes) {
  std::vector<HttpResult> out;
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(boost::none);
    error_code ec;
    const std::size_t used =
        parser.put(asio::buffer(bytes.data() + offset, bytes.size() - offset), ec);
    if (ec || !parser.is_done()) {
      // A body delimited by the end of the stream is complete once the bytes end.
      if (ec == http::error::need_more) {
        parser.put_eof(ec);
        if (!ec && parser.is_done()) out.push_back(to_result(parser.get()));
      }
      break;
    }
    out.push_back(to_result(parser.get()));
    offset += used;
  }
  return out;
}

struct HttpConnection::Impl {
  asio::io_context io{1};
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  std::chrono::milliseconds deadline;
  bool connected = false;
};

HttpConnection::HttpConnection(std::uint16_t port, std::chrono::milliseconds deadline)
    : impl_{std::make_unique<Impl>()} {
  impl_->deadline = deadline;
  impl_->connected = !connect(impl_->io, impl_->stream, port, Clock::now() + deadline);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::connected() const {
  return impl_->connected;
}

HttpResult HttpConnection::request(const std::string& method, const std::string& target,
                                   const std::string& body, const Headers& headers) {
  const auto close = headers.find("Connection");
  const bool keep_alive = close == headers.end() || lower(close->second) != "close";
  return exchange(impl_->io, impl_->stream, impl_->buffer, method, target, body, headers,
                  keep_alive, Clock::now() + impl_->deadline);
}

bool HttpConnection::wait_closed(std::chrono::milliseconds deadline) {
  std::array<char, 4096> chunk{};
  const auto until = Clock::now() + deadline;
  for (;;) {
    impl_->stream.expires_at(until);
    const error_code ec = run_op(impl_->io, [&](auto handler) {
      impl_->stream.async_read_some(asio::buffer(chunk), std::move(handler));
    });
    if (!ec) continue;
    return ec != beast::error::timeout;
  }
}

void HttpConnection::close() {
  error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->stream.close();
}

}  // namespace autotrader::test
