// The executor's net transport against the fake Binance server over TLS, received by an actor
// (a scoped_actor standing in for the executor): GET /api/v3/time with the key header and the
// timing from the injected clock, a signed POST answered 500 and a 429 with Retry-After (answered,
// never re-sent), a refused port and a bad URL (failed_before_send), a stalled reply and a dropped
// connection (failed_after_send), and a WebSocket connection's open, text, close.
#include <gtest/gtest.h>

#include <atomic>

#include <caf/all.hpp>

#include "actors/binance_exec/net_order_transport.hpp"
#include "tests/fakes/binance/fake_binance.hpp"
#include "venues/binance/order_codec.hpp"
#include "venues/binance/rest_codec.hpp"
#include "venues/binance/stream_codec.hpp"

namespace autotrader::binance_exec {
namespace {

using binance::HttpOutcome;
using fakes::binance::FakeBinance;
using fakes::binance::FakeBinanceOptions;
using fakes::binance::Fault;
using std::chrono::milliseconds;

constexpr milliseconds kWait{10'000};
constexpr const char* kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
constexpr const char* kSecretKey =
    "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
constexpr core::TimestampMs kWallStart = 1'700'000'000'000;

// A wall clock that moves 1 ms each time it is read: a request's sent_ms and received_ms are then
// exactly the transport's two reads.
class SteppingClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point{milliseconds{kWallStart + reads_++}};
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point{};
  }

 private:
  mutable std::atomic<std::int64_t> reads_{0};
};

struct WsEvent {
  std::string kind;  // "open", "text", "closed", or "" when nothing came
  std::uint64_t id = 0;
  std::string text;  // the message or the close reason
};

class BinanceExecTransport : public ::testing::Test {
 protected:
  BinanceExecTransport() {
    FakeBinanceOptions options;
    options.tls = identity_;
    fake_ = std::make_unique<FakeBinance>(options);
    auto error = fake_->start();
    EXPECT_FALSE(error) << *error;
    context_ =
        std::make_shared<net::ClientContext>(net::TlsOptions{true, "", identity_.certificate_pem});
  }

  std::unique_ptr<OrderTransport> make(std::string base_url, net::HttpClientOptions http = {}) {
    return make_net_order_transport_factory(context_, std::move(base_url), core::Secret{kApiKey},
                                            clock_, http)(self_->address());
  }

  RestOutcome await_reply(std::uint64_t want) {
    RestOutcome out;
    bool got = false;
    self_->receive(
        [&](bx_reply_atom, std::uint64_t id, RestOutcome& outcome) {
          EXPECT_EQ(id, want);
          out = std::move(outcome);
          got = true;
        },
        caf::after(kWait) >> [] {});
    EXPECT_TRUE(got) << "no reply for request " << want;
    return out;
  }

  WsEvent await_ws() {
    WsEvent event;
    self_->receive(
        [&](bx_ws_open_atom, std::uint64_t id) {
          event = {"open", id, {}};
        },
        [&](bx_ws_text_atom, std::uint64_t id, std::string& text) {
          event = {"text", id, std::move(text)};
        },
        [&](bx_ws_closed_atom, std::uint64_t id, std::string& reason) {
          event = {"closed", id, std::move(reason)};
        },
        caf::after(kWait) >> [] {});
    return event;
  }

  binance::RestRequest signed_order() {
    static const auto signer =
        binance::RequestSigner::make({core::Secret{kApiKey}, core::Secret{kSecretKey}}).value();
    static const binance::ServerClock server_clock;
    auto request = binance::new_order_request(
        binance::market_order(*core::Symbol::parse("BTCUSDT"), paper::Side::buy,
                              *core::Decimal::parse("0.001"), "d1", paper::OrderPurpose::entry),
        binance::SignContext{signer, server_clock, kWallStart});
    EXPECT_TRUE(request.ok());
    return *request;
  }

  // A port nothing listens on: a server's, after it stopped.
  static std::uint16_t refused_port() {
    FakeBinance closed;
    EXPECT_FALSE(closed.start());
    const std::uint16_t port = closed.port();
    closed.stop();
    return port;
  }

