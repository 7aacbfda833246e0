// The fake with a TLS identity, reached by our own outbound client (net::HttpsClient), which
// verifies certificates: every route over https, plain http on the same port, and a client that
// does not trust the certificate refused.
#include <gtest/gtest.h>

#include <future>

#include "net/https_client.hpp"
#include "tests/fakes/llm/fake_llm_fixture.hpp"

namespace autotrader::fakes::llm::test {
namespace {

using net::ClientContext;
using net::ClientError;
using net::ClientRequest;
using net::ClientResponse;
using net::HttpsClient;
using net::TlsOptions;

class FakeLlmTls : public FakeLlmFixture {
 protected:
  void SetUp() override {
    FakeLlmOptions options;
    options.tls = identity;
    start(std::move(options));
  }

  net::HttpResult post(const std::shared_ptr<ClientContext>& context, Provider provider,
                       const std::string& origin) {
    // The promise outlives the client: its destructor may still call back (cancelled).
    std::promise<net::HttpResult> done;
    auto result = done.get_future();
    HttpsClient client{context};
    auto call = valid_call(provider);
    ClientRequest request;
    request.method = "POST";
    request.url = origin + call.target;
    for (const auto& [name, value] : call.headers) request.headers.emplace_back(name, value);
    request.body = call.body.dump();
    client.send(std::move(request), [&done](net::HttpResult r) { done.set_value(std::move(r)); });
    if (result.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "no callback";
      return ClientError{net::client_errc::timeout, "no callback"};
    }
    return result.get();
  }

  std::shared_ptr<ClientContext> trusting(const TlsIdentity& trusted) {
    return std::make_shared<ClientContext>(TlsOptions{true, "", trusted.certificate_pem});
  }

  TlsIdentity identity = make_self_signed_identity();
};

TEST_F(FakeLlmTls, EveryRouteAnswersOverVerifiedHttps) {
  EXPECT_TRUE(fake->tls());
  EXPECT_EQ(fake->origin(), "https://127.0.0.1:" + std::to_string(fake->port()));
  auto context = trusting(identity);
  for (auto provider : kProviders) {
    SCOPED_TRACE(std::string{to_string(provider)});
    auto result = post(context, provider, fake->origin());
    auto* response = std::get_if<ClientResponse>(&result);
    ASSERT_TRUE(response) << std::get<ClientError>(result).message;
    EXPECT_EQ(response->status, 200) << response->body;
  }
  for (const auto& record : fake->requests()) EXPECT_TRUE(record.tls);
}

TEST_F(FakeLlmTls, PlainHttpStillWorksOnTheSamePort) {
  auto result = send(Provider::gemini);
  EXPECT_EQ(result.status, 200) << result.error;
  EXPECT_FALSE(fake->requests().at(0).tls);
}

TEST_F(FakeLlmTls, AClientThatDoesNotTrustTheCertificateIsRefused) {
  auto stranger = make_self_signed_identity();
  auto result = post(trusting(stranger), Provider::openai, fake->origin());
  auto* error = std::get_if<ClientError>(&result);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, net::client_errc::tls_failed) << error->message;
  EXPECT_EQ(fake->request_count(Provider::openai), 0u);  // never reached the route
}

}  // namespace
}  // namespace autotrader::fakes::llm::test
