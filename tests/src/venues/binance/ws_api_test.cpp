#include "venues/binance/ws_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace autotrader::binance {
namespace {

// Binance's published key pair (reference binance.md §7).
constexpr const char* kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
constexpr const char* kSecretKey =
    "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(BinanceWsApi, SignsThePublishedWebSocketApiVector) {
  // web-socket-api.md "SIGNED request example (HMAC)": the params in the request's order (not
  // sorted), plus a signature that must be left out of the payload.
  const Params params = {{"symbol", "BTCUSDT"},      {"side", "SELL"},
                         {"type", "LIMIT"},          {"timeInForce", "GTC"},
                         {"quantity", "0.01000000"}, {"price", "52000.00"},
                         {"recvWindow", "100"},      {"timestamp", "1645423376532"},
                         {"apiKey", kApiKey},        {"signature", "ignored"}};
  EXPECT_EQ(ws_api_signature(core::Secret{kSecretKey}, params),
            "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24");
}

TEST(BinanceWsApi, DoesNotPercentEncodeTheSignedValues) {
  // The WebSocket API signs the raw UTF-8 text; REST would sign %3A. The two must differ.
  const core::Secret secret{kSecretKey};
  EXPECT_EQ(ws_api_signature(secret, {{"b", "x:y"}, {"a", "1"}}),
            hmac_sha256_hex(secret, "a=1&b=x:y"));
  EXPECT_NE(ws_api_signature(secret, {{"b", "x:y"}, {"a", "1"}}),
            hmac_sha256_hex(secret, "a=1&b=x%3Ay"));
}

class BinanceWsApiSubscribe : public ::testing::Test {
 protected:
  RequestSigner signer_ =
      RequestSigner::make(Credentials{core::Secret{kApiKey}, core::Secret{kSecretKey}}, 6000)
          .value();
};

TEST_F(BinanceWsApiSubscribe, BuildsTheSignedSubscribeRequestInServerTime) {
  ServerClock clock;
  // The server is 1000 ms ahead of us.
  clock.update(1747385641636 + 1000, 1747385641636 - 5, 1747385641636 + 5);
  ASSERT_EQ(clock.offset_ms(), 1000);
  const std::string text = subscribe_signature_request("at-sub-1", signer_, clock, 1747385641636);

  // The members in Binance's documented order.
  EXPECT_EQ(text.rfind(R"({"id":"at-sub-1","method":"userDataStream.subscribe.signature",)"
                       R"("params":{"apiKey":")",
                       0),
            0u)
      << text;
  auto doc = nlohmann::json::parse(text);
  const auto& params = doc.at("params");
  EXPECT_EQ(params.size(), 4u);
  EXPECT_EQ(params.at("apiKey"), kApiKey);
  EXPECT_EQ(params.at("recvWindow"), 6000);
  EXPECT_EQ(params.at("timestamp"), 1747385642636);
  // What Binance verifies: the sorted, unencoded params without the signature.
  EXPECT_EQ(params.at("signature"),
            ws_api_signature(
                core::Secret{kSecretKey},
                {{"apiKey", kApiKey}, {"recvWindow", "6000"}, {"timestamp", "1747385642636"}}));
  EXPECT_EQ(text.find(kSecretKey), std::string::npos);
}

TEST_F(BinanceWsApiSubscribe, EscapesTheIdAsJson) {
  ServerClock clock;
  const std::string text = subscribe_signature_request("a\"b", signer_, clock, 1);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << text;
  EXPECT_EQ(doc.at("id"), "a\"b");
}

TEST(BinanceWsApiResponse, OkMeansA2xxStatus) {
  WsApiResponse response;
  response.status = 200;
  EXPECT_TRUE(response.ok());
  response.status = 400;
  EXPECT_FALSE(response.ok());
  response.status = 0;
  EXPECT_FALSE(response.ok());
}

}  // namespace
}  // namespace autotrader::binance