  fakes::binance::TlsIdentity identity_ = fakes::binance::make_self_signed_identity();
  std::unique_ptr<FakeBinance> fake_;
  std::shared_ptr<net::ClientContext> context_;
  std::shared_ptr<SteppingClock> clock_ = std::make_shared<SteppingClock>();
  caf::actor_system_config config_;
  caf::actor_system system_{config_};
  caf::scoped_actor self_{system_};
};

TEST_F(BinanceExecTransport, GetsTheServerTimeWithTheKeyHeaderAndItsTiming) {
  auto transport = make(fake_->rest_base_url() + "/");  // a trailing '/' is dropped
  transport->send(1, binance::RestRequest{binance::HttpMethod::get,
                                          std::string{binance::kTimeTarget}, "", "", 1});
  RestOutcome outcome = await_reply(1);
  EXPECT_EQ(outcome.transport, HttpOutcome::Transport::answered);
  EXPECT_EQ(outcome.status, 200);
  auto server_time = binance::decode_server_time(outcome.body);
  ASSERT_TRUE(server_time.ok()) << outcome.body;
  EXPECT_EQ(*server_time, fake_->now());
  EXPECT_EQ(outcome.sent_ms, kWallStart);
  EXPECT_EQ(outcome.received_ms, kWallStart + 1);
  EXPECT_EQ(outcome.used_weight_1m, std::optional<std::int64_t>{1});
  EXPECT_TRUE(outcome.error.empty());

  auto requests = fake_->requests_to("/api/v3/time");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_TRUE(requests[0].tls);
  EXPECT_EQ(requests[0].query, "");
  EXPECT_EQ(requests[0].headers.at("x-mbx-apikey"), kApiKey);
}

TEST_F(BinanceExecTransport, SendsASignedOrderOnceAndReportsA500AsAnswered) {
  fake_->when("/api/v3/order")
      .reply(500,
             R"({"code":-1000,"msg":"An unknown error occurred while processing the request."})");
  auto transport = make(fake_->rest_base_url());
  const binance::RestRequest order = signed_order();
  transport->send(7, order);
  RestOutcome outcome = await_reply(7);
  EXPECT_EQ(outcome.transport, HttpOutcome::Transport::answered);
  EXPECT_EQ(outcome.status, 500);
  EXPECT_NE(outcome.body.find("-1000"), std::string::npos);
  EXPECT_EQ(binance::classify(binance::RequestKind::place, outcome.view()).reply_class,
            binance::ReplyClass::unknown_outcome);

  auto requests = fake_->requests_to("/api/v3/order");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].query, order.query);
  EXPECT_EQ(requests[0].body, "");
  EXPECT_EQ(requests[0].headers.at("x-mbx-apikey"), kApiKey);
}

TEST_F(BinanceExecTransport, ReadsRetryAfterAndSendsDeletes) {
  fake_->fail_next("/api/v3/order", Fault::too_many_requests(std::chrono::seconds{7}));
  auto transport = make(fake_->rest_base_url());
  transport->send(1, signed_order());
  RestOutcome limited = await_reply(1);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.retry_after, std::optional<std::chrono::seconds>{7});
  EXPECT_EQ(binance::classify(binance::RequestKind::place, limited.view()).reply_class,
            binance::ReplyClass::rate_limited);

  fake_->when("/api/v3/order").reply(200, R"({"status":"CANCELED"})");
  binance::RestRequest cancel = signed_order();
  cancel.method = binance::HttpMethod::del;
  transport->send(2, cancel);
  EXPECT_EQ(await_reply(2).status, 200);
  auto requests = fake_->requests_to("/api/v3/order");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].method, "DELETE");
}

TEST_F(BinanceExecTransport, ARefusedConnectionOrABadUrlNeverLeft) {
  auto refused = make("https://127.0.0.1:" + std::to_string(refused_port()));
  refused->send(1, signed_order());
  RestOutcome outcome = await_reply(1);
  EXPECT_EQ(outcome.transport, HttpOutcome::Transport::failed_before_send);
  EXPECT_EQ(outcome.error.rfind("connect_failed: ", 0), 0u) << outcome.error;
  EXPECT_EQ(outcome.error.find(kApiKey), std::string::npos);
  EXPECT_EQ(binance::classify(binance::RequestKind::place, outcome.view()).reply_class,
            binance::ReplyClass::not_sent);

  auto bad = make("ftp://127.0.0.1");
  bad->send(2, signed_order());
  outcome = await_reply(2);
  EXPECT_EQ(outcome.transport, HttpOutcome::Transport::failed_before_send);
  EXPECT_EQ(outcome.error.rfind("invalid_url: ", 0), 0u) << outcome.error;
}

TEST_F(BinanceExecTransport, AStalledOrDroppedReplyMayHaveLeft) {
  net::HttpClientOptions http;
  http.first_byte_timeout = milliseconds{300};
  auto transport = make(fake_->rest_base_url(), http);

  fake_->fail_next("/api/v3/order", Fault::go_silent());
  transport->send(1, signed_order());
  RestOutcome stalled = await_reply(1);
  EXPECT_EQ(stalled.transport, HttpOutcome::Transport::failed_after_send);
  EXPECT_EQ(stalled.error.rfind("timeout: waiting for the first byte", 0), 0u) << stalled.error;
  EXPECT_EQ(binance::classify(binance::RequestKind::place, stalled.view()).reply_class,
            binance::ReplyClass::unknown_outcome);

  fake_->fail_next("/api/v3/order", Fault::drop_connection());
  transport->send(2, signed_order());
  RestOutcome dropped = await_reply(2);
  EXPECT_EQ(dropped.transport, HttpOutcome::Transport::failed_after_send) << dropped.error;
  // Neither was sent a second time.
  EXPECT_EQ(fake_->requests_to("/api/v3/order").size(), 2u);
}

