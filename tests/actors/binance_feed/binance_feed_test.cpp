// BinanceFeed's logic against an in-memory venue, in virtual time: every scenario ends with
// exactly the closed candles the venue served, none missing, none duplicated, in order.
#include "actors/binance_feed/binance_feed.hpp"

#include <gtest/gtest.h>

#include "tests/actors/binance_feed/feed_harness.hpp"

namespace autotrader::binance_feed::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using Phase = binance::FeedConnection::Phase;

using BinanceFeedLogic = FeedHarness;

TEST_F(BinanceFeedLogic, StartsWithTimeExchangeInfoAndTheCombinedStream) {
  start();
  ASSERT_GE(gets.size(), 2u);
  EXPECT_EQ(gets[0], "http://venue.test/api/v3/time");
  EXPECT_EQ(gets[1], "http://venue.test/api/v3/exchangeInfo?symbols=%5B%22BTCUSDT%22%5D");
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_EQ(urls[0], "ws://venue.test/stream?streams=btcusdt@kline_1m");
  EXPECT_TRUE(feed->server_clock().synced());
  ASSERT_TRUE(feed->exchange_info());
  EXPECT_EQ(feed->rate_limiter().budget(), 3000);
  EXPECT_EQ(feed->connection().phase(), Phase::subscribed);
}

TEST_F(BinanceFeedLogic, WarmsThePipelineFromRestWithoutTellingSubscribersThenDeliversLive) {
  start();
  // The warm-up page: bars 95..99 closed, 100 forming.
  EXPECT_EQ(gets_to("/api/v3/klines"), 1u);
  EXPECT_TRUE(delivered().empty());
  close_bar(100);
  close_bar(101);
  EXPECT_EQ(delivered(), (std::vector<std::int64_t>{100, 101}));
  ASSERT_EQ(outputs.size(), 4u);  // each candle, then its snapshot
  auto* snapshot = std::get_if<feed::SnapshotUpdate>(&outputs[1]);
  ASSERT_NE(snapshot, nullptr);
  EXPECT_EQ(snapshot->snapshot.open_time, bar(100).open_time);
  EXPECT_EQ(snapshot->venue, "binance");
  EXPECT_EQ(cursors->last_delivered("binance", btc()), bar(101).open_time);
  EXPECT_EQ(metrics->gap_filled_candles(btc()), 0);
}

TEST_F(BinanceFeedLogic, ADisconnectInTheMiddleOfACandleIsFilledFromRest) {
  options.missing_candle_check = hours{2};  // only the reconnect's fill may heal it
  start();
  close_bar(100);
  close_bar(101);
  advance(seconds{25});  // into bar 102
  drop_streams();
  EXPECT_EQ(metrics->reconnects("connection_lost"), 1);
  // While it waits for the backoff and 2 s more, bars 102..104 close unseen.
  accept_streams = false;
  close_bar(104, /*stream=*/false);
  accept_streams = true;
  advance(seconds{10});  // the next attempt opens, subscribes and fills
  EXPECT_EQ(delivered(), range(100, 104));
  close_bar(105);
  close_bar(106);
  EXPECT_EQ(delivered(), range(100, 106));
  EXPECT_GE(metrics->gap_filled_candles(btc()), 3);
  EXPECT_GE(metrics->reconnects("connect_failed"), 1);
}

TEST_F(BinanceFeedLogic, SilenceLongerThanTheIdleTimeoutReconnectsAndLosesNothing) {
  options.missing_candle_check = hours{2};  // only the reconnect's fill may heal it
  start();
  close_bar(100);
  pinging = false;  // the connection dies silently: no frames, no pings
  close_bar(101, /*stream=*/false);
  EXPECT_EQ(metrics->reconnects("idle_timeout"), 1);
  EXPECT_EQ(closed.size(), 1u);
  pinging = true;
  close_bar(102);
  close_bar(103);
  EXPECT_EQ(delivered(), range(100, 103));
}

TEST_F(BinanceFeedLogic, RotatesBefore24HoursOverlappingSoThatNoCandleIsLost) {
  options.missing_candle_check = hours{2};  // only the reconnect's fill may heal it
  start();
  for (std::int64_t i = 100; i < 100 + 25 * 60; ++i) close_bar(i);
  EXPECT_EQ(delivered(), range(100, 100 + 25 * 60 - 1));
  EXPECT_EQ(metrics->reconnects("rotation"), 1);
  EXPECT_EQ(opened.size(), 2u);
  EXPECT_EQ(closed, std::vector<std::uint64_t>{opened[0]});
  EXPECT_EQ(metrics->reconnects("connection_lost"), 0);
}

