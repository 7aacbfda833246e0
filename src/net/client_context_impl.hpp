#pragma once
// ClientContext's Asio side, shared by https_client.cpp and websocket_client.cpp only.
#include <optional>
#include <thread>

#include <openssl/ssl.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "net/client_context.hpp"

namespace autotrader::net {

class ClientContext::Impl {
 public:
  explicit Impl(const TlsOptions& tls);

  // Declared before io so that it outlives the handlers io destroys when it goes.
  boost::asio::ssl::context tls_context{boost::asio::ssl::context::tls_client};
  boost::asio::io_context io{1};
  bool verify_peer = true;
  std::optional<ClientError> tls_error;

  void start();
  void stop();

 private:
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

// Before a client TLS handshake with `host`: SNI (for names; RFC 6066 forbids it for address
// literals) and, when verifying, OpenSSL's own host-name or IP check, so a mismatch fails the
// handshake with a reason ("hostname mismatch") instead of a bare verification error.
void prepare_tls(SSL* ssl, const std::string& host, bool verify_peer);

// Why a client TLS handshake failed: the certificate verification error if there was one.
std::string tls_failure_reason(SSL* ssl, const boost::system::error_code& ec);

}  // namespace autotrader::net
