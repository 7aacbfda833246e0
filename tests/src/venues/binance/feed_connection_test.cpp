#include "venues/binance/feed_connection.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace autotrader::binance {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Phase = FeedConnection::Phase;

// Effects rendered as short words, so expectations read like the protocol.
std::vector<std::string> words(const Effects& effects) {
  std::vector<std::string> out;
  for (const auto& e : effects) {
    if (auto* open = std::get_if<effect::Open>(&e))
      out.push_back("open " + std::to_string(open->id));
    if (auto* close = std::get_if<effect::Close>(&e)) {
      out.push_back("close " + std::to_string(close->id));
    }
    if (auto* count = std::get_if<effect::CountReconnect>(&e)) {
      out.push_back(std::string{"count "} + to_string(count->reason));
    }
    if (std::holds_alternative<effect::FillGaps>(e)) out.push_back("fill");
    if (std::holds_alternative<effect::SyncTime>(e)) out.push_back("sync");
  }
  return out;
}

using Words = std::vector<std::string>;

class BinanceFeedConnection : public ::testing::Test {
 protected:
  FeedConnection::TimePoint now{hours{1000}};
  FeedConnection conn{FeedConnectionOptions{}, std::make_shared<core::FixedRandom>(0.0)};

  Words start() { return words(conn.start(now)); }
  Words tick(milliseconds d) {
    now += d;
    return words(conn.on_tick(now));
  }
  // Connection `id` gets through the handshake and sends a frame.
  void stream(ConnectionId id) {
    conn.on_open(id, now);
    conn.on_frame(id, now);
  }
};

TEST_F(BinanceFeedConnection, ConnectsSubscribesFillsGapsAndStreams) {
  EXPECT_EQ(start(), (Words{"sync", "open 1"}));
  EXPECT_EQ(conn.phase(), Phase::connecting);
  EXPECT_FALSE(conn.accepts(1));
  EXPECT_EQ(words(conn.on_open(1, now)), Words{"fill"});
  EXPECT_EQ(conn.phase(), Phase::subscribed);
  EXPECT_TRUE(conn.accepts(1));
  EXPECT_TRUE(words(conn.on_frame(1, now)).empty());
  EXPECT_EQ(conn.phase(), Phase::streaming);
  EXPECT_TRUE(conn.is_primary(1));
  EXPECT_TRUE(start().empty());  // starting twice does nothing
}

TEST_F(BinanceFeedConnection, FailedConnectsBackOffAndAStreamingConnectionResetsTheBackoff) {
  start();
  EXPECT_EQ(words(conn.on_closed(1, now)), Words{"count connect_failed"});
  EXPECT_EQ(conn.phase(), Phase::waiting);
  EXPECT_EQ(conn.next_deadline(), now + milliseconds{2000});
  EXPECT_TRUE(tick(milliseconds{1999}).empty());
  EXPECT_EQ(tick(milliseconds{1}), Words{"open 2"});
  conn.on_closed(2, now);
  EXPECT_EQ(conn.next_deadline(), now + milliseconds{3000});
  EXPECT_EQ(tick(milliseconds{3000}), Words{"open 3"});
  conn.on_open(3, now);
  conn.on_closed(3, now);  // subscribed but never streamed: the backoff keeps growing
  EXPECT_EQ(conn.next_deadline(), now + milliseconds{4500});
  EXPECT_EQ(tick(milliseconds{4500}), Words{"open 4"});
  stream(4);
  EXPECT_EQ(words(conn.on_closed(4, now)), Words{"count connection_lost"});
  EXPECT_EQ(conn.next_deadline(), now + milliseconds{2000});
  EXPECT_EQ(tick(milliseconds{2000}), Words{"open 5"});
  EXPECT_EQ(words(conn.on_open(5, now)), Words{"fill"});  // gap fill after every reconnect
}

TEST_F(BinanceFeedConnection, SilenceLongerThanTheIdleTimeoutReconnects) {
  start();
  stream(1);
  EXPECT_TRUE(tick(seconds{49}).empty());
  conn.on_frame(1, now);  // a frame (or a ping) resets the clock
  EXPECT_TRUE(tick(seconds{49}).empty());
  EXPECT_EQ(tick(seconds{1}), (Words{"close 1", "count idle_timeout"}));
  EXPECT_EQ(conn.phase(), Phase::waiting);
  EXPECT_TRUE(words(conn.on_closed(1, now)).empty());  // the closed one's report is stale
  EXPECT_FALSE(conn.accepts(1));
  EXPECT_EQ(tick(seconds{2}), Words{"open 2"});
}

TEST_F(BinanceFeedConnection, AConnectNeverAnsweredTimesOut) {
  start();
  EXPECT_EQ(tick(seconds{50}), (Words{"close 1", "count connect_failed"}));
}