TEST_F(BinanceFeedLogic, ServerShutdownSwitchesConnectionsWithoutDuplicates) {
  start();
  close_bar(100);
  frame(R"({"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1}})");
  EXPECT_EQ(opened.size(), 2u);
  close_bar(101);  // both connections send it
  close_bar(102);
  EXPECT_EQ(delivered(), range(100, 102));
  EXPECT_EQ(metrics->reconnects("server_shutdown"), 1);
  EXPECT_EQ(closed.size(), 1u);
}

TEST_F(BinanceFeedLogic, A429StopsRestCallsUntilRetryAfter) {
  hold_http = true;
  start();
  // time and exchangeInfo answered normally; the first klines page gets a 429.
  auto answer_held = [&](std::optional<HttpReply> override_reply = std::nullopt) {
    ASSERT_FALSE(held.empty());
    auto get = held.front();
    held.erase(held.begin());
    feed->on_http_reply(get.id, override_reply ? *override_reply : venue.answer(get.url, wall), now,
                        wall);
    settle();
  };
  answer_held();
  answer_held();
  ASSERT_EQ(held.size(), 1u);
  ASSERT_NE(held[0].url.find("/api/v3/klines"), std::string::npos);
  HttpReply too_many;
  too_many.responded = true;
  too_many.status = 429;
  too_many.retry_after = seconds{30};
  too_many.body = R"({"code":-1003,"msg":"Too many requests."})";
  answer_held(too_many);
  EXPECT_EQ(feed->rate_limiter().state(), binance::RateLimitState::rate_limited);
  EXPECT_EQ(binance_metrics->rate_limit_state(), 2);
  EXPECT_EQ(binance_metrics->rest_failures(Endpoint::klines, RestFailure::rate_limited), 1);
  advance(seconds{29});
  EXPECT_TRUE(held.empty());  // nothing went out
  advance(seconds{2});
  ASSERT_EQ(held.size(), 1u);
  hold_http = false;
  answer_held();
  close_bar(100);
  EXPECT_EQ(delivered(), std::vector<std::int64_t>{100});
}

TEST_F(BinanceFeedLogic, A418BansEveryCallUntilTheBanEnds) {
  options.missing_candle_check = hours{2};  // only the reconnect's fill may heal it
  start();
  close_bar(100);
  drop_streams();
  accept_streams = false;  // down until bar 103 has closed
  close_bar(103, /*stream=*/false);
  accept_streams = true;
  HttpReply banned;
  banned.responded = true;
  banned.status = 418;
  banned.retry_after = seconds{600};
  scripted.push_back(banned);
  advance(seconds{10});  // reconnects; its fill is answered 418
  EXPECT_EQ(binance_metrics->rate_limit_state(), 3);
  EXPECT_EQ(binance_metrics->rest_failures(Endpoint::klines, RestFailure::banned), 1);
  const auto gets_when_banned = gets.size();
  for (std::int64_t i = 104; i <= 112; ++i) close_bar(i);  // the stream goes on meanwhile
  EXPECT_EQ(gets.size(), gets_when_banned);                // but REST stays silent
  EXPECT_EQ(delivered(), std::vector<std::int64_t>{100});  // later bars wait for the gap
  for (std::int64_t i = 113; i <= 114; ++i) close_bar(i);  // the ban ends in bar 113
  EXPECT_EQ(delivered(), range(100, 114));
  EXPECT_EQ(binance_metrics->rate_limit_state(), 0);
}

TEST_F(BinanceFeedLogic, ResyncsTheServerClockOnInvalidTimestamp) {
  start();
  close_bar(100);
  const auto time_requests = gets_to("/api/v3/time");
  HttpReply invalid;
  invalid.responded = true;
  invalid.status = 400;
  invalid.body =
      R"({"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."})";
  scripted.push_back(invalid);
  drop_streams();
  close_bar(102, /*stream=*/false);  // the reconnect's fill gets the -1021
  EXPECT_EQ(binance_metrics->rest_failures(Endpoint::klines, RestFailure::api_error), 1);
  EXPECT_EQ(gets_to("/api/v3/time"), time_requests + 1);
  close_bar(103);
  EXPECT_EQ(delivered(), range(100, 103));  // the fill was retried
}

