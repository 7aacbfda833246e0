// What net::HttpServer does with clients that misbehave: garbage, oversized requests, slow or
// silent clients, too many connections, and a stop() with requests in flight.
#include "net/http_server.hpp"

#include <future>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/src/net/http_server_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::net {
namespace {

using namespace std::chrono_literals;
using test::AfterWrite;
using test::http_get;
using test::parse_responses;
using test::raw_exchange;
using testing::TestServer;

Handler ok_handler() {
  return [](const HttpRequest&, Responder respond) {
    respond(HttpResponse::json(200, {{"ok", true}}));
  };
}

// The single response of a raw exchange that the server closed.
test::HttpResult only_response(const test::RawExchange& raw) {
  EXPECT_TRUE(raw.closed) << "the server did not close the connection";
  const auto responses = parse_responses(raw.received);
  EXPECT_EQ(responses.size(), 1u) << raw.received;
  return responses.empty() ? test::HttpResult{} : responses.front();
}

TEST(HttpServerLimitsTest, GarbageIs400AndClosed) {
  TestServer server;
  ASSERT_TRUE(server.start());
  const auto response =
      only_response(raw_exchange(server.port(), "\x16\x03\x01 hello\r\n\r\n", 5s));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(nlohmann::json::parse(response.body)["error"], "bad request");
  EXPECT_EQ(response.header("Connection"), "close");
  EXPECT_EQ(server.rejected("bad_request"), 1);
}

TEST(HttpServerLimitsTest, MalformedHeaderLineIs400) {
  TestServer server;
  server.server->route("GET", "/healthz", ok_handler());
  ASSERT_TRUE(server.start());
  const auto response = only_response(
      raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n", 5s));
  EXPECT_EQ(response.status, 400);
}

TEST(HttpServerLimitsTest, OversizedHeaderIs431) {
  auto options = testing::loopback_options();
  options.max_header_bytes = 1024;
  TestServer server{options};
  server.server->route("GET", "/healthz", ok_handler());
  ASSERT_TRUE(server.start());

  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(4096, 'a') + "\r\n\r\n";
  const auto response = only_response(raw_exchange(server.port(), request, 5s));
  EXPECT_EQ(response.status, 431);
  EXPECT_EQ(server.rejected("header_too_large"), 1);
}

TEST(HttpServerLimitsTest, OversizedBodyIs413) {
  auto options = testing::loopback_options();
  options.max_body_bytes = 1024;
  TestServer server{options};
  server.server->route("POST", "/api/orders", ok_handler());
  ASSERT_TRUE(server.start());

  const std::string body(4096, 'x');
  const std::string declared =
      "POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  EXPECT_EQ(only_response(raw_exchange(server.port(), declared, 5s)).status, 413);

  std::string chunked =
      "POST /api/orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) chunked += "400\r\n" + std::string(1024, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  EXPECT_EQ(only_response(raw_exchange(server.port(), chunked, 5s)).status, 413);
  EXPECT_EQ(server.rejected("body_too_large"), 2);

  // A body at the limit is fine.
  const std::string fits =
      "POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n"
      "Connection: close\r\n\r\n" +
      std::string(1024, 'z');
  EXPECT_EQ(only_response(raw_exchange(server.port(), fits, 5s)).status, 200);
}

TEST(HttpServerLimitsTest, PartialRequestThenSilenceIsAnswered408AndClosed) {
  auto options = testing::loopback_options();
  options.request_timeout = 200ms;
  TestServer server{options};
  server.server->route("GET", "/healthz", ok_handler());
  ASSERT_TRUE(server.start());

  const auto raw = raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Sl", 5s);
  EXPECT_TRUE(raw.closed);
  EXPECT_GE(raw.elapsed, 200ms);
  EXPECT_LT(raw.elapsed, 3s);
  EXPECT_EQ(only_response(raw).status, 408);
  EXPECT_EQ(server.rejected("timeout"), 1);
}

TEST(HttpServerLimitsTest, IdleKeptAliveConnectionIsClosedAfterTheTimeout) {
  auto options = testing::loopback_options();
  options.request_timeout = 200ms;
  TestServer server{options};
  server.server->route("GET", "/healthz", ok_handler());
  ASSERT_TRUE(server.start());

  test::HttpConnection connection{server.port()};
  ASSERT_EQ(connection.request("GET", "/healthz").status, 200);
  EXPECT_TRUE(connection.wait_closed(5s));
  // Idling after a served request is normal use, not a rejected request.
  EXPECT_EQ(server.rejected("timeout"), 0);
}

TEST(HttpServerLimitsTest, SilentClientIsClosedWithinTheTimeout) {
  auto options = testing::loopback_options();
  options.request_timeout = 200ms;
  TestServer server{options};
  ASSERT_TRUE(server.start());

  const auto raw = raw_exchange(server.port(), "", 5s);
  EXPECT_TRUE(raw.closed);
  EXPECT_TRUE(raw.received.empty()) << raw.received;
  EXPECT_GE(raw.elapsed, 200ms);
  EXPECT_LT(raw.elapsed, 3s);
  EXPECT_EQ(server.rejected("timeout"), 1);
}

TEST(HttpServerLimitsTest, ConnectionsOverTheLimitGet503) {
  auto options = testing::loopback_options();
  options.max_connections = 2;
  TestServer server{options};
  server.server->route("GET", "/healthz", ok_handler());
  ASSERT_TRUE(server.start());

  test::HttpConnection first{server.port()};
  test::HttpConnection second{server.port()};
  // A served request on each proves both hold a slot.
  ASSERT_EQ(first.request("GET", "/healthz").status, 200);
  ASSERT_EQ(second.request("GET", "/healthz").status, 200);

  const auto refused =
      only_response(raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 5s));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"], "too many connections");
  EXPECT_EQ(server.rejected("too_many_connections"), 1);

  // A freed slot is usable again once the server has seen the close.
  first.close();
  int status = 0;
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (status != 200 && std::chrono::steady_clock::now() < until) {
    status = http_get(server.port(), "/healthz").status;
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpServerLimitsTest, ManyRefusedConnectionsAtOnceAreHandled) {
  auto options = testing::loopback_options();
  options.max_connections = 1;
  TestServer server{options};
  server.server->route("GET", "/healthz", ok_handler());
  ASSERT_TRUE(server.start());

  test::HttpConnection holder{server.port()};
  ASSERT_EQ(holder.request("GET", "/healthz").status, 200);
  std::vector<std::future<test::RawExchange>> storm;
  for (int i = 0; i < 20; ++i) {
    storm.push_back(std::async(std::launch::async, [&] {
      return raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\n\r\n", 5s);
    }));
  }
  for (auto& exchange : storm) EXPECT_TRUE(exchange.get().closed);
  EXPECT_EQ(server.rejected("too_many_connections"), 20);
  EXPECT_EQ(holder.request("GET", "/healthz").status, 200);
}

TEST(HttpServerLimitsTest, StopWithRequestsInFlightClosesThemAndJoins) {
  TestServer server;
  std::mutex mutex;
  std::vector<Responder> parked;
  std::condition_variable arrived;
  server.server->route("GET", "/api/slow", [&](const HttpRequest&, Responder respond) {
    std::lock_guard lock{mutex};
    parked.push_back(std::move(respond));
    arrived.notify_all();
  });
  ASSERT_TRUE(server.start());
  const auto port = server.port();

  std::vector<std::future<test::HttpResult>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(
        std::async(std::launch::async, [port] { return http_get(port, "/api/slow", 5s); }));
  }
  {
    std::unique_lock lock{mutex};
    ASSERT_TRUE(arrived.wait_for(lock, 5s, [&] { return parked.size() == 3; }));
  }
  server.server->stop();
  EXPECT_EQ(server.port(), 0);
  for (auto& client : clients) {
    const auto result = client.get();
    EXPECT_FALSE(result.ok()) << "answered " << result.status;
  }
  // Actors answering after the stop: a no-op, never a crash.
  for (auto& respond : parked) respond(HttpResponse::json(200, {}));
  server.server->stop();  // idempotent

  // The same server starts again.
  ASSERT_TRUE(server.start());
  EXPECT_EQ(http_get(server.port(), "/nothing").status, 404);
  server.server.reset();  // the destructor stops it
  for (auto& respond : parked) respond(HttpResponse::json(200, {}));
}

TEST(HttpServerLimitsTest, ResponderOutlivingItsServerAndRegistryIsHarmless) {
  Responder kept;
  {
    auto registry = std::make_shared<prometheus::Registry>();
    HttpServer server{testing::loopback_options(), registry};
    std::promise<void> arrived;
    server.route("GET", "/api/slow", [&](const HttpRequest&, Responder respond) {
      kept = std::move(respond);
      arrived.set_value();
    });
    ASSERT_TRUE(server.start().ok());
    auto client = std::async(std::launch::async,
                             [port = server.port()] { return http_get(port, "/api/slow", 5s); });
    ASSERT_EQ(arrived.get_future().wait_for(5s), std::future_status::ready);
    server.stop();
    EXPECT_FALSE(client.get().ok());
  }
  // The server and every other owner of its registry are gone (ASan checks the access).
  kept(HttpResponse::json(200, {}));
}

TEST(HttpServerLimitsTest, StartTwiceIsAnError) {
  TestServer server;
  ASSERT_TRUE(server.start());
  const Result again = server.server->start();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), errc::already_running);
}

}  // namespace
}  // namespace autotrader::net
