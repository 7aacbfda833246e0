#include "venues/binance/signing.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace autotrader::binance {
namespace {

// Binance's published HMAC example keys (reference binance.md §7).
constexpr const char* kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
constexpr const char* kSecretKey =
    "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
constexpr const char* kVectorQuery =
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
    "timestamp=1499827319559";
constexpr const char* kVectorSignature =
    "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

core::Secret secret() {
  return core::Secret{kSecretKey};
}

RequestSigner signer(std::int64_t recv_window = kDefaultRecvWindowMs) {
  auto made = RequestSigner::make(Credentials{core::Secret{kApiKey}, secret()}, recv_window);
  EXPECT_TRUE(made.ok());
  return std::move(made).value();
}

QueryBuilder vector_params() {
  QueryBuilder params;
  params.add("symbol", "LTCBTC")
      .add("side", "BUY")
      .add("type", "LIMIT")
      .add("timeInForce", "GTC")
      .add("quantity", *core::Decimal::parse("1.00000000"))
      .add("price", *core::Decimal::parse("0.1"));
  return params;
}

TEST(BinanceSigning, MatchesThePublishedQueryStringVector) {
  EXPECT_EQ(hmac_sha256_hex(secret(), kVectorQuery), kVectorSignature);
  EXPECT_EQ(sign_payload(secret(), kVectorQuery, ""), kVectorSignature);
}

TEST(BinanceSigning, ThePrecomputedKeyGivesThePublishedSignatures) {
  const HmacSha256Key key{secret()};
  EXPECT_EQ(key.hex(kVectorQuery), kVectorSignature);
  // Query + body in two parts, as RequestSigner passes them.
  EXPECT_EQ(key.hex("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
                    "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"),
            "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
  // Reused: the precomputed states are not consumed by a signature.
  EXPECT_EQ(key.hex(kVectorQuery), kVectorSignature);
  // Keys of every length agree with the one-shot HMAC, a key longer than SHA-256's 64-byte
  // block (hashed first, RFC 2104) and an empty one included.
  for (std::size_t length : {0u, 1u, 63u, 64u, 65u, 200u}) {
    const core::Secret long_key{std::string(length, 'k')};
    EXPECT_EQ(HmacSha256Key{long_key}.hex(kVectorQuery), hmac_sha256_hex(long_key, kVectorQuery))
        << length;
  }
}

TEST(BinanceSigning, MatchesThePublishedNonAsciiVector) {
  // The symbol １２３４５６ (full-width digits, UTF-8) percent-encoded before signing.
  const std::string symbol =
      "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96";
  EXPECT_EQ(percent_encode(symbol), "%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96");
  QueryBuilder params;
  params.add("symbol", symbol)
      .add("side", "BUY")
      .add("type", "LIMIT")
      .add("timeInForce", "GTC")
      .add("quantity", std::int64_t{1})
      .add("price", "0.1")
      .add("recvWindow", std::int64_t{5000})
      .add("timestamp", std::int64_t{1499827319559});
  EXPECT_EQ(hmac_sha256_hex(secret(), params.str()),
            "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3");
}

TEST(BinanceSigning, SignsQueryAndBodyConcatenatedWithoutSeparator) {
  const std::string query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
  const std::string body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
  EXPECT_EQ(sign_payload(secret(), query, body),
            "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
  // With the '&' a naive join would add, the signature differs: the rule is "no separator".
  EXPECT_NE(sign_payload(secret(), query + "&", body),
            "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
}

TEST(BinanceSigning, TheWebSocketApiVectorIsThePlainHmacOfItsSortedPayload) {
  EXPECT_EQ(
      hmac_sha256_hex(secret(),
                      "apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&"
                      "price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol="
                      "BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT"),
      "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24");
}

TEST(BinanceSigning, SignedQueryAppendsRecvWindowServerTimestampAndSignature) {
  ServerClock clock;
  // Our clock runs 1000 ms behind the server's: the timestamp sent is in server time.
  clock.update(1499827319559 + 1000, 1499827319559 - 10, 1499827319559 + 10);
  EXPECT_EQ(clock.offset_ms(), 1000);
  const std::string query = signer().signed_query(vector_params(), 1499827319559 - 1000, clock);
  EXPECT_EQ(query, std::string{kVectorQuery} + "&signature=" + kVectorSignature);
}

TEST(BinanceSigning, SignedQueryWithBodyCoversBoth) {
  ServerClock clock;  // unsynced: offset 0
  QueryBuilder params;
  params.add("symbol", "LTCBTC");
  const std::string body = "quantity=1";
  const std::string query = signer(60'000).signed_query(params, 42, clock, body);
  const std::string unsigned_part = "symbol=LTCBTC&recvWindow=60000&timestamp=42";
  ASSERT_EQ(query.rfind(unsigned_part, 0), 0u) << query;
  EXPECT_EQ(query.substr(unsigned_part.size()),
            "&signature=" + sign_payload(secret(), unsigned_part, body));
}

TEST(BinanceSigning, QueryBuilderKeepsInsertionOrderAndEncodes) {
  QueryBuilder params;
  params.add("z", "1").add("a", "x y&z=/").add("n", std::int64_t{-5});
  EXPECT_EQ(params.str(), "z=1&a=x%20y%26z%3D%2F&n=-5");
  EXPECT_EQ(percent_encode("Az09-_.~"), "Az09-_.~");
  QueryBuilder decimals;
  decimals.add("q", *core::Decimal::parse("0.00100000")).add("p", *core::Decimal::parse("50000"));
  EXPECT_EQ(decimals.str(), "q=0.001&p=50000");
}

TEST(BinanceSigning, RefusesBadRecvWindowsAndEmptyKeys) {
  for (std::int64_t window : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{60'001}}) {
    auto made = RequestSigner::make(Credentials{core::Secret{kApiKey}, secret()}, window);
    ASSERT_FALSE(made.ok()) << window;
    EXPECT_EQ(made.error().code, errc::invalid_field);
  }
  EXPECT_TRUE(RequestSigner::make(Credentials{core::Secret{kApiKey}, secret()}, 60'000).ok());
  EXPECT_EQ(signer().recv_window_ms(), 5'000);
  EXPECT_FALSE(RequestSigner::make(Credentials{core::Secret{}, secret()}).ok());
  EXPECT_FALSE(RequestSigner::make(Credentials{core::Secret{kApiKey}, core::Secret{}}).ok());
}

TEST(BinanceSigning, TheSecretNeverAppearsInOutputOrErrors) {
  std::vector<std::string> texts;
  for (std::int64_t window : {std::int64_t{0}, std::int64_t{70'000}}) {
    auto made = RequestSigner::make(Credentials{core::Secret{kApiKey}, secret()}, window);
    ASSERT_FALSE(made.ok());
    texts.push_back(made.error().message);
  }
  texts.push_back(RequestSigner::make(Credentials{core::Secret{}, secret()}).error().message);
  ServerClock clock;
  RequestSigner s = signer();
  texts.push_back(s.signed_query(vector_params(), 1, clock));
  std::ostringstream printed;
  printed << s.api_key();
  texts.push_back(printed.str());
  texts.push_back(fmt::format("{}", s.api_key()));
  for (const std::string& text : texts) {
    EXPECT_EQ(text.find(kSecretKey), std::string::npos) << text;
    EXPECT_EQ(text.find(kApiKey), std::string::npos) << text;
  }
  // The header value is the API key itself, for the transport only.
  EXPECT_EQ(s.api_key().reveal(), kApiKey);
  EXPECT_EQ(kApiKeyHeader, "X-MBX-APIKEY");
}

}  // namespace
}  // namespace autotrader::binance
