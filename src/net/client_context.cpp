#include "net/client_context.hpp"

#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>

#include "core/log.hpp"
#include "net/client_context_impl.hpp"

namespace autotrader::net {

ClientContext::Impl::Impl(const TlsOptions& tls) : verify_peer{tls.verify_peer} {
  namespace ssl = boost::asio::ssl;
  boost::system::error_code ec;
  tls_context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                              ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                              ssl::context::no_tlsv1_1,
                          ec);
  tls_context.set_default_verify_paths(ec);
  if (ec) tls_error = ClientError{client_errc::tls_failed, "system CA store: " + ec.message()};
  if (!ec && !tls.ca_file.empty()) {
    tls_context.load_verify_file(tls.ca_file, ec);
    if (ec) tls_error = ClientError{client_errc::tls_failed, tls.ca_file + ": " + ec.message()};
  }
  if (!ec && !tls.ca_pem.empty()) {
    tls_context.add_certificate_authority(boost::asio::buffer(tls.ca_pem), ec);
    if (ec) tls_error = ClientError{client_errc::tls_failed, "extra CA PEM: " + ec.message()};
  }
  tls_context.set_verify_mode(verify_peer ? ssl::verify_peer : ssl::verify_none);
  if (tls_error) core::log::get("net")->error("TLS clients disabled: {}", tls_error->message);
}

void ClientContext::Impl::start() {
  work_.emplace(io.get_executor());
  thread_ = std::thread{[this] {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        // A callback threw; the operation it belonged to is gone, the others go on.
        core::log::get("net")->error("exception escaped to the client I/O loop: {}", e.what());
      }
    }
  }};
}

void ClientContext::Impl::stop() {
  if (!thread_.joinable()) return;
  work_.reset();
  io.stop();
  thread_.join();
}

void prepare_tls(SSL* ssl, const std::string& host, bool verify_peer) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  const bool is_address = !ec;
  if (!is_address) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (!verify_peer) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (is_address) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
}

std::string tls_failure_reason(SSL* ssl, const boost::system::error_code& ec) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) return X509_verify_cert_error_string(verify);
  return ec.message();
}

ClientContext::ClientContext(TlsOptions tls) : impl_{std::make_unique<Impl>(tls)} {
  impl_->start();
}

ClientContext::~ClientContext() {
  stop();
}

void ClientContext::stop() {
  impl_->stop();
}

const std::optional<ClientError>& ClientContext::tls_error() const {
  return impl_->tls_error;
}

}  // namespace autotrader::net
