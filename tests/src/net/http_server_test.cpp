// Routing, request parsing, response shape, asynchronous responders, keep-alive and pipelining
// of net::HttpServer, against a live server on 127.0.0.1.
#include "net/http_server.hpp"

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/src/net/http_server_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::net {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using test::http_get;
using test::http_request;
using testing::TestServer;

Handler reply_json(nlohmann::json body) {
  return [body = std::move(body)](const HttpRequest&, Responder respond) {
    respond(HttpResponse::json(200, body));
  };
}

// Hands each request's responder to the test thread, which answers when it chooses.
struct ParkedRequests {
  Handler handler() {
    return [this](const HttpRequest& request, Responder respond) {
      std::lock_guard lock{mutex};
      requests.push_back(request);
      responders.push_back(std::move(respond));
      arrived.notify_all();
    };
  }
  // Waits (bounded) until `count` requests have arrived.
  bool wait_for(std::size_t count, std::chrono::milliseconds deadline = 5s) {
    std::unique_lock lock{mutex};
    return arrived.wait_for(lock, deadline, [&] { return responders.size() >= count; });
  }
  Responder responder(std::size_t index) {
    std::lock_guard lock{mutex};
    return responders.at(index);
  }

  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<HttpRequest> requests;
  std::vector<Responder> responders;
};

TEST(HttpServerTest, UnknownPathIs404WithJsonError) {
  TestServer server;
  server.server->route("GET", "/healthz", reply_json({{"ok", true}}));
  ASSERT_TRUE(server.start());

  const auto result = http_get(server.port(), "/x");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(nlohmann::json::parse(result.body),
            (nlohmann::json{{"error", "not found"}, {"path", "/x"}}));
  EXPECT_EQ(server.requests("unmatched", 404), 1);
}

TEST(HttpServerTest, WrongMethodIs405WithAllow) {
  TestServer server;
  server.server->route("GET", "/api/orders", reply_json({}));
  server.server->route("POST", "/api/orders", reply_json({}));
  ASSERT_TRUE(server.start());

  const auto result = http_request(server.port(), "DELETE", "/api/orders");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 405);
  EXPECT_EQ(result.header("Allow"), "GET, HEAD, POST");
  EXPECT_EQ(nlohmann::json::parse(result.body)["error"], "method not allowed");
  EXPECT_EQ(server.requests("/api/orders", 405), 1);
}

TEST(HttpServerTest, HeadOnGetRouteSendsHeadersWithoutBody) {
  TestServer server;
  std::string seen_method;
  server.server->route("GET", "/healthz", [&](const HttpRequest& request, Responder respond) {
    seen_method = request.method;
    respond(HttpResponse::json(200, {{"status", "ok"}}));
  });
  ASSERT_TRUE(server.start());

  const auto result = http_request(server.port(), "HEAD", "/healthz");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.header("Content-Length"), std::to_string(R"({"status":"ok"})"s.size()));
  EXPECT_EQ(result.body, "");
  EXPECT_EQ(seen_method, "HEAD");
}

TEST(HttpServerTest, JsonResponseCarriesTheStandardHeaders) {
  TestServer server;
  server.server->route("GET", "/api/status", reply_json({{"mode", "paper"}}));
  ASSERT_TRUE(server.start());

  const auto result = http_get(server.port(), "/api/status");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, R"({"mode":"paper"})");
  EXPECT_EQ(result.header("Content-Type"), "application/json");
  EXPECT_EQ(result.header("Content-Length"), std::to_string(result.body.size()));
  EXPECT_EQ(result.header("Cache-Control"), "no-store");
  EXPECT_EQ(result.header("Server"), "autotrader");
}

