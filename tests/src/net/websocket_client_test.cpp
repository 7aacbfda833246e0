// WebSocketClient against the fake Binance server (plain and TLS on one port) and against silent
// or absent peers.
#include "net/websocket_client.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/src/net/client_test_support.hpp"

namespace autotrader::net {
namespace {

using fakes::binance::FakeBinance;
using fakes::binance::FakeBinanceOptions;
using std::chrono::milliseconds;
using test::Latch;

// Everything one connection reported, collected from the I/O thread.
struct Recorder {
  Latch<bool> opened;
  Latch<ClientError> closed;
  std::mutex mutex;
  std::vector<std::string> messages;
  std::size_t pings = 0;
  std::condition_variable cv;

  WebSocketHandlers handlers() {
    WebSocketHandlers h;
    h.on_open = [this] { opened.set(true); };
    h.on_message = [this](std::string m) {
      std::lock_guard lock{mutex};
      messages.push_back(std::move(m));
      cv.notify_all();
    };
    h.on_ping = [this] {
      std::lock_guard lock{mutex};
      ++pings;
      cv.notify_all();
    };
    h.on_close = [this](ClientError e) { closed.set(std::move(e)); };
    return h;
  }
  bool wait_messages(std::size_t n) {
    std::unique_lock lock{mutex};
    return cv.wait_for(lock, test::kWait, [&] { return messages.size() >= n; });
  }
  bool wait_pings(std::size_t n) {
    std::unique_lock lock{mutex};
    return cv.wait_for(lock, test::kWait, [&] { return pings >= n; });
  }
};

class NetWebSocketClient : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeBinanceOptions options;
    options.tls = identity;
    options.ping_interval = milliseconds{50};
    fake = std::make_unique<FakeBinance>(options);
    auto error = fake->start();
    ASSERT_FALSE(error) << *error;
  }

  std::shared_ptr<ClientContext> trusting() {
    return std::make_shared<ClientContext>(TlsOptions{true, "", identity.certificate_pem});
  }
  std::string stream_url() const {
    return fake->ws_base_url() + "/stream?streams=btcusdt@kline_1m";
  }
  static core::Candle candle() {
    core::Candle c;
    c.symbol = *core::Symbol::parse("BTCUSDT");
    c.open_time = 1'700'000'040'000;
    c.close_time = c.open_time + 59'999;
    c.open = c.high = c.low = c.close = 100;
    c.closed = true;
    return c;
  }

  fakes::binance::TlsIdentity identity = fakes::binance::make_self_signed_identity();
  std::unique_ptr<FakeBinance> fake;
};

