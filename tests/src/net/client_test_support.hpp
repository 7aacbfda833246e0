#pragma once
// Helpers for the outbound-client tests: waiting for a callback from the client I/O thread with a
// deadline (never a sleep), and loopback listeners that accept TCP but never answer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

namespace autotrader::net::test {

inline constexpr std::chrono::seconds kWait{10};

// A value set once from another thread.
template <class T>
class Latch {
 public:
  void set(T value) {
    std::lock_guard lock{mutex_};
    if (!value_) value_ = std::move(value);
    cv_.notify_all();
  }
  // The value, or nullopt after `timeout`.
  std::optional<T> wait(std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock{mutex_};
    cv_.wait_for(lock, timeout, [&] { return value_.has_value(); });
    return value_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<T> value_;
};

// Listens on 127.0.0.1 (the kernel completes TCP handshakes into the backlog) and never reads or
// writes: a peer that hangs in every later phase (TLS, HTTP, WebSocket upgrade).
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// Accepts one TLS connection on `address` with the given identity, runs the server side of the
// handshake (whatever its outcome) and closes. For certificate checks of the client.
class OneShotTlsServer {
 public:
  OneShotTlsServer(const std::string& address, const std::string& cert_pem,
                   const std::string& key_pem)
      : acceptor_{io_, {boost::asio::ip::make_address(address), 0}} {
    tls_.use_certificate_chain(boost::asio::buffer(cert_pem));
    tls_.use_private_key(boost::asio::buffer(key_pem), boost::asio::ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread{[this] {
      boost::system::error_code ec;
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream{io_, tls_};
      acceptor_.accept(stream.next_layer(), ec);
      if (!ec) stream.handshake(boost::asio::ssl::stream_base::server, ec);
    }};
  }
  ~OneShotTlsServer() {
    // If no client came, accept() still blocks (closing the socket would not wake it): connect
    // and hang up, which also ends the handshake at once.
    boost::system::error_code ignored;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket wake{io};
    wake.connect(acceptor_.local_endpoint(), ignored);
    wake.close(ignored);
    thread_.join();
  }
  OneShotTlsServer(const OneShotTlsServer&) = delete;
  OneShotTlsServer& operator=(const OneShotTlsServer&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_server};
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// A port nothing listens on: bound, then closed.
inline std::uint16_t closed_port() {
  SilentListener listener;
  return listener.port();
}

}  // namespace autotrader::net::test