TEST(HttpServerTest, TextResponseKeepsItsContentTypeAndExtraHeaders) {
  TestServer server;
  server.server->route("GET", "/readme", [](const HttpRequest&, Responder respond) {
    auto response = HttpResponse::text(201, "hello\n", "text/plain; charset=utf-8");
    response.headers.emplace_back("X-Trace", "abc");
    response.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x=1");    // dropped, never sent
    response.headers.emplace_back("X-Forged: 1\r\nSet-Cookie", "x=1");  // dropped too
    respond(std::move(response));
  });
  ASSERT_TRUE(server.start());

  const auto result = http_get(server.port(), "/readme");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 201);
  EXPECT_EQ(result.body, "hello\n");
  EXPECT_EQ(result.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(result.header("Content-Length"), "6");
  EXPECT_EQ(result.header("X-Trace"), "abc");
  EXPECT_EQ(result.header("X-Evil"), "");
  EXPECT_EQ(result.header("Set-Cookie"), "");
  EXPECT_EQ(result.header("Server"), "autotrader");
}

TEST(HttpServerTest, RequestIsParsedForTheHandler) {
  TestServer server;
  std::promise<HttpRequest> handed;
  server.server->route("POST", "/api/a b", [&](const HttpRequest& request, Responder respond) {
    handed.set_value(request);
    respond(HttpResponse::json(200, {}));
  });
  ASSERT_TRUE(server.start());

  const auto result =
      http_request(server.port(), "POST", "/api/a%20b?symbol=BTC%2FUSDT&note=a+b&flag&x=1&x=2",
                   R"({"qty":1})", {{"X-Request-Id", "r-1"}, {"Content-Type", "application/json"}});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  const HttpRequest seen = handed.get_future().get();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/api/a%20b?symbol=BTC%2FUSDT&note=a+b&flag&x=1&x=2");
  EXPECT_EQ(seen.path, "/api/a b");
  EXPECT_EQ(seen.query, (std::map<std::string, std::string>{
                            {"symbol", "BTC/USDT"}, {"note", "a b"}, {"flag", ""}, {"x", "2"}}));
  EXPECT_EQ(seen.headers.at("x-request-id"), "r-1");
  EXPECT_EQ(seen.headers.at("content-type"), "application/json");
  EXPECT_EQ(seen.body, R"({"qty":1})");
  EXPECT_EQ(seen.remote.rfind("127.0.0.1:", 0), 0u) << seen.remote;
}

TEST(HttpServerTest, MalformedPercentEscapeIs400) {
  TestServer server;
  ASSERT_TRUE(server.start());
  const auto result = http_get(server.port(), "/api/%zz");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(server.rejected("bad_request"), 1);
}

TEST(HttpServerTest, ResponderCalledLaterFromAnotherThread) {
  TestServer server;
  ParkedRequests parked;
  server.server->route("GET", "/api/slow", parked.handler());
  ASSERT_TRUE(server.start());

  auto reply = std::async(std::launch::async, [&] { return http_get(server.port(), "/api/slow"); });
  ASSERT_TRUE(parked.wait_for(1));
  std::thread actor{[respond = parked.responder(0)] {
    respond(HttpResponse::json(202, {{"answered_by", "actor"}}));
  }};
  actor.join();
  const auto result = reply.get();
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 202);
  EXPECT_EQ(nlohmann::json::parse(result.body)["answered_by"], "actor");
}

TEST(HttpServerTest, ResponderNeverCalledIsAnswered504AfterTheTimeout) {
  auto options = testing::loopback_options();
  options.request_timeout = 200ms;
  TestServer server{options};
  ParkedRequests parked;
  server.server->route("GET", "/api/lost", parked.handler());
  ASSERT_TRUE(server.start());

  const auto started = std::chrono::steady_clock::now();
  const auto result = http_get(server.port(), "/api/lost", 5s);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 504);
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_EQ(server.rejected("timeout"), 1);
  EXPECT_EQ(server.requests("/api/lost", 504), 1);

  // The actor answers at last: ignored and counted, never a crash.
  parked.responder(0)(HttpResponse::json(200, {}));
  parked.responder(0)(HttpResponse::json(200, {}));
  EXPECT_EQ(http_get(server.port(), "/nothing").status, 404);  // the I/O thread has run since
  EXPECT_EQ(server.metric("autotrader_http_late_responses_total"), 2);
}

