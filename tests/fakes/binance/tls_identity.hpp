#pragma once
// A throwaway TLS identity for the fake: a self-signed certificate for "localhost" and
// 127.0.0.1, made in process with OpenSSL so tests need no files and no openssl CLI.
#include <string>

namespace autotrader::fakes::binance {

struct TlsIdentity {
  std::string certificate_pem;  // also the CA a client must trust
  std::string private_key_pem;
};

// EC P-256, valid from one hour ago for one day. Aborts (assert-level failure) only if OpenSSL
// itself cannot create a key, which means a broken installation.
TlsIdentity make_self_signed_identity();

}  // namespace autotrader::fakes::binance