TEST_F(BinanceFeedLogic, CountsAndDropsMalformedFramesAndGoesOn) {
  start();
  frame("{\"stream\":\"btcusdt@kline_1m\",\"data\":{\"e\":\"kline\"");
  frame("not json");
  EXPECT_EQ(binance_metrics->malformed_frames(), 2);
  close_bar(100);
  EXPECT_EQ(delivered(), std::vector<std::int64_t>{100});
}

TEST_F(BinanceFeedLogic, ReportsStaleAndRecoveredOnce) {
  options.stale_after = seconds{45};
  start();
  close_bar(100);        // 30 s after the start: not stale yet
  advance(seconds{46});  // pings keep the connection, but only data counts against staleness
  auto events = stale_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].stale);
  EXPECT_EQ(events[0].last_message, bar(100).close_time + 1 + stream_delay);
  EXPECT_EQ(metrics->stale(btc()), 1);
  close_bar(101);
  events = stale_events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[1].stale);
  EXPECT_EQ(metrics->stale(btc()), 0);
}

TEST_F(BinanceFeedLogic, ResumesRightAfterTheCursorAndWarmsUpBeforeIt) {
  cursors->record_delivery("binance", btc(), bar(97).open_time);  // a previous life got to 97
  start();
  EXPECT_TRUE(feed->resumed());
  // 98 and 99 closed while it was down: filled from REST; 92..97 only warmed the pipeline.
  EXPECT_EQ(delivered(), range(98, 99));
  close_bar(100);
  EXPECT_EQ(delivered(), range(98, 100));
  EXPECT_EQ(metrics->gap_filled_candles(btc()), 2);
}

TEST_F(BinanceFeedLogic, FetchesACandleTheStreamNeverSent) {
  start();
  close_bar(100);
  close_bar(101, /*stream=*/false);  // lost, though the connection stays up
  advance(seconds{20});              // the missing-candle check asks REST
  EXPECT_EQ(delivered(), range(100, 101));
}

TEST_F(BinanceFeedLogic, SkipsHolesInBinancesHistory) {
  options.missing_candle_check = hours{2};  // only the reconnect's fill may heal it
  venue.holes = {102, 103};
  start();
  close_bar(100);
  drop_streams();
  close_bar(105, /*stream=*/false);
  close_bar(106);
  EXPECT_EQ(delivered(), (std::vector<std::int64_t>{100, 101, 104, 105, 106}));
}

TEST_F(BinanceFeedLogic, ServesSeveralSymbolsEachInOrder) {
  options.symbols = {btc(), *core::Symbol::parse("ETHUSDT")};
  start();
  EXPECT_EQ(urls[0], "ws://venue.test/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m");
  auto eth = *core::Symbol::parse("ETHUSDT");
  close_bar(100);
  frame(kline_frame(bar(100, eth), true));
  drop_streams();
  close_bar(103, /*stream=*/false);
  close_bar(104);
  frame(kline_frame(bar(104, eth), true));
  std::vector<std::int64_t> btc_bars, eth_bars;
  for (const auto& o : outputs) {
    if (auto* c = std::get_if<feed::CandleClosed>(&o)) {
      (c->candle.symbol == eth ? eth_bars : btc_bars).push_back(index_of(c->candle));
    }
  }
  EXPECT_EQ(btc_bars, range(100, 104));
  EXPECT_EQ(eth_bars, range(100, 104));
}

TEST(BinanceFeedOptionsValidation, NamesWhatIsWrong) {
  BinanceFeedOptions options;
  EXPECT_EQ(validate(options), "no symbols are configured");
  options.symbols = {btc()};
  EXPECT_EQ(validate(options), "");
  options.rest_base_url = "wss://x";
  EXPECT_NE(validate(options).find("REST base URL"), std::string::npos);
  options.rest_base_url = "https://x";
  options.ws_base_url = "https://x";
  EXPECT_NE(validate(options).find("WebSocket base URL"), std::string::npos);
  options.ws_base_url = "wss://x";
  options.warmup_candles = 1001;
  EXPECT_NE(validate(options).find("warmup_candles"), std::string::npos);
  options.warmup_candles = 10;
  options.rate_limit.budget_fraction = 1.5;
  EXPECT_NE(validate(options).find("budget"), std::string::npos);
}

}  // namespace
}  // namespace autotrader::binance_feed::testing
