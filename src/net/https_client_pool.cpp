#include "net/https_client_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/error.hpp>

namespace autotrader::net::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

void PooledConnection::close() {
  error_code ignored;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

bool PooledConnection::looks_open() {
  if (!socket().is_open()) return false;
  char byte = 0;
  auto n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::shared_ptr<PooledConnection> ConnectionPool::take(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  std::shared_ptr<PooledConnection> found;
  const auto now = Clock::now();
  while (!list.empty() && !found) {
    auto connection = std::move(list.back());
    list.pop_back();
    unpark(*connection);
    // The watch may not have run yet for a close that has already arrived: look again.
    if (now - connection->idle_since < idle_timeout_ && connection->looks_open()) {
      found = std::move(connection);
    } else {
      connection->close();
    }
  }
  if (list.empty()) idle_.erase(it);
  return found;
}

void ConnectionPool::park(std::shared_ptr<PooledConnection> connection, const std::string& key) {
  if (!enabled()) return connection->close();
  auto& list = idle_[key];
  if (list.size() >= max_idle_per_key_) {
    auto oldest = std::move(list.front());
    list.pop_front();
    unpark(*oldest);
    oldest->close();
  }
  connection->key = key;
  connection->parked = true;
  ++connection->epoch;
  connection->idle_since = Clock::now();
  list.push_back(connection);
  ++counters.idle;
  watch(connection);
}

void ConnectionPool::clear() {
  for (auto& [key, list] : idle_) {
    for (auto& connection : list) {
      unpark(*connection);
      connection->close();
    }
  }
  idle_.clear();
}

void ConnectionPool::watch(const std::shared_ptr<PooledConnection>& connection) {
  auto epoch = connection->epoch;
  auto on_event = [weak = weak_from_this(), connection, epoch](const error_code& ec) {
    if (ec == asio::error::operation_aborted) return;  // taken, retired or shut down
    if (auto pool = weak.lock()) pool->retire(connection, epoch);
  };
  // Readable while idle means closed, reset or unsolicited bytes; waiting reads nothing, so TLS
  // state is untouched.
  connection->socket().async_wait(tcp::socket::wait_read, on_event);
  connection->idle_timer.expires_after(idle_timeout_);
  connection->idle_timer.async_wait(on_event);
}

void ConnectionPool::retire(const std::shared_ptr<PooledConnection>& connection,
                            std::uint64_t epoch) {
  if (!connection->parked || connection->epoch != epoch) return;
  auto it = idle_.find(connection->key);
  if (it != idle_.end()) {
    auto& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), connection), list.end());
    if (list.empty()) idle_.erase(it);
  }
  unpark(*connection);
  connection->close();
}

void ConnectionPool::unpark(PooledConnection& connection) {
  if (!connection.parked) return;
  connection.parked = false;
  ++connection.epoch;
  --counters.idle;
  connection.idle_timer.cancel();
  error_code ignored;
  connection.socket().cancel(ignored);  // the readability watch
}

}  // namespace autotrader::net::detail
