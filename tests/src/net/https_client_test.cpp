// HttpsClient against the fake Binance server (plain and TLS on one port) and against silent or
// absent peers: every outcome is a value delivered once, within its deadline.
#include "net/https_client.hpp"

#include <gtest/gtest.h>

#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/src/net/client_test_support.hpp"

namespace autotrader::net {
namespace {

using fakes::binance::FakeBinance;
using fakes::binance::FakeBinanceOptions;
using fakes::binance::Fault;
using std::chrono::milliseconds;
using test::Latch;

class NetHttpsClient : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeBinanceOptions options;
    options.tls = identity;
    fake = std::make_unique<FakeBinance>(options);
    auto error = fake->start();
    ASSERT_FALSE(error) << *error;
  }

  // Sends one request and waits for its callback.
  HttpResult get(HttpsClient& client, const std::string& url) {
    Latch<HttpResult> done;
    client.send(ClientRequest{"GET", url, {}, {}}, [&](HttpResult r) { done.set(std::move(r)); });
    auto result = done.wait();
    EXPECT_TRUE(result) << "no callback for " << url;
    return result ? *result : HttpResult{ClientError{client_errc::io_error, "no callback"}};
  }

  std::shared_ptr<ClientContext> trusting() {
    return std::make_shared<ClientContext>(TlsOptions{true, "", identity.certificate_pem});
  }

  fakes::binance::TlsIdentity identity = fakes::binance::make_self_signed_identity();
  std::unique_ptr<FakeBinance> fake;
};

const ClientResponse& response_of(const HttpResult& result) {
  static const ClientResponse none;
  if (auto* error = std::get_if<ClientError>(&result)) {
    ADD_FAILURE() << to_string(error->code) << ": " << error->message;
    return none;
  }
  return std::get<ClientResponse>(result);
}

client_errc error_of(const HttpResult& result) {
  if (auto* error = std::get_if<ClientError>(&result)) return error->code;
  ADD_FAILURE() << "expected an error, got status " << std::get<ClientResponse>(result).status
                << " with " << std::get<ClientResponse>(result).body.size() << " bytes";
  return client_errc::io_error;
}

TEST_F(NetHttpsClient, GetsOverVerifiedTlsWithStatusHeadersAndBody) {
  HttpsClient client{trusting()};
  auto result = get(client, fake->rest_base_url() + "/api/v3/time");
  const auto& response = response_of(result);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("serverTime"), std::string::npos);
  EXPECT_TRUE(response.header("x-mbx-used-weight-1m"));  // any case
  EXPECT_TRUE(response.header("X-MBX-USED-WEIGHT-1M"));
  auto requests = fake->requests_to("/api/v3/time");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].tls);
  EXPECT_EQ(requests[0].headers["user-agent"], "autotrader");
}

TEST_F(NetHttpsClient, DeliversErrorStatusesAsResponses) {
  HttpsClient client{trusting()};
  fake->fail_next("/api/v3/klines", Fault::too_many_requests(std::chrono::seconds{7}));
  auto result = get(client, fake->rest_base_url() + "/api/v3/klines?symbol=X&interval=1m");
  const auto& response = response_of(result);
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.header("Retry-After"), "7");
}

TEST_F(NetHttpsClient, PlainHttpWorksForLoopbackTests) {
  HttpsClient client{std::make_shared<ClientContext>()};
  std::string url = "http://127.0.0.1:" + std::to_string(fake->port()) + "/api/v3/ping";
  EXPECT_EQ(response_of(get(client, url)).status, 200);
}

TEST_F(NetHttpsClient, RefusesAnUntrustedCertificateByDefault) {
  HttpsClient client{std::make_shared<ClientContext>()};  // the system store only
  auto result = get(client, fake->rest_base_url() + "/api/v3/time");
  EXPECT_EQ(error_of(result), client_errc::tls_failed);
  EXPECT_NE(std::get<ClientError>(result).message.find("certificate"), std::string::npos)
      << std::get<ClientError>(result).message;
}

TEST_F(NetHttpsClient, ChecksTheHostName) {
  // The fake's certificate names localhost and 127.0.0.1. A TLS server with it on 127.0.0.2 (also
  // loopback on Linux) is trusted by its CA but not for that name.
  test::OneShotTlsServer server{"127.0.0.2", identity.certificate_pem, identity.private_key_pem};
  HttpsClient client{trusting()};
  auto result = get(client, "https://127.0.0.2:" + std::to_string(server.port()) + "/");
  EXPECT_EQ(error_of(result), client_errc::tls_failed);
  if (auto* error = std::get_if<ClientError>(&result)) {
    EXPECT_NE(error->message.find("mismatch"), std::string::npos) << error->message;
  }
}

