#pragma once
// What the outbound clients (HttpsClient, WebSocketClient) share: one I/O thread and the TLS
// settings. TLS always verifies the peer against the system CA store and the host name unless
// told otherwise; extra CAs (a test server's self-signed certificate, a corporate bundle) can be
// added but verification is never off by default.
//
// Every client callback runs on this context's I/O thread; it must be quick and never block
// (actors: anon_send and return). The Asio implementation is in client_context.cpp: this header
// pulls in no Boost.
#include <memory>
#include <optional>
#include <string>

#include "net/client_error.hpp"

namespace autotrader::net {

struct TlsOptions {
  bool verify_peer = true;
  std::string ca_file;  // an extra PEM bundle to trust, in addition to the system store
  std::string ca_pem;   // extra PEM text to trust (tests: a fake server's certificate)
};

class ClientContext {
 public:
  // Starts the I/O thread. Never throws: a CA that cannot be loaded is kept as tls_error(), and
  // every TLS connection then fails with it (plain connections still work).
  explicit ClientContext(TlsOptions tls = {});
  ~ClientContext();  // stop()
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  // Stops the I/O thread and joins it; operations still pending end without their callbacks.
  // Idempotent. Never from a client callback (it would join its own thread).
  void stop();

  const std::optional<ClientError>& tls_error() const;

  class Impl;  // defined in client_context_impl.hpp, for the clients' .cpp files
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace autotrader::net
