#pragma once
// HttpsClient's kept-alive connections: private to https_client.cpp and https_client_pool.cpp.
//
// A Connection is one TCP (or TLS over TCP) stream that requests are written on, one at a time.
// The ConnectionPool keeps the idle ones per key (scheme + host + port + proxy), at most
// max_idle_per_key each and for at most idle_timeout, and drops one as soon as it becomes
// readable while idle: a server that closes an idle connection (FIN, reset, TLS close_notify)
// or sends bytes nobody asked for has made it useless. Everything here runs on the
// ClientContext's I/O thread; the counters alone are read from other threads.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "net/client_context_impl.hpp"

namespace autotrader::net::detail {

using Clock = std::chrono::steady_clock;

class PooledConnection {
 public:
  explicit PooledConnection(boost::asio::io_context& io) : idle_timer{io} {}
  virtual ~PooledConnection() = default;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;

  virtual boost::asio::ip::tcp::socket& socket() = 0;
  // Shuts the socket down and closes it (the peer sees the connection end at once); every
  // operation pending on it completes with operation_aborted.
  void close();
  // False when the peer has closed, reset or written to the connection (checked without
  // blocking or consuming anything).
  bool looks_open();

  // Pool bookkeeping, touched by ConnectionPool only. `epoch` changes whenever the connection is
  // parked or taken, so a watch handler of an earlier idle period knows it is stale.
  std::string key;
  bool parked = false;
  std::uint64_t epoch = 0;
  Clock::time_point idle_since;
  boost::asio::steady_timer idle_timer;
};

template <bool Tls>
class Connection final : public PooledConnection {
 public:
  using Stream = std::conditional_t<Tls, boost::beast::ssl_stream<boost::beast::tcp_stream>,
                                    boost::beast::tcp_stream>;

  explicit Connection(ClientContext::Impl& context)
      : PooledConnection{context.io}, stream{make_stream(context)} {}

  boost::asio::ip::tcp::socket& socket() override {
    return boost::beast::get_lowest_layer(stream).socket();
  }

  Stream stream;

 private:
  static Stream make_stream(ClientContext::Impl& context) {
    if constexpr (Tls) {
      return Stream{context.io, context.tls_context};
    } else {
      return Stream{context.io};
    }
  }
};

struct PoolCounters {
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> reused{0};
  std::atomic<std::uint64_t> stale_retries{0};
  std::atomic<std::uint64_t> idle{0};
};

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  ConnectionPool(std::size_t max_idle_per_key, std::chrono::milliseconds idle_timeout)
      : max_idle_per_key_{max_idle_per_key}, idle_timeout_{idle_timeout} {}

  bool enabled() const { return max_idle_per_key_ > 0 && idle_timeout_.count() > 0; }

  // The most recently parked idle connection for `key` that is still open and not expired, or
  // nullptr. Connections found closed or expired on the way are closed.
  std::shared_ptr<PooledConnection> take(const std::string& key);
  // Keeps an idle connection that has finished a response cleanly; the oldest of its key goes
  // when the key is full.
  void park(std::shared_ptr<PooledConnection> connection, const std::string& key);
  // Closes every idle connection.
  void clear();

  PoolCounters counters;

 private:
  void watch(const std::shared_ptr<PooledConnection>& connection);
  void retire(const std::shared_ptr<PooledConnection>& connection, std::uint64_t epoch);
  void unpark(PooledConnection& connection);

  std::size_t max_idle_per_key_;
  std::chrono::milliseconds idle_timeout_;
  // Oldest first; taken from the back (the most recently used is the least likely to have been
  // closed by the server's own idle timeout).
  std::unordered_map<std::string, std::deque<std::shared_ptr<PooledConnection>>> idle_;
};

}  // namespace autotrader::net::detail
