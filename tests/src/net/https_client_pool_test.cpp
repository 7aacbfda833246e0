// HttpsClient's connection handling against a scriptable loopback server: keep-alive reuse per
// host, what forbids reuse (Connection: close, HTTP/1.0, a body ended by the close, leftovers),
// the bounded idle pool, the one retry of a reused connection that died, the first-byte, read and
// total deadlines, and cancellation closing the connection with exactly one callback.
#include <gtest/gtest.h>

#include "net/https_client.hpp"
#include "tests/src/net/https_client_test_support.hpp"
#include "tests/src/net/loopback_http_server.hpp"

namespace autotrader::net {
namespace {

using std::chrono::milliseconds;
using test::Answer;
using test::LoopbackHttpServer;
using test::ServedRequest;

constexpr milliseconds kWait{10'000};

Answer always_ok(const ServedRequest&) {
  return Answer::ok();
}

class NetHttpsConnections : public ::testing::Test {
 protected:
  std::shared_ptr<ClientContext> trusting() {
    return std::make_shared<ClientContext>(TlsOptions{true, "", identity.certificate_pem});
  }

  fakes::binance::TlsIdentity identity = fakes::binance::make_self_signed_identity();
  std::shared_ptr<ClientContext> context = trusting();
};

TEST_F(NetHttpsConnections, SequentialRequestsShareOneConnection) {
  for (bool tls : {false, true}) {
    SCOPED_TRACE(tls ? "https" : "http");
    LoopbackHttpServer server{always_ok, tls ? std::optional{identity} : std::nullopt};
    HttpsClient client{context};
    EXPECT_EQ(test::response_of(test::get(client, server.url("/a"))).body, "ok");
    EXPECT_EQ(test::response_of(test::get(client, server.url("/b"))).body, "ok");
    EXPECT_EQ(server.connections_accepted(), 1);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].connection, 0);
    EXPECT_EQ(requests[1].index, 1);
    EXPECT_EQ(requests[1].headers.count("connection"), 0u);  // HTTP/1.1 keeps alive by default
    auto stats = client.stats();
    EXPECT_EQ(stats.connections_opened, 1u);
    EXPECT_EQ(stats.connections_reused, 1u);
    EXPECT_EQ(stats.stale_retries, 0u);
    EXPECT_EQ(stats.connections_idle, 1u);
  }
}

TEST_F(NetHttpsConnections, KeepsHostsApart) {
  LoopbackHttpServer a{always_ok, identity};
  LoopbackHttpServer b{always_ok, identity};
  HttpsClient client{context};
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(test::response_of(test::get(client, a.url())).status, 200);
    EXPECT_EQ(test::response_of(test::get(client, b.url())).status, 200);
  }
  EXPECT_EQ(a.connections_accepted(), 1);
  EXPECT_EQ(b.connections_accepted(), 1);
  // Another name for the same server is another host: its connection is not shared.
  EXPECT_EQ(test::response_of(test::get(client, a.url("/", "localhost"))).status, 200);
  EXPECT_EQ(a.connections_accepted(), 2);
  EXPECT_EQ(client.stats().connections_opened, 3u);
  EXPECT_EQ(client.stats().connections_reused, 2u);
  EXPECT_EQ(client.stats().connections_idle, 3u);
}

// The server reads the second request on the kept connection and closes without a byte: what a
// server whose keep-alive timeout crosses the request looks like to the client.
Answer hang_up_on_second(const ServedRequest& request) {
  return request.connection == 0 && request.index == 1 ? Answer::hang_up() : Answer::ok();
}