TEST_F(BinanceFeedConnection, RotatesBefore24HoursWithOverlap) {
  start();
  stream(1);
  for (int i = 0; i < 23 * 60; ++i) {  // frames every minute for 23 hours
    now += seconds{60};
    conn.on_frame(1, now);
    auto effects = words(conn.on_tick(now));
    effects.erase(std::remove(effects.begin(), effects.end(), "sync"), effects.end());  // hourly
    if (i < 23 * 60 - 1) {
      ASSERT_TRUE(effects.empty()) << i;
    } else {
      EXPECT_EQ(effects, Words{"open 2"});
    }
  }
  EXPECT_TRUE(conn.rotating());
  EXPECT_TRUE(conn.accepts(1));  // the old one still delivers during the overlap
  EXPECT_TRUE(words(conn.on_open(2, now)).empty());
  EXPECT_TRUE(conn.accepts(2));
  EXPECT_TRUE(conn.is_primary(1));
  EXPECT_EQ(words(conn.on_frame(2, now)), (Words{"close 1", "count rotation", "fill"}));
  EXPECT_TRUE(conn.is_primary(2));
  EXPECT_FALSE(conn.accepts(1));
  EXPECT_FALSE(conn.rotating());
  EXPECT_EQ(conn.phase(), Phase::streaming);
}

TEST_F(BinanceFeedConnection, AFailedRotationIsRetriedAfterBackoffWithoutTouchingThePrimary) {
  FeedConnectionOptions options;
  options.rotation_period = seconds{30};
  FeedConnection c{options, std::make_shared<core::FixedRandom>(0.0)};
  c.start(now);
  c.on_open(1, now);
  c.on_frame(1, now);
  now += seconds{30};
  c.on_frame(1, now);
  EXPECT_EQ(words(c.on_tick(now)), Words{"open 2"});
  EXPECT_TRUE(words(c.on_closed(2, now)).empty());
  EXPECT_TRUE(c.is_primary(1));
  EXPECT_EQ(c.next_deadline(), now + milliseconds{2000});
  now += seconds{2};
  EXPECT_EQ(words(c.on_tick(now)), Words{"open 3"});
  // A candidate that connects but never streams is given up after the idle timeout.
  c.on_open(3, now);
  for (int i = 0; i < 5; ++i) {
    now += seconds{10};
    c.on_frame(1, now);
    auto effects = words(c.on_tick(now));
    if (i == 4) {
      EXPECT_EQ(effects, Words{"close 3"});
    }
  }
  EXPECT_TRUE(c.is_primary(1));
}

TEST_F(BinanceFeedConnection, ServerShutdownSwitchesToANewConnectionAtOnce) {
  start();
  stream(1);
  EXPECT_EQ(words(conn.on_server_shutdown(1, now)), Words{"open 2"});
  EXPECT_TRUE(words(conn.on_server_shutdown(1, now)).empty());  // one switch at a time
  conn.on_open(2, now);
  EXPECT_EQ(words(conn.on_frame(2, now)), (Words{"close 1", "count server_shutdown", "fill"}));
}

TEST_F(BinanceFeedConnection, APrimaryLostDuringRotationHandsOverToTheCandidate) {
  start();
  stream(1);
  conn.on_server_shutdown(1, now);
  conn.on_open(2, now);
  EXPECT_EQ(words(conn.on_closed(1, now)), (Words{"count connection_lost", "fill"}));
  EXPECT_TRUE(conn.is_primary(2));
  EXPECT_EQ(conn.phase(), Phase::subscribed);
  // Before the candidate is through the handshake, it simply becomes the pending attempt.
  conn.on_frame(2, now);
  conn.on_server_shutdown(2, now);  // opens 3
  EXPECT_EQ(words(conn.on_closed(2, now)), Words{"count connection_lost"});
  EXPECT_EQ(conn.phase(), Phase::connecting);
  EXPECT_EQ(words(conn.on_open(3, now)), Words{"fill"});
}

TEST_F(BinanceFeedConnection, SyncsTheServerClockAtStartHourlyAndOnInvalidTimestamp) {
  start();
  stream(1);
  EXPECT_EQ(words(conn.on_api_error(-1021)), Words{"sync"});
  EXPECT_TRUE(words(conn.on_api_error(-1121)).empty());
  for (int i = 0; i < 59; ++i) {
    now += seconds{60};
    conn.on_frame(1, now);
    ASSERT_TRUE(words(conn.on_tick(now)).empty());
  }
  now += seconds{60};
  conn.on_frame(1, now);
  EXPECT_EQ(words(conn.on_tick(now)), Words{"sync"});
}

TEST_F(BinanceFeedConnection, IgnoresReportsForUnknownConnections) {
  start();
  EXPECT_TRUE(words(conn.on_open(7, now)).empty());
  EXPECT_TRUE(words(conn.on_frame(7, now)).empty());
  EXPECT_TRUE(words(conn.on_closed(7, now)).empty());
  EXPECT_TRUE(words(conn.on_server_shutdown(7, now)).empty());
  EXPECT_TRUE(words(conn.on_closed(0, now)).empty());
  EXPECT_EQ(conn.phase(), Phase::connecting);
}

TEST(BinanceReconnectReason, NamesEveryReason) {
  EXPECT_EQ(reconnect_reason_names(),
            (std::vector<std::string>{"connection_lost", "connect_failed", "idle_timeout",
                                      "server_shutdown", "rotation"}));
}

}  // namespace
}  // namespace autotrader::binance
