// Robustness of net::HttpServer against arbitrary bytes: thousands of mutated and random requests
// (a fixed seed, so a failure reproduces) sent to a live server, which must close every one of
// those connections and keep answering normal requests.
#include <random>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "net/http_server.hpp"
#include "net/metrics_endpoint.hpp"
#include "tests/src/net/http_server_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::net {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kSeed = 0x5eed'2026'1121;
constexpr int kCases = 3000;

const std::vector<std::string>& seed_corpus() {
  static const std::vector<std::string> corpus{
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/orders?symbol=BTC%2FUSDT&x=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
      "POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 13\r\n\r\n{\"qty\":1.25}\n",
      "POST /api/orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
      "HEAD /healthz HTTP/1.0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
      "DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "POST /api/orders HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
      "{}",
      "GET /api/throw HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
      "POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
          std::string(5000, 'b'),
  };
  return corpus;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_{seed} {}

  std::string next() {
    if (pick(10) == 0) return random_bytes(pick(600));
    std::string bytes = seed_corpus()[pick(seed_corpus().size())];
    const std::size_t rounds = 1 + pick(4);
    for (std::size_t i = 0; i < rounds; ++i) mutate(bytes);
    return bytes;
  }

 private:
  std::size_t pick(std::size_t bound) { return bound == 0 ? 0 : rng_() % bound; }
  char any_byte() { return static_cast<char>(rng_() & 0xff); }

  std::string random_bytes(std::size_t size) {
    std::string out(size, '\0');
    for (auto& c : out) c = any_byte();
    return out;
  }

  void mutate(std::string& bytes) {
    if (bytes.empty()) {
      bytes = random_bytes(1 + pick(32));
      return;
    }
    const std::size_t at = pick(bytes.size());
    switch (pick(9)) {
      case 0:  // flip a bit
        bytes[at] = static_cast<char>(bytes[at] ^ (1 << pick(8)));
        break;
      case 1:  // replace a byte
        bytes[at] = any_byte();
        break;
      case 2:  // insert random bytes
        bytes.insert(at, random_bytes(1 + pick(16)));
        break;
      case 3:  // delete a run
        bytes.erase(at, 1 + pick(16));
        break;
      case 4:  // duplicate a run
        bytes.insert(at, bytes.substr(at, 1 + pick(64)));
        break;
      case 5:  // truncate
        bytes.resize(at);
        break;
      case 6:  // an absurd number
        bytes.insert(at, pick(2) == 0 ? "99999999999999999999" : "-1");
        break;
      case 7: {  // a stray line break or separator
        static const std::string kSeparators[] = {"\r\n", "\n", "\r", ":", " ", {'\0'}};
        bytes.insert(at, kSeparators[pick(6)]);
        break;
      }
      case 8:  // a long field
        bytes.insert(at, std::string(pick(2) == 0 ? 3000 : 300, 'A'));
        break;
    }
  }

  std::mt19937_64 rng_;
};

TEST(HttpServerFuzzTest, SurvivesThousandsOfMutatedRequests) {
  HttpServerOptions options = testing::loopback_options();
  options.max_header_bytes = 2048;
  options.max_body_bytes = 4096;
  options.request_timeout = 2s;
  // Thousands of expected failures: keep the test log readable.
  testing::TestServer fixture{
      options,
      std::make_shared<spdlog::logger>("http", std::make_shared<spdlog::sinks::null_sink_mt>())};
  HttpServer& server = *fixture.server;
  const auto registry = fixture.registry;
  server.route("GET", "/healthz", [](const HttpRequest&, Responder respond) {
    respond(HttpResponse::json(200, {{"ok", true}}));
  });
  server.route("POST", "/api/orders", [](const HttpRequest& request, Responder respond) {
    respond(HttpResponse::json(201, {{"body", request.body}, {"path", request.path}}));
  });
  server.route("GET", "/api/orders", [](const HttpRequest& request, Responder respond) {
    nlohmann::json query = request.query;
    respond(HttpResponse::json(200, query));
  });
  server.route("GET", "/api/throw",
               [](const HttpRequest&, Responder) { throw std::runtime_error{"handler bug"}; });
  server.route("GET", "/metrics", metrics_handler(registry));
  ASSERT_TRUE(fixture.start());

  Mutator mutator{kSeed};
  int not_closed = 0;
  for (int i = 0; i < kCases; ++i) {
    const std::string bytes = mutator.next();
    // Half-closing tells the server the request stream ended, so every case ends promptly.
    const auto raw = test::raw_exchange(server.port(), bytes, 5s, test::AfterWrite::half_close);
    if (!raw.closed) {
      ++not_closed;
      ADD_FAILURE() << "case " << i << " was not closed; sent " << ::testing::PrintToString(bytes);
    }
    if (i % 500 == 499) {
      ASSERT_EQ(test::http_get(server.port(), "/healthz").status, 200) << "after case " << i;
    }
  }
  EXPECT_EQ(not_closed, 0);

  const auto healthy = test::http_get(server.port(), "/healthz");
  EXPECT_EQ(healthy.status, 200);
  EXPECT_EQ(healthy.body, R"({"ok":true})");
  // The corpus reaches past the parser: handlers ran, and each kind of refusal happened.
  EXPECT_GT(fixture.requests("/healthz", 200), kCases / 100);
  EXPECT_GT(fixture.requests("/api/orders", 201), kCases / 100);
  EXPECT_GT(fixture.rejected("bad_request"), kCases / 10);
  EXPECT_GT(fixture.rejected("header_too_large"), 0);
  EXPECT_GT(fixture.rejected("body_too_large"), 0);
  EXPECT_GT(fixture.rejected("handler_error"), 0);
  EXPECT_EQ(fixture.rejected("internal_error"), 0);
}

}  // namespace
}  // namespace autotrader::net