TEST_F(NetHttpsConnections, RetriesAReusedConnectionThatDiedBeforeAnsweringOnce) {
  for (bool tls : {false, true}) {
    SCOPED_TRACE(tls ? "https" : "http");
    LoopbackHttpServer server{hang_up_on_second, tls ? std::optional{identity} : std::nullopt};
    HttpsClient client{context};
    EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
    EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
    EXPECT_EQ(server.connections_accepted(), 2);
    ASSERT_EQ(server.requests().size(), 3u);
    EXPECT_EQ(server.requests()[2].connection, 1);
    auto stats = client.stats();
    EXPECT_EQ(stats.connections_opened, 2u);
    EXPECT_EQ(stats.connections_reused, 1u);
    EXPECT_EQ(stats.stale_retries, 1u);
  }
}

TEST_F(NetHttpsConnections, ReplaysAPostOnlyWhenItIsMarkedReplayable) {
  {
    LoopbackHttpServer server{hang_up_on_second};
    HttpsClient client{context};
    ClientRequest order{"POST", server.url("/order"), {}, "{}"};
    EXPECT_EQ(test::response_of(test::exchange(client, order)).status, 200);
    EXPECT_EQ(test::error_of(test::exchange(client, order)).code, client_errc::closed);
    EXPECT_EQ(server.requests().size(), 2u);  // sent once, never again
    EXPECT_EQ(client.stats().stale_retries, 0u);
  }
  {
    LoopbackHttpServer server{hang_up_on_second};
    HttpsClient client{context};
    ClientRequest completion{"POST", server.url("/v1/chat/completions"), {}, "{}"};
    completion.replayable = true;
    EXPECT_EQ(test::response_of(test::exchange(client, completion)).status, 200);
    EXPECT_EQ(test::response_of(test::exchange(client, completion)).status, 200);
    EXPECT_EQ(server.requests().size(), 3u);
    EXPECT_EQ(server.requests()[2].body, "{}");
    EXPECT_EQ(client.stats().stale_retries, 1u);
  }
}

TEST_F(NetHttpsConnections, NeverRetriesAFreshConnectionOrTwice) {
  LoopbackHttpServer server{[](const ServedRequest&) { return Answer::hang_up(); }};
  HttpsClient client{context};
  EXPECT_EQ(test::error_of(test::get(client, server.url())).code, client_errc::closed);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(client.stats().stale_retries, 0u);

  // Reused, dies, retried on a fresh connection that dies too: that failure is the answer.
  LoopbackHttpServer flaky{[](const ServedRequest& request) {
    return request.connection == 0 && request.index == 0 ? Answer::ok() : Answer::hang_up();
  }};
  EXPECT_EQ(test::response_of(test::get(client, flaky.url())).status, 200);
  EXPECT_EQ(test::error_of(test::get(client, flaky.url())).code, client_errc::closed);
  EXPECT_EQ(flaky.requests().size(), 3u);
  EXPECT_EQ(client.stats().stale_retries, 1u);
}

TEST_F(NetHttpsConnections, AServerClosingAnIdleConnectionIsTransparent) {
  LoopbackHttpServer server{[](const ServedRequest& request) {
    Answer answer = Answer::ok();
    answer.close_after = request.index == 0;  // announced keep-alive, then closed anyway
    return answer;
  }};
  HttpsClient client{context};
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  ASSERT_TRUE(server.wait_for_ended(1, kWait));
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  EXPECT_EQ(server.connections_accepted(), 2);
  // Either the close was seen before reuse, or the reused connection failed and was retried.
  auto stats = client.stats();
  EXPECT_EQ(stats.connections_reused, stats.stale_retries);
}

// The server says the connection ends but leaves it open, so only the client's own reading of
// the response keeps it from being reused.
Answer raw_and_stay_open(std::string raw) {
  Answer answer;
  answer.raw = std::move(raw);
  answer.keep_alive = true;
  return answer;
}

