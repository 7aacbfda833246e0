#pragma once
// Binance's SIGNED REST requests (reference binance.md §2, §7): the parameter string, its
// HMAC-SHA256 signature over `query + body`, recvWindow and the timestamp in server time, and the
// X-MBX-APIKEY header value. Pure: time is an argument, nothing here does I/O. The secret key is a
// core::Secret; it is used only as the HMAC key and never appears in a result or an error text.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "core/secret.hpp"
#include "venues/binance/endpoints.hpp"
#include "venues/binance/errc.hpp"

namespace autotrader::binance {

inline constexpr std::int64_t kDefaultRecvWindowMs = 5'000;
inline constexpr std::int64_t kMaxRecvWindowMs = 60'000;
inline constexpr std::string_view kApiKeyHeader = "X-MBX-APIKEY";

// Percent-encoding of a parameter name or value: RFC 3986 unreserved characters
// (A-Z a-z 0-9 - _ . ~) stay, every other byte becomes %XX with upper-case hex, so a UTF-8
// symbol becomes the %EF%BC%91... of Binance's non-ASCII vector. Binance verifies the signature
// over the string as sent, so any consistent encoding verifies; this one leaves every value we
// send (symbols, decimals, client ids, enum names) unchanged.
std::string percent_encode(std::string_view text);

// HMAC-SHA256 of `payload` keyed with the secret, as 64 lower-case hex digits.
std::string hmac_sha256_hex(const core::Secret& key, std::string_view payload);

// The signature Binance expects: HMAC-SHA256 over the query string concatenated to the body
// without a separator (either may be empty).
std::string sign_payload(const core::Secret& key, std::string_view query, std::string_view body);

// HMAC-SHA256 with the key's inner and outer hash states computed once (RFC 2104 §4): each
// signature then costs the two hashes over the message only, not the key schedule and the
// digest lookup of a one-shot HMAC() call. Immutable; concurrent hex() calls are safe.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(const core::Secret& key);
  // HMAC of part1 followed by part2 (Binance signs query + body), 64 lower-case hex digits.
  std::string hex(std::string_view part1, std::string_view part2 = {}) const;

  struct State;

 private:
  std::shared_ptr<const State> state_;
};

// `name=value` pairs joined by '&' in insertion order (Binance does not sort REST parameters),
// each part percent-encoded. A plain value type.
class QueryBuilder {
 public:
  QueryBuilder& add(std::string_view name, std::string_view value);
  QueryBuilder& add(std::string_view name, std::int64_t value);
  // The exact decimal in its shortest form ("0.001", "42"): no exponent, no padding.
  QueryBuilder& add(std::string_view name, const core::Decimal& value);

  const std::string& str() const { return text_; }
  bool empty() const { return text_.empty(); }

 private:
  std::string text_;
};

struct Credentials {
  core::Secret api_key;     // sent as the X-MBX-APIKEY header
  core::Secret secret_key;  // the HMAC key; never sent
};

// Signs requests for one account. Holds the credentials and the recvWindow; immutable after
// make(), so one instance may be shared by readers on any thread.
class RequestSigner {
 public:
  // Refuses empty keys and a recvWindow outside 1..60000 ms. Error texts never hold a key.
  static Expected<RequestSigner> make(Credentials credentials,
                                      std::int64_t recv_window_ms = kDefaultRecvWindowMs);

  // `params` followed by recvWindow, timestamp (= clock.to_server(local_wall_ms)) and signature,
  // the signature covering the resulting query and `body`. The body, when used, is sent as
  // application/x-www-form-urlencoded and is not changed here.
  std::string signed_query(const QueryBuilder& params, core::TimestampMs local_wall_ms,
                           const ServerClock& clock, std::string_view body = {}) const;

  // The X-MBX-APIKEY header value; only the transport reads it.
  const core::Secret& api_key() const { return credentials_.api_key; }
  std::int64_t recv_window_ms() const { return recv_window_ms_; }

 private:
  RequestSigner(Credentials credentials, std::int64_t recv_window_ms)
      : credentials_{std::move(credentials)},
        key_{credentials_.secret_key},
        recv_window_ms_{recv_window_ms} {}

  Credentials credentials_;
  HmacSha256Key key_;  // the secret's HMAC pad states, computed once
  std::int64_t recv_window_ms_;
};

}  // namespace autotrader::binance
