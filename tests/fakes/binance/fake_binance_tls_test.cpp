// The fake with a TLS identity: https and wss with a verified certificate, and plain http on the
// same port.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "tests/fakes/binance/fake_binance_fixture.hpp"
#include "tests/fakes/binance/ws_test_client.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::fakes::binance::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct HttpsResult {
  int status = 0;
  std::string body;
  std::string error;
};

// One verified HTTPS GET to 127.0.0.1:port, trusting only `ca_pem`.
HttpsResult https_get(std::uint16_t port, const std::string& target, const std::string& ca_pem) {
  HttpsResult result;
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  beast::error_code ec;
  ctx.add_certificate_authority(asio::buffer(ca_pem), ec);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
  stream.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(kWait);
  tcp.connect(asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), port}, ec);
  if (!ec) stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) {
    result.error = "connect/handshake: " + ec.message();
    return result;
  }
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(stream, buffer, response, ec);
  if (ec) {
    result.error = "exchange: " + ec.message();
    return result;
  }
  result.status = response.result_int();
  result.body = response.body();
  return result;
}

class FakeBinanceTls : public FakeBinanceFixture {
 protected:
  void SetUp() override {
    FakeBinanceOptions options;
    options.tls = identity;
    start(options);
  }
  TlsIdentity identity = make_self_signed_identity();
};

TEST_F(FakeBinanceTls, HttpsAndPlainHttpOnOnePort) {
  EXPECT_TRUE(fake->tls());
  EXPECT_EQ(fake->rest_base_url(), "https://127.0.0.1:" + std::to_string(fake->port()));
  EXPECT_EQ(fake->ws_base_url(), "wss://127.0.0.1:" + std::to_string(fake->port()));
  auto secure = https_get(fake->port(), "/api/v3/time", identity.certificate_pem);
  ASSERT_TRUE(secure.error.empty()) << secure.error;
  EXPECT_EQ(secure.status, 200);
  EXPECT_EQ(nlohmann::json::parse(secure.body)["serverTime"], kStart);
  EXPECT_EQ(autotrader::test::http_get(fake->port(), "/api/v3/ping").status, 200);
  auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[0].tls);
  EXPECT_FALSE(requests[1].tls);
}

TEST_F(FakeBinanceTls, AClientTrustingAnotherCertificateIsRefused) {
  auto stranger = make_self_signed_identity();
  auto refused = https_get(fake->port(), "/api/v3/time", stranger.certificate_pem);
  EXPECT_FALSE(refused.error.empty());
  EXPECT_TRUE(fake->requests().empty());
}

TEST_F(FakeBinanceTls, SecureWebSocketStream) {
  const std::string stream = "btcusdt@kline_1m";
  WsTestClient client{fake->port(), "/stream?streams=" + stream, identity.certificate_pem};
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(fake->ws().wait_until_subscribed(stream, kWait));
  EXPECT_TRUE(fake->ws().connections().at(0).tls);
  fake->advance_to(kStart + kMinute);
  auto frame = client.read_until_contains(R"("x":true)");
  ASSERT_TRUE(frame);
  EXPECT_EQ(nlohmann::json::parse(*frame)["data"]["k"]["t"], data_set()[100].open_time);
}

}  // namespace
}  // namespace autotrader::fakes::binance::test