TEST_F(NetHttpsConnections, HonoursConnectionClose) {
  LoopbackHttpServer server{[](const ServedRequest&) {
    return raw_and_stay_open("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
  }};
  HttpsClient client{context};
  EXPECT_EQ(test::response_of(test::get(client, server.url())).body, "ok");
  EXPECT_EQ(test::response_of(test::get(client, server.url())).body, "ok");
  EXPECT_EQ(server.connections_accepted(), 2);
  EXPECT_EQ(client.stats().connections_reused, 0u);
  EXPECT_EQ(client.stats().connections_idle, 0u);
  EXPECT_TRUE(server.wait_for_ended(2, kWait));  // the client closed both

  // A request that says "Connection: close" itself is not kept either.
  LoopbackHttpServer keeps{always_ok};
  ClientRequest closing{"GET", keeps.url(), {{"Connection", "close"}}, {}};
  EXPECT_EQ(test::response_of(test::exchange(client, closing)).status, 200);
  EXPECT_EQ(test::response_of(test::exchange(client, closing)).status, 200);
  EXPECT_EQ(keeps.connections_accepted(), 2);
}

TEST_F(NetHttpsConnections, HonoursHttp10KeepAliveRules) {
  for (bool keep_alive : {false, true}) {
    SCOPED_TRACE(keep_alive ? "1.0 with Connection: keep-alive" : "plain 1.0");
    LoopbackHttpServer server{[keep_alive](const ServedRequest&) {
      return raw_and_stay_open(std::string{"HTTP/1.0 200 OK\r\n"} +
                               (keep_alive ? "Connection: keep-alive\r\n" : "") +
                               "Content-Length: 2\r\n\r\nok");
    }};
    HttpsClient client{context};
    EXPECT_EQ(test::response_of(test::get(client, server.url())).body, "ok");
    EXPECT_EQ(test::response_of(test::get(client, server.url())).body, "ok");
    EXPECT_EQ(server.connections_accepted(), keep_alive ? 1 : 2);
  }
}

TEST_F(NetHttpsConnections, ABodyEndedByTheCloseOrFollowedByStrayBytesIsNotReused) {
  LoopbackHttpServer until_close{[](const ServedRequest&) {
    Answer answer;
    answer.raw = "HTTP/1.1 200 OK\r\n\r\nthe body";
    answer.keep_alive = false;  // the server ends the body by closing
    return answer;
  }};
  HttpsClient client{context};
  EXPECT_EQ(test::response_of(test::get(client, until_close.url())).body, "the body");
  EXPECT_EQ(test::response_of(test::get(client, until_close.url())).body, "the body");
  EXPECT_EQ(until_close.connections_accepted(), 2);

  LoopbackHttpServer stray{[](const ServedRequest&) {
    Answer answer;
    answer.raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n";
    return answer;
  }};
  EXPECT_EQ(test::response_of(test::get(client, stray.url())).body, "ok");
  EXPECT_EQ(test::response_of(test::get(client, stray.url())).body, "ok");
  EXPECT_EQ(stray.connections_accepted(), 2);
}

TEST_F(NetHttpsConnections, AHeadResponseHasNoBodyAndKeepsTheConnection) {
  LoopbackHttpServer server{[](const ServedRequest& request) {
    if (request.method != "HEAD") return Answer::ok();
    Answer answer;
    answer.raw = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
    return answer;
  }};
  HttpsClient client{context};
  auto head =
      test::response_of(test::exchange(client, ClientRequest{"HEAD", server.url(), {}, {}}));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "5000");
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(test::response_of(test::get(client, server.url())).body, "ok");
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST_F(NetHttpsConnections, IdleConnectionsExpire) {
  LoopbackHttpServer server{always_ok};
  HttpClientOptions options;
  options.idle_timeout = milliseconds{50};
  HttpsClient client{context, options};
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  // The client closes the expired connection itself; the server sees it end.
  ASSERT_TRUE(server.wait_for_ended(1, kWait));
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  EXPECT_EQ(server.connections_accepted(), 2);
  EXPECT_EQ(client.stats().connections_reused, 0u);
}

TEST_F(NetHttpsConnections, KeepsAtMostMaxIdlePerHost) {
  // Both first requests are answered only once both have arrived: two connections at once.
  LoopbackHttpServer server{[](const ServedRequest&) {
    Answer answer = Answer::ok();
    answer.after_requests = 2;
    return answer;
  }};
  HttpClientOptions options;
  options.max_idle_per_host = 1;
  HttpsClient client{context, options};
  test::Latch<HttpResult> first, second;
  client.send({"GET", server.url(), {}, {}}, [&](HttpResult r) { first.set(std::move(r)); });
  client.send({"GET", server.url(), {}, {}}, [&](HttpResult r) { second.set(std::move(r)); });
  ASSERT_TRUE(first.wait(kWait));
  ASSERT_TRUE(second.wait(kWait));
  EXPECT_EQ(server.connections_accepted(), 2);
  ASSERT_TRUE(server.wait_for_ended(1, kWait));  // the one that did not fit was closed
  EXPECT_EQ(client.stats().connections_idle, 1u);
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  EXPECT_EQ(server.connections_accepted(), 2);
  EXPECT_EQ(client.stats().connections_reused, 1u);
}

TEST_F(NetHttpsConnections, ReuseOffSaysConnectionClose) {
  LoopbackHttpServer server{always_ok};
  HttpClientOptions options;
  options.max_idle_per_host = 0;
  HttpsClient client{context, options};
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  EXPECT_EQ(server.connections_accepted(), 2);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].headers["connection"], "close");
}