TEST(HttpServerTest, HandlerThatThrowsIs500AndTheServerKeepsServing) {
  TestServer server;
  server.server->route("GET", "/api/boom",
                       [](const HttpRequest&, Responder) { throw std::runtime_error{"exploded"}; });
  server.server->route("GET", "/api/bad-status", [](const HttpRequest&, Responder respond) {
    respond(HttpResponse::json(42, {}));
  });
  server.server->route("GET", "/healthz", reply_json({{"ok", true}}));
  ASSERT_TRUE(server.start());

  test::HttpConnection connection{server.port()};
  ASSERT_TRUE(connection.connected());
  const auto boom = connection.request("GET", "/api/boom");
  ASSERT_TRUE(boom.ok()) << boom.error;
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(nlohmann::json::parse(boom.body)["error"], "internal error");
  const auto after = connection.request("GET", "/healthz");  // same connection still served
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(http_get(server.port(), "/api/bad-status").status, 500);
  EXPECT_EQ(server.rejected("handler_error"), 2);
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer server;
  int calls = 0;
  server.server->route("GET", "/api/count", [&](const HttpRequest&, Responder respond) {
    respond(HttpResponse::json(200, {{"call", ++calls}}));
  });
  ASSERT_TRUE(server.start());

  test::HttpConnection connection{server.port()};
  ASSERT_TRUE(connection.connected());
  for (int i = 1; i <= 5; ++i) {
    const auto result = connection.request("GET", "/api/count");
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(nlohmann::json::parse(result.body)["call"], i);
    EXPECT_NE(result.header("Connection"), "close");
  }
  EXPECT_EQ(server.metric("autotrader_http_open_connections"), 1);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestServer server;
  ParkedRequests parked;
  server.server->route("GET", "/slow", parked.handler());
  server.server->route("GET", "/fast", reply_json({{"name", "fast"}}));
  ASSERT_TRUE(server.start());

  const std::string requests =
      "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  auto exchange = std::async(std::launch::async,
                             [&] { return test::raw_exchange(server.port(), requests, 5s); });
  ASSERT_TRUE(parked.wait_for(1));
  parked.responder(0)(HttpResponse::json(200, {{"name", "slow"}}));
  const auto raw = exchange.get();
  EXPECT_TRUE(raw.closed);

  const auto responses = test::parse_responses(raw.received);
  ASSERT_EQ(responses.size(), 3u) << raw.received;
  EXPECT_EQ(nlohmann::json::parse(responses[0].body)["name"], "slow");
  EXPECT_EQ(nlohmann::json::parse(responses[1].body)["name"], "fast");
  EXPECT_EQ(responses[2].status, 404);
  EXPECT_EQ(responses[2].header("Connection"), "close");
}

TEST(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
  TestServer server;
  server.server->route("POST", "/api/echo", [](const HttpRequest& request, Responder respond) {
    respond(HttpResponse::text(200, request.body));
  });
  ASSERT_TRUE(server.start());

  const std::string request =
      "POST /api/echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
      "Connection: close\r\n\r\nhello";
  const auto raw = test::raw_exchange(server.port(), request, 5s);
  EXPECT_EQ(raw.received.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << raw.received;
  const auto responses = test::parse_responses(raw.received.substr(25));
  ASSERT_EQ(responses.size(), 1u) << raw.received;
  EXPECT_EQ(responses[0].body, "hello");
}

TEST(HttpServerTest, MetricsHandlerServesTheExpositionFormat) {
  TestServer server;
  server.server->route("GET", "/metrics", metrics_handler(server.registry));
  ASSERT_TRUE(server.start());

  const auto result = http_get(server.port(), "/metrics");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(result.body.find("# TYPE autotrader_http_requests_total counter"), std::string::npos);
}

}  // namespace
}  // namespace autotrader::net
