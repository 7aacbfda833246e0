// HttpsClient through a loopback forward proxy: https:// by a CONNECT tunnel with TLS (SNI and
// verification) end to end with the target, http:// in absolute form, credentials sent to the
// proxy only and never shown, refusals and an absent proxy named clearly, NO_PROXY bypassing it.
#include <gtest/gtest.h>

#include "net/https_client.hpp"
#include "tests/src/net/https_client_test_support.hpp"
#include "tests/src/net/loopback_http_server.hpp"
#include "tests/src/net/loopback_proxy.hpp"

namespace autotrader::net {
namespace {

using std::chrono::milliseconds;
using test::Answer;
using test::LoopbackHttpServer;
using test::LoopbackProxy;
using test::LoopbackProxyOptions;
using test::ServedRequest;

constexpr milliseconds kWait{10'000};
// base64("user:pass")
constexpr const char* kUserPass = "Basic dXNlcjpwYXNz";

Answer always_ok(const ServedRequest&) {
  return Answer::ok();
}

class NetHttpsProxy : public ::testing::Test {
 protected:
  // Options that send https:// (and http://) through `proxy_url` (credentials allowed).
  static HttpClientOptions via(const std::string& proxy_url,
                               std::vector<std::string> no_proxy = {}) {
    auto env = proxy_from_environment({{"HTTPS_PROXY", proxy_url}, {"HTTP_PROXY", proxy_url}});
    EXPECT_TRUE(env.errors.empty());
    HttpClientOptions options;
    options.proxy = env.options;
    options.proxy.no_proxy = std::move(no_proxy);
    options.proxy.direct_to_loopback = false;  // the proxy and the targets are all on loopback
    return options;
  }

  static std::string with_credentials(const LoopbackProxy& proxy, const std::string& userinfo) {
    return "http://" + userinfo + "@127.0.0.1:" + std::to_string(proxy.port());
  }

  std::string proxy_name(const LoopbackProxy& proxy) const {
    return "127.0.0.1:" + std::to_string(proxy.port());
  }

  fakes::binance::TlsIdentity identity = fakes::binance::make_self_signed_identity();
  std::shared_ptr<ClientContext> context =
      std::make_shared<ClientContext>(TlsOptions{true, "", identity.certificate_pem});
};

TEST_F(NetHttpsProxy, TunnelsHttpsThroughConnectWithSniToTheTarget) {
  LoopbackHttpServer server{always_ok, identity};
  LoopbackProxy proxy;
  HttpsClient client{context, via(proxy.url())};
  EXPECT_EQ(test::response_of(test::get(client, server.url("/v1/models?x=1", "localhost"))).body,
            "ok");
  auto seen = proxy.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "CONNECT");
  EXPECT_EQ(seen[0].target, "localhost:" + std::to_string(server.port()));
  auto served = server.requests();
  ASSERT_EQ(served.size(), 1u);
  EXPECT_EQ(served[0].sni, "localhost");
  EXPECT_EQ(served[0].target, "/v1/models?x=1");  // origin form inside the tunnel
  EXPECT_EQ(served[0].headers["host"], "localhost:" + std::to_string(server.port()));

  // The tunnel is kept alive like any connection.
  EXPECT_EQ(test::response_of(test::get(client, server.url("/again", "localhost"))).status, 200);
  EXPECT_EQ(proxy.connections_accepted(), 1);
  EXPECT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(client.stats().connections_reused, 1u);
}

TEST_F(NetHttpsProxy, VerifiesTheTargetsCertificateThroughTheTunnel) {
  LoopbackHttpServer server{always_ok, identity};
  LoopbackProxy proxy;
  HttpsClient client{std::make_shared<ClientContext>(), via(proxy.url())};  // system CAs only
  auto error = test::error_of(test::get(client, server.url("/", "localhost")));
  EXPECT_EQ(error.code, client_errc::tls_failed);
  EXPECT_NE(error.message.find("certificate"), std::string::npos) << error.message;
  EXPECT_EQ(proxy.requests().size(), 1u);  // the tunnel was open; the target was not trusted
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(NetHttpsProxy, SendsCredentialsToTheProxyOnly) {
  LoopbackHttpServer server{always_ok, identity};
  LoopbackProxy proxy{LoopbackProxyOptions{kUserPass, 0}};
  HttpsClient client{context, via(with_credentials(proxy, "user:pass"))};
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0].proxy_authorization, kUserPass);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].headers.count("proxy-authorization"), 0u);
}