TEST(BinanceExecTransportErrors, OnlyFailuresBeforeTheRequestIsWrittenAreNotSent) {
  using net::client_errc;
  const std::vector<std::pair<net::ClientError, HttpOutcome::Transport>> cases = {
      {{client_errc::invalid_url, "not an http(s) URL"},
       HttpOutcome::Transport::failed_before_send},
      {{client_errc::resolve_failed, "resolve x:443: Host not found"},
       HttpOutcome::Transport::failed_before_send},
      {{client_errc::connect_failed, "connect to x:443: Connection refused"},
       HttpOutcome::Transport::failed_before_send},
      {{client_errc::tls_failed, "TLS handshake with x:443: certificate verify failed"},
       HttpOutcome::Transport::failed_before_send},
      {{client_errc::handshake_failed, "proxy p:3128 refused CONNECT to x:443: 403 Forbidden"},
       HttpOutcome::Transport::failed_before_send},
      {{client_errc::timeout, "connect to x:443: timed out"},
       HttpOutcome::Transport::failed_before_send},
      {{client_errc::timeout, "connect to x:443: timed out (total timeout)"},
       HttpOutcome::Transport::failed_before_send},
      {{client_errc::timeout, "waiting for the first byte from x:443: timed out"},
       HttpOutcome::Transport::failed_after_send},
      {{client_errc::timeout, "read from x:443: timed out"},
       HttpOutcome::Transport::failed_after_send},
      {{client_errc::closed, "x:443 closed the connection"},
       HttpOutcome::Transport::failed_after_send},
      {{client_errc::cancelled, "request to x:443 cancelled"},
       HttpOutcome::Transport::failed_after_send},
      {{client_errc::io_error, "write to x:443: Broken pipe"},
       HttpOutcome::Transport::failed_after_send},
      {{client_errc::protocol_error, "bad version"}, HttpOutcome::Transport::failed_after_send},
      {{client_errc::too_large, "response above 8388608 bytes"},
       HttpOutcome::Transport::failed_after_send},
  };
  for (const auto& [error, expected] : cases) {
    EXPECT_EQ(transport_of(error), expected) << error.message;
  }
}

TEST_F(BinanceExecTransport, CarriesAWebSocketConnectionsOpenTextAndClose) {
  auto transport = make(fake_->rest_base_url());
  const std::string url = fake_->ws_base_url() + "/ws/btcusdt@trade";
  transport->open_ws(3, url);
  WsEvent event = await_ws();
  EXPECT_EQ(event.kind, "open");
  EXPECT_EQ(event.id, 3u);

  const std::string request = R"({"method":"LIST_SUBSCRIPTIONS","id":41})";
  transport->send_ws(3, request);
  transport->send_ws(99, "to a connection that does not exist");  // dropped
  event = await_ws();
  EXPECT_EQ(event.kind, "text");
  EXPECT_EQ(event.id, 3u);
  EXPECT_EQ(event.text, R"({"id":41,"result":["btcusdt@trade"]})");
  ASSERT_TRUE(fake_->ws().wait_for_messages(1, kWait));
  EXPECT_EQ(fake_->ws().messages().at(0).text, request);

  fake_->ws().close_all();
  event = await_ws();
  EXPECT_EQ(event.kind, "closed");
  EXPECT_EQ(event.id, 3u);

  // Our own close is reported too.
  transport->open_ws(4, url);
  ASSERT_EQ(await_ws().kind, "open");
  transport->close_ws(4);
  event = await_ws();
  EXPECT_EQ(event.kind, "closed");
  EXPECT_EQ(event.id, 4u);
  EXPECT_EQ(event.text.rfind("cancelled: ", 0), 0u) << event.text;
}

TEST_F(BinanceExecTransport, AWebSocketThatCannotConnectIsClosed) {
  auto transport = make(fake_->rest_base_url());
  transport->open_ws(5, "wss://127.0.0.1:" + std::to_string(refused_port()) + "/ws-api/v3");
  WsEvent event = await_ws();
  EXPECT_EQ(event.kind, "closed");
  EXPECT_EQ(event.id, 5u);
  EXPECT_EQ(event.text.rfind("connect_failed: ", 0), 0u) << event.text;
}

}  // namespace
}  // namespace autotrader::binance_exec
