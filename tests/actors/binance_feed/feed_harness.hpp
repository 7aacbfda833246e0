#pragma once
// Drives a BinanceFeed (no CAF, no sockets) against a VenueModel in virtual time: performs its I/O
// commands (HTTP answered by the venue, stream handshakes completed) unless told to hold them,
// sends stream pings every 20 s like Binance, and runs its ticks as time advances.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <set>
#include <vector>

#include <prometheus/registry.h>

#include "actors/binance_feed/binance_feed.hpp"
#include "actors/binance_feed/binance_metrics.hpp"
#include "tests/actors/binance_feed/venue_model.hpp"

namespace autotrader::binance_feed::testing {

class FeedHarness : public ::testing::Test {
 protected:
  using TimePoint = BinanceFeed::TimePoint;
  using ms = std::chrono::milliseconds;

  FeedHarness() {
    options.symbols = {btc()};
    options.rest_base_url = "http://venue.test";
    options.ws_base_url = "ws://venue.test";
    options.warmup_candles = 5;
  }

  void make() {
    metrics = std::make_shared<feed::FeedMetrics>(*registry, options.venue, options.symbols,
                                                  binance::reconnect_reason_names());
    binance_metrics = std::make_shared<BinanceMetrics>(*registry, options.venue);
    BinanceFeed::Stores stores{cursors, metrics, binance_metrics, nullptr,
                               std::make_shared<core::FixedRandom>(0.0)};
    feed = std::make_unique<BinanceFeed>(
        options, stores, [this](const IoCommand& c) { commands.push_back(c); },
        [this](const FeedOutput& o) { outputs.push_back(o); });
  }

  void start() {
    if (!feed) make();
    feed->start(now, wall);
    settle();
  }

  // Carries out the feed's commands until none is left.
  void settle() {
    while (!commands.empty()) {
      IoCommand command = commands.front();
      commands.pop_front();
      if (auto* open = std::get_if<io::OpenStream>(&command)) {
        opened.push_back(open->id);
        urls.push_back(open->url);
        if (accept_streams) {
          streams.insert(open->id);
          feed->on_stream_open(open->id, now, wall);
        } else {
          feed->on_stream_closed(open->id, "connect_failed: refused", now, wall);
        }
      } else if (auto* close = std::get_if<io::CloseStream>(&command)) {
        closed.push_back(close->id);
        streams.erase(close->id);
      } else if (auto* get = std::get_if<io::HttpGet>(&command)) {
        gets.push_back(get->url);
        if (hold_http) {
          held.push_back(*get);
        } else {
          feed->on_http_reply(get->id, reply_to(get->url), now, wall);
        }
      }
    }
  }

  // The venue's answer, or a scripted one first.
  HttpReply reply_to(const std::string& url) {
    if (!scripted.empty()) {
      HttpReply reply = scripted.front();
      scripted.pop_front();
      return reply;
    }
    return venue.answer(url, wall);
  }

  // Moves time forward in 1-second steps: pings every 20 s on open streams (if pinging), ticks
  // whenever the feed's deadline has come.
  void advance(ms d) {
    const TimePoint target = now + d;
    while (now < target) {
      const ms step = std::min<ms>(ms{1000}, std::chrono::duration_cast<ms>(target - now));
      now += step;
      wall += step.count();
      if (pinging && now - last_ping >= ms{20'000}) {
        last_ping = now;
        for (auto id : std::set<std::uint64_t>{streams}) feed->on_stream_ping(id, now, wall);
        settle();
      }
      while (auto deadline = feed->next_deadline()) {
        if (*deadline > now) break;
        feed->on_tick(now, wall);
        settle();
      }
    }
  }

  // Advances to just after bar i closes; the stream sends it closed on every open connection.
  void close_bar(std::int64_t i, bool stream = true) {
    const core::TimestampMs at = bar(i).close_time + 1 + stream_delay;
    if (at > wall) advance(ms{at - wall});
    if (!stream) return;
    for (auto id : std::set<std::uint64_t>{streams}) {
      if (venue.holes.count(i) == 0)
        feed->on_stream_frame(id, kline_frame(bar(i), true), now, wall);
    }
    settle();
  }

  void frame(const std::string& text) {
    for (auto id : std::set<std::uint64_t>{streams}) feed->on_stream_frame(id, text, now, wall);
    settle();
  }

  // The transport loses every stream connection.
  void drop_streams(const std::string& reason = "closed: connection lost") {
    for (auto id : std::set<std::uint64_t>{streams}) {
      streams.erase(id);
      feed->on_stream_closed(id, reason, now, wall);
    }
    settle();
  }

  std::vector<std::int64_t> delivered() const {
    std::vector<std::int64_t> out;
    for (const auto& o : outputs) {
      if (auto* c = std::get_if<feed::CandleClosed>(&o)) out.push_back(index_of(c->candle));
    }
    return out;
  }
  std::vector<feed::DataStale> stale_events() const {
    std::vector<feed::DataStale> out;
    for (const auto& o : outputs) {
      if (auto* s = std::get_if<feed::DataStale>(&o)) out.push_back(*s);
    }
    return out;
  }
  std::size_t gets_to(const std::string& path) const {
    std::size_t n = 0;
    for (const auto& url : gets) n += url.find(path) != std::string::npos;
    return n;
  }
  static std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> out;
    for (auto i = from; i <= to; ++i) out.push_back(i);
    return out;
  }

  BinanceFeedOptions options;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<feed::FeedCursorStore> cursors = std::make_shared<feed::FeedCursorStore>();
  std::shared_ptr<feed::FeedMetrics> metrics;
  std::shared_ptr<BinanceMetrics> binance_metrics;
  std::unique_ptr<BinanceFeed> feed;
  VenueModel venue;

  TimePoint now{std::chrono::hours{1000}};
  TimePoint last_ping = now;
  core::TimestampMs wall = kT0 + 100 * kMinute + 30'000;  // bar 100 is forming
  core::TimestampMs stream_delay = 50;                    // close -> frame on the wire

  bool accept_streams = true;
  bool hold_http = false;
  bool pinging = true;
  std::deque<HttpReply> scripted;

  std::deque<IoCommand> commands;
  std::vector<FeedOutput> outputs;
  std::set<std::uint64_t> streams;  // open on the transport
  std::vector<std::uint64_t> opened, closed;
  std::vector<std::string> urls, gets;
  std::vector<io::HttpGet> held;
};

}  // namespace autotrader::binance_feed::testing
