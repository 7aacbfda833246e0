#include "venues/binance/signing.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace autotrader::binance {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

constexpr char kUpperHex[] = "0123456789ABCDEF";
constexpr char kLowerHex[] = "0123456789abcdef";

}  // namespace

std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 0xF]);
    }
  }
  return out;
}

std::string hmac_sha256_hex(const core::Secret& key, std::string_view payload) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const std::string& secret = key.reveal();
  // HMAC() fails only on allocation failure or an unusable digest: neither is an input error.
  unsigned char* result = HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                               reinterpret_cast<const unsigned char*>(payload.data()),
                               payload.size(), digest.data(), &length);
  assert(result != nullptr && length == 32);
  (void)result;
  std::string hex(static_cast<std::size_t>(length) * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kLowerHex[digest[i] >> 4];
    hex[2 * i + 1] = kLowerHex[digest[i] & 0xF];
  }
  return hex;
}

namespace {

constexpr std::size_t kSha256Block = 64;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string to_hex(const unsigned char* digest, std::size_t length) {
  std::string hex(length * 2, '0');
  for (std::size_t i = 0; i < length; ++i) {
    hex[2 * i] = kLowerHex[digest[i] >> 4];
    hex[2 * i + 1] = kLowerHex[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace

struct HmacSha256Key::State {
  MdCtx inner{EVP_MD_CTX_new()};  // SHA-256 after (key ^ ipad)
  MdCtx outer{EVP_MD_CTX_new()};  // SHA-256 after (key ^ opad)
};

HmacSha256Key::HmacSha256Key(const core::Secret& key) {
  auto state = std::make_shared<State>();
  std::array<unsigned char, kSha256Block> block{};
  const std::string& secret = key.reveal();
  if (secret.size() > kSha256Block) {
    // A key longer than the block is hashed first (RFC 2104 §2).
    unsigned int length = 0;
    EVP_Digest(secret.data(), secret.size(), block.data(), &length, EVP_sha256(), nullptr);
  } else {
    std::copy(secret.begin(), secret.end(), block.begin());
  }
  std::array<unsigned char, kSha256Block> pad{};
  for (std::size_t i = 0; i < kSha256Block; ++i) pad[i] = block[i] ^ 0x36;
  const bool inner_ok = EVP_DigestInit_ex(state->inner.get(), EVP_sha256(), nullptr) == 1 &&
                        EVP_DigestUpdate(state->inner.get(), pad.data(), pad.size()) == 1;
  for (std::size_t i = 0; i < kSha256Block; ++i) pad[i] = block[i] ^ 0x5c;
  const bool outer_ok = EVP_DigestInit_ex(state->outer.get(), EVP_sha256(), nullptr) == 1 &&
                        EVP_DigestUpdate(state->outer.get(), pad.data(), pad.size()) == 1;
  // Fails only on allocation failure: not an input error.
  assert(inner_ok && outer_ok);
  (void)inner_ok;
  (void)outer_ok;
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  state_ = std::move(state);
}

std::string HmacSha256Key::hex(std::string_view part1, std::string_view part2) const {
  // One context per thread, reused: copying a precomputed state into it allocates nothing.
  thread_local MdCtx work{EVP_MD_CTX_new()};
  std::array<unsigned char, EVP_MAX_MD_SIZE> inner{};
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int inner_length = 0;
  unsigned int length = 0;
  const bool ok = EVP_MD_CTX_copy_ex(work.get(), state_->inner.get()) == 1 &&
                  EVP_DigestUpdate(work.get(), part1.data(), part1.size()) == 1 &&
                  EVP_DigestUpdate(work.get(), part2.data(), part2.size()) == 1 &&
                  EVP_DigestFinal_ex(work.get(), inner.data(), &inner_length) == 1 &&
                  EVP_MD_CTX_copy_ex(work.get(), state_->outer.get()) == 1 &&
                  EVP_DigestUpdate(work.get(), inner.data(), inner_length) == 1 &&
                  EVP_DigestFinal_ex(work.get(), digest.data(), &length) == 1;
  assert(ok && length == 32);
  (void)ok;
  return to_hex(digest.data(), length);
}

std::string sign_payload(const core::Secret& key, std::string_view query, std::string_view body) {
  if (body.empty()) return hmac_sha256_hex(key, query);
  std::string payload;
  payload.reserve(query.size() + body.size());
  payload.append(query).append(body);
  return hmac_sha256_hex(key, payload);
}

QueryBuilder& QueryBuilder::add(std::string_view name, std::string_view value) {
  if (!text_.empty()) text_.push_back('&');
  text_ += percent_encode(name);
  text_.push_back('=');
  text_ += percent_encode(value);
  return *this;
}

QueryBuilder& QueryBuilder::add(std::string_view name, std::int64_t value) {
  return add(name, std::string_view{std::to_string(value)});
}

QueryBuilder& QueryBuilder::add(std::string_view name, const core::Decimal& value) {
  return add(name, std::string_view{value.to_string()});
}

Expected<RequestSigner> RequestSigner::make(Credentials credentials, std::int64_t recv_window_ms) {
  if (credentials.api_key.empty()) {
    return make_error(errc::invalid_field, "signing: the API key is empty");
  }
  if (credentials.secret_key.empty()) {
    return make_error(errc::invalid_field, "signing: the secret key is empty");
  }
  if (recv_window_ms <= 0 || recv_window_ms > kMaxRecvWindowMs) {
    return make_error(errc::invalid_field, "signing: recvWindow " + std::to_string(recv_window_ms) +
                                               " ms is outside 1..60000");
  }
  return RequestSigner{std::move(credentials), recv_window_ms};
}

std::string RequestSigner::signed_query(const QueryBuilder& params, core::TimestampMs local_wall_ms,
                                        const ServerClock& clock, std::string_view body) const {
  QueryBuilder query = params;
  query.add("recvWindow", recv_window_ms_);
  query.add("timestamp", clock.to_server(local_wall_ms));
  std::string signature = key_.hex(query.str(), body);
  query.add("signature", std::string_view{signature});
  return query.str();
}

}  // namespace autotrader::binance