TEST_F(NetWebSocketClient, OpensOverTlsReceivesMessagesAndAnswersPings) {
  WebSocketClient client{trusting()};
  Recorder rec;
  client.connect(stream_url(), rec.handlers());
  ASSERT_TRUE(rec.opened.wait());
  ASSERT_TRUE(fake->ws().wait_until_subscribed("btcusdt@kline_1m", milliseconds{5'000}));
  fake->publish_kline(candle());
  ASSERT_TRUE(rec.wait_messages(1));
  {
    std::lock_guard lock{rec.mutex};
    EXPECT_NE(rec.messages[0].find("\"stream\":\"btcusdt@kline_1m\""), std::string::npos);
  }
  ASSERT_TRUE(rec.wait_pings(2));
  EXPECT_TRUE(fake->ws().wait_for_pongs(2, milliseconds{5'000}));  // Beast answered them
  ASSERT_TRUE(fake->ws().connections().at(0).tls);
}

TEST_F(NetWebSocketClient, SendsTextMessages) {
  WebSocketClient client{trusting()};
  Recorder rec;
  client.connect(fake->ws_base_url() + "/ws", rec.handlers());
  ASSERT_TRUE(rec.opened.wait());
  client.send(R"({"method":"LIST_SUBSCRIPTIONS","id":3})");
  ASSERT_TRUE(fake->ws().wait_for_messages(1, milliseconds{5'000}));
  EXPECT_EQ(fake->ws().messages().at(0).text, R"({"method":"LIST_SUBSCRIPTIONS","id":3})");
  ASSERT_TRUE(rec.wait_messages(1));
  std::lock_guard lock{rec.mutex};
  EXPECT_NE(rec.messages[0].find("\"id\":3"), std::string::npos);
}

TEST_F(NetWebSocketClient, ReportsTheServersCloseAndADroppedConnection) {
  WebSocketClient a{trusting()};
  Recorder rec_a;
  a.connect(stream_url(), rec_a.handlers());
  ASSERT_TRUE(rec_a.opened.wait());
  fake->ws().close_all();
  auto closed = rec_a.closed.wait();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, client_errc::closed);
  EXPECT_NE(closed->message.find("1001"), std::string::npos) << closed->message;

  WebSocketClient b{trusting()};
  Recorder rec_b;
  b.connect(stream_url(), rec_b.handlers());
  ASSERT_TRUE(rec_b.opened.wait());
  fake->ws().drop_all();
  closed = rec_b.closed.wait();
  ASSERT_TRUE(closed);
  EXPECT_TRUE(closed->code == client_errc::closed || closed->code == client_errc::io_error)
      << to_string(closed->code) << ": " << closed->message;
}

TEST_F(NetWebSocketClient, OurCloseEndsWithCancelled) {
  WebSocketClient client{trusting()};
  Recorder rec;
  client.connect(stream_url(), rec.handlers());
  ASSERT_TRUE(rec.opened.wait());
  client.close();
  auto closed = rec.closed.wait();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, client_errc::cancelled);
  EXPECT_TRUE(fake->ws().wait_for_no_connections(milliseconds{5'000}));
}

TEST_F(NetWebSocketClient, RefusesAnUntrustedCertificate) {
  WebSocketClient client{std::make_shared<ClientContext>()};
  Recorder rec;
  client.connect(stream_url(), rec.handlers());
  auto closed = rec.closed.wait();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, client_errc::tls_failed);
  EXPECT_FALSE(rec.opened.wait(milliseconds{0}));
}

TEST_F(NetWebSocketClient, AllowsPlainWsForLoopback) {
  WebSocketClient client{std::make_shared<ClientContext>()};
  Recorder rec;
  client.connect("ws://127.0.0.1:" + std::to_string(fake->port()) + "/ws/btcusdt@kline_1m",
                 rec.handlers());
  EXPECT_TRUE(rec.opened.wait());
}

TEST_F(NetWebSocketClient, ReportsInvalidUrlsRefusedConnectionsAndRefusedUpgrades) {
  auto context = std::make_shared<ClientContext>();
  for (const std::string& url :
       {std::string{"https://127.0.0.1/"}, std::string{"nonsense"},
        "ws://127.0.0.1:" + std::to_string(test::closed_port()) + "/ws",
        "ws://127.0.0.1:" + std::to_string(fake->port()) + "/api/v3/time"}) {
    WebSocketClient client{context};
    Recorder rec;
    client.connect(url, rec.handlers());
    auto closed = rec.closed.wait();
    ASSERT_TRUE(closed) << url;
    EXPECT_FALSE(rec.opened.wait(milliseconds{0}));
    if (url.rfind("ws://", 0) != 0) {
      EXPECT_EQ(closed->code, client_errc::invalid_url) << url;
    } else if (url.find("/ws") != std::string::npos) {
      EXPECT_EQ(closed->code, client_errc::connect_failed) << url;
    } else {
      EXPECT_EQ(closed->code, client_errc::handshake_failed) << closed->message;
    }
  }
}

TEST_F(NetWebSocketClient, TimesOutInTheTlsAndUpgradePhases) {
  WebSocketOptions options;
  options.connect_timeout = milliseconds{300};
  options.handshake_timeout = milliseconds{300};
  test::SilentListener silent;
  for (const char* scheme : {"wss", "ws"}) {
    WebSocketClient client{trusting(), options};
    Recorder rec;
    client.connect(std::string{scheme} + "://127.0.0.1:" + std::to_string(silent.port()) + "/ws",
                   rec.handlers());
    auto closed = rec.closed.wait();
    ASSERT_TRUE(closed) << scheme;
    EXPECT_EQ(closed->code, client_errc::timeout) << scheme << ": " << closed->message;
  }
}

TEST_F(NetWebSocketClient, CapsTheMessageSize) {
  WebSocketOptions options;
  options.max_message_bytes = 100;
  WebSocketClient client{trusting(), options};
  Recorder rec;
  client.connect(stream_url(), rec.handlers());
  ASSERT_TRUE(rec.opened.wait());
  fake->ws().send_raw(std::string(500, 'x'));
  auto closed = rec.closed.wait();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, client_errc::too_large) << closed->message;
}

}  // namespace
}  // namespace autotrader::net