TEST_F(NetHttpsConnections, DestroyingTheClientClosesItsIdleConnections) {
  LoopbackHttpServer server{always_ok, identity};
  auto client = std::make_unique<HttpsClient>(context);
  EXPECT_EQ(test::response_of(test::get(*client, server.url())).status, 200);
  client.reset();
  EXPECT_TRUE(server.wait_for_ended(1, kWait));
}

// Reference llm-providers.md §12 item 2: a server that accepts the connection (and here TLS)
// but never sends a byte must time out.
TEST_F(NetHttpsConnections, TheFirstByteDeadlineEndsASilentServer) {
  LoopbackHttpServer server{[](const ServedRequest&) { return Answer::silent(); }, identity};
  HttpClientOptions options;
  options.first_byte_timeout = milliseconds{200};
  options.read_timeout = milliseconds{60'000};
  options.total_timeout = milliseconds{60'000};
  HttpsClient client{context, options};
  auto start = std::chrono::steady_clock::now();
  auto error = test::error_of(test::get(client, server.url()));
  EXPECT_EQ(error.code, client_errc::timeout);
  EXPECT_NE(error.message.find("first byte"), std::string::npos) << error.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{5});
  EXPECT_TRUE(server.wait_for_ended(1, kWait));  // and the connection is closed, not kept
  EXPECT_EQ(client.stats().connections_idle, 0u);
}

TEST_F(NetHttpsConnections, TheReadDeadlineEndsAStalledBody) {
  LoopbackHttpServer server{[](const ServedRequest&) {
    Answer answer;
    answer.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nthe first part";
    answer.hold_after = true;
    return answer;
  }};
  HttpClientOptions options;
  options.first_byte_timeout = milliseconds{60'000};
  options.read_timeout = milliseconds{200};
  options.total_timeout = milliseconds{60'000};
  HttpsClient client{context, options};
  auto start = std::chrono::steady_clock::now();
  auto error = test::error_of(test::get(client, server.url()));
  EXPECT_EQ(error.code, client_errc::timeout);
  EXPECT_NE(error.message.find("read from"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("first byte"), std::string::npos) << error.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{5});
}

TEST_F(NetHttpsConnections, TheTotalDeadlineSaysSo) {
  LoopbackHttpServer server{[](const ServedRequest&) { return Answer::silent(); }};
  HttpClientOptions options;
  options.first_byte_timeout = milliseconds{60'000};
  options.total_timeout = milliseconds{200};
  HttpsClient client{context, options};
  auto error = test::error_of(test::get(client, server.url()));
  EXPECT_EQ(error.code, client_errc::timeout);
  EXPECT_NE(error.message.find("(total timeout)"), std::string::npos) << error.message;
}

TEST_F(NetHttpsConnections, CancelClosesTheConnectionAndCallsBackOnce) {
  test::CallbackCount count;
  LoopbackHttpServer server{[](const ServedRequest&) { return Answer::silent(); }, identity};
  LoopbackHttpServer other{always_ok};
  auto client = std::make_unique<HttpsClient>(context);
  auto id =
      client->send({"POST", server.url("/v1/messages"), {}, "{\"stream\":true}"}, count.callback());
  ASSERT_TRUE(server.wait_for_requests(1, kWait));
  client->cancel(id);
  auto result = count.first.wait(kWait);
  ASSERT_TRUE(result);
  EXPECT_EQ(test::error_of(*result).code, client_errc::cancelled);
  EXPECT_TRUE(server.wait_for_ended(1, kWait));  // the server's stream is gone, not left open
  client->cancel(id);
  // One more exchange through the same I/O thread: everything posted before it has run.
  EXPECT_EQ(test::response_of(test::get(*client, other.url())).status, 200);
  client.reset();
  EXPECT_EQ(
      test::response_of(test::get(*std::make_unique<HttpsClient>(context), other.url())).status,
      200);
  EXPECT_EQ(count.calls.load(), 1);
}

TEST_F(NetHttpsConnections, CancelDuringTheTlsHandshakeCallsBackOnce) {
  test::CallbackCount count;
  test::SilentListener silent;
  HttpsClient client{context};
  auto id = client.send({"GET", "https://127.0.0.1:" + std::to_string(silent.port()) + "/", {}, {}},
                        count.callback());
  client.cancel(id);
  auto result = count.first.wait(kWait);
  ASSERT_TRUE(result);
  EXPECT_EQ(test::error_of(*result).code, client_errc::cancelled);
  LoopbackHttpServer other{always_ok};
  EXPECT_EQ(test::response_of(test::get(client, other.url())).status, 200);
  EXPECT_EQ(count.calls.load(), 1);
}

TEST_F(NetHttpsConnections, CancellingAFinishedRequestChangesNothing) {
  LoopbackHttpServer server{always_ok};
  HttpsClient client{context};
  test::CallbackCount count;
  auto id = client.send({"GET", server.url(), {}, {}}, count.callback());
  ASSERT_TRUE(count.first.wait(kWait));
  client.cancel(id);
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  EXPECT_EQ(server.connections_accepted(), 1);  // its connection was kept, not closed
  EXPECT_EQ(count.calls.load(), 1);
}

TEST_F(NetHttpsConnections, RacingCancelsStillCallBackExactlyOncePerRequest) {
  LoopbackHttpServer server{always_ok};
  HttpsClient client{context};
  constexpr int n = 40;
  std::vector<test::CallbackCount> counts(n);
  for (int i = 0; i < n; ++i) {
    auto id = client.send({"GET", server.url("/" + std::to_string(i)), {}, {}},
                          counts[static_cast<std::size_t>(i)].callback());
    if (i % 2 == 0) client.cancel(id);
  }
  int cancelled = 0;
  for (auto& count : counts) {
    auto result = count.first.wait(kWait);
    ASSERT_TRUE(result);
    if (auto* error = std::get_if<ClientError>(&*result)) {
      EXPECT_EQ(error->code, client_errc::cancelled) << error->message;
      ++cancelled;
    }
  }
  EXPECT_GE(cancelled, 1);
  EXPECT_EQ(test::response_of(test::get(client, server.url())).status, 200);
  for (auto& count : counts) EXPECT_EQ(count.calls.load(), 1);
}

}  // namespace
}  // namespace autotrader::net