TEST_F(NetHttpsProxy, ARefusedTunnelNamesTheProxyButNeverItsCredentials) {
  LoopbackHttpServer server{always_ok, identity};
  LoopbackProxy proxy{LoopbackProxyOptions{kUserPass, 0}};
  HttpsClient client{context, via(with_credentials(proxy, "user:wrongpass"))};
  auto error = test::error_of(test::get(client, server.url()));
  EXPECT_EQ(error.code, client_errc::handshake_failed);
  EXPECT_NE(error.message.find("proxy " + proxy_name(proxy)), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("407"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos)
      << error.message;
  for (const char* secret : {"user", "wrongpass", "dXNlcjp3cm9uZ3Bhc3M"}) {
    EXPECT_EQ(error.message.find(secret), std::string::npos) << error.message;
  }
  EXPECT_TRUE(server.requests().empty());

  for (int status : {403, 502}) {
    LoopbackProxy refusing{LoopbackProxyOptions{"", status}};
    HttpsClient refused{context, via(with_credentials(refusing, "user:s3cret"))};
    auto refusal = test::error_of(test::get(refused, server.url()));
    EXPECT_EQ(refusal.code, client_errc::handshake_failed);
    EXPECT_NE(refusal.message.find(std::to_string(status)), std::string::npos) << refusal.message;
    EXPECT_NE(refusal.message.find(proxy_name(refusing)), std::string::npos) << refusal.message;
    EXPECT_EQ(refusal.message.find("s3cret"), std::string::npos) << refusal.message;
  }
}

TEST_F(NetHttpsProxy, AnAbsentProxyIsAConnectFailureNamingIt) {
  const auto port = test::closed_port();
  HttpsClient client{context, via("http://user:s3cret@127.0.0.1:" + std::to_string(port))};
  auto error = test::error_of(test::get(client, "https://api.example.invalid/v1"));
  EXPECT_EQ(error.code, client_errc::connect_failed);
  EXPECT_NE(error.message.find("via proxy 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << error.message;
  EXPECT_EQ(error.message.find("s3cret"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("user"), std::string::npos) << error.message;
}

TEST_F(NetHttpsProxy, PlainHttpGoesToTheProxyInAbsoluteForm) {
  LoopbackProxy proxy{LoopbackProxyOptions{kUserPass, 0}};
  HttpsClient client{context, via(with_credentials(proxy, "user:pass"))};
  // The proxy answers itself, so the target's name is never resolved.
  auto response = test::response_of(test::get(client, "http://origin.example.invalid:8080/a?b=1"));
  EXPECT_EQ(response.body, "proxied http://origin.example.invalid:8080/a?b=1");
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0].method, "GET");
  EXPECT_EQ(proxy.requests()[0].proxy_authorization, kUserPass);
}

TEST_F(NetHttpsProxy, NoProxyHostsAreReachedDirectly) {
  LoopbackHttpServer server{always_ok, identity};
  LoopbackProxy proxy;
  HttpsClient client{context, via(proxy.url(), {"localhost"})};
  EXPECT_EQ(test::response_of(test::get(client, server.url("/", "localhost"))).status, 200);
  EXPECT_EQ(proxy.connections_accepted(), 0);
  EXPECT_EQ(test::response_of(test::get(client, server.url("/", "127.0.0.1"))).status, 200);
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0].target, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST_F(NetHttpsProxy, LoopbackTargetsBypassTheProxyByDefault) {
  LoopbackHttpServer server{always_ok, identity};
  LoopbackProxy proxy;
  auto env = proxy_from_environment({{"HTTPS_PROXY", proxy.url()}});
  HttpClientOptions options;
  options.proxy = env.options;
  HttpsClient client{context, options};
  EXPECT_EQ(test::response_of(test::get(client, server.url("/", "localhost"))).status, 200);
  EXPECT_EQ(test::response_of(test::get(client, server.url("/", "127.0.0.1"))).status, 200);
  EXPECT_EQ(proxy.connections_accepted(), 0);
}

TEST_F(NetHttpsProxy, CancelClosesTheTunnelToo) {
  LoopbackHttpServer server{[](const ServedRequest&) { return Answer::silent(); }, identity};
  LoopbackProxy proxy;
  test::CallbackCount count;
  HttpsClient client{context, via(proxy.url())};
  auto id = client.send({"GET", server.url("/stream"), {}, {}}, count.callback());
  ASSERT_TRUE(server.wait_for_requests(1, kWait));
  client.cancel(id);
  auto result = count.first.wait(kWait);
  ASSERT_TRUE(result);
  EXPECT_EQ(test::error_of(*result).code, client_errc::cancelled);
  EXPECT_TRUE(server.wait_for_ended(1, kWait));  // through the proxy, the target's end closed
  EXPECT_EQ(count.calls.load(), 1);
}

}  // namespace
}  // namespace autotrader::net