TEST_F(NetHttpsClient, ReportsInvalidUrlsRefusedConnectionsAndResolveFailures) {
  HttpsClient client{std::make_shared<ClientContext>()};
  EXPECT_EQ(error_of(get(client, "ftp://x/")), client_errc::invalid_url);
  EXPECT_EQ(error_of(get(client, "ws://127.0.0.1:1/")), client_errc::invalid_url);
  EXPECT_EQ(error_of(get(client, "http://127.0.0.1:" + std::to_string(test::closed_port()) + "/")),
            client_errc::connect_failed);
  EXPECT_EQ(error_of(get(client, "http://no-such-host.invalid/")), client_errc::resolve_failed);
}

TEST_F(NetHttpsClient, TimesOutOnASilentServerAndAHangingTlsHandshake) {
  HttpClientOptions options;
  options.connect_timeout = milliseconds{300};
  options.first_byte_timeout = milliseconds{300};
  HttpsClient client{trusting(), options};
  fake->fail_next("/api/v3/time", Fault::go_silent());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(error_of(get(client, fake->rest_base_url() + "/api/v3/time")), client_errc::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{3});
  test::SilentListener silent;
  EXPECT_EQ(error_of(get(client, "https://127.0.0.1:" + std::to_string(silent.port()) + "/")),
            client_errc::timeout);
}

TEST_F(NetHttpsClient, TheTotalTimeoutBoundsEveryPhaseTogether) {
  HttpClientOptions options;
  options.read_timeout = milliseconds{5'000};
  options.total_timeout = milliseconds{300};
  HttpsClient client{trusting(), options};
  fake->fail_next("/api/v3/time", Fault::delay(milliseconds{2'000}));
  EXPECT_EQ(error_of(get(client, fake->rest_base_url() + "/api/v3/time")), client_errc::timeout);
}

TEST_F(NetHttpsClient, CapsTheResponseSize) {
  HttpClientOptions options;
  options.max_response_bytes = 1000;
  HttpsClient client{trusting(), options};
  fake->when("/api/v3/exchangeInfo").reply(200, std::string(5000, ' ') + "{}");
  EXPECT_EQ(error_of(get(client, fake->rest_base_url() + "/api/v3/exchangeInfo")),
            client_errc::too_large);
  EXPECT_EQ(response_of(get(client, fake->rest_base_url() + "/api/v3/time")).status, 200);
}

TEST_F(NetHttpsClient, ADroppedConnectionIsClosed) {
  HttpsClient client{trusting()};
  fake->fail_next("/api/v3/time", Fault::drop_connection());
  EXPECT_EQ(error_of(get(client, fake->rest_base_url() + "/api/v3/time")), client_errc::closed);
}

TEST_F(NetHttpsClient, CancelAndDestructionCallBackWithCancelled) {
  auto context = trusting();  // outlives the client, as it must for the callbacks to run
  auto client = std::make_unique<HttpsClient>(context);
  fake->fail_next("/api/v3/time", Fault::go_silent(), 2);
  Latch<HttpResult> first, second;
  auto id = client->send({"GET", fake->rest_base_url() + "/api/v3/time", {}, {}},
                         [&](HttpResult r) { first.set(std::move(r)); });
  client->send({"GET", fake->rest_base_url() + "/api/v3/time", {}, {}},
               [&](HttpResult r) { second.set(std::move(r)); });
  ASSERT_TRUE(fake->wait_for_requests("/api/v3/time", 2, milliseconds{5'000}));
  client->cancel(id);
  auto a = first.wait();
  ASSERT_TRUE(a);
  EXPECT_EQ(error_of(*a), client_errc::cancelled);
  client.reset();
  auto b = second.wait();
  ASSERT_TRUE(b);
  EXPECT_EQ(error_of(*b), client_errc::cancelled);
}

TEST(NetClientContext, KeepsABadCaFileAsAnError) {
  ClientContext context{TlsOptions{true, "/nonexistent/ca.pem", ""}};
  ASSERT_TRUE(context.tls_error());
  EXPECT_EQ(context.tls_error()->code, client_errc::tls_failed);
  EXPECT_NE(context.tls_error()->message.find("/nonexistent/ca.pem"), std::string::npos);
  EXPECT_FALSE(ClientContext{}.tls_error());
}

}  // namespace
}  // namespace autotrader::net
