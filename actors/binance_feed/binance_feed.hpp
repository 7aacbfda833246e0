#pragma once
// The logic of the Binance feed, without CAF and without sockets: it drives the connection state
// machine, one CandleSequencer and one market::SymbolPipeline per symbol, the REST rate limiter
// and the server clock, and says what I/O to do (IoCommand) and what to tell subscribers
// (feed::FeedOutput). The actor (binance_feed_actor.hpp) performs the I/O through a transport and
// feeds the results back; tests drive this class directly in virtual time.
//
// What it does, in order:
//   - start: GET /api/v3/time and exchangeInfo (the weight limit), open the combined stream.
//   - once subscribed and the server clock is known: every candle that closed since the resume
//     point comes from REST klines pages (the sequencer says which), then the stream takes over;
//     the same after every reconnect, rotation, and every missing_candle_check for a candle the
//     stream never sent.
//   - warm-up: the pipeline also gets the warmup_candles before the resume point (from REST),
//     without telling subscribers, so indicators are warm when the first live candle goes out.
//     Resume point: right after the cursor (FeedCursorStore) of a restarted feed, or, on a first
//     start, the candles closing after the start.
//   - REST requests go one at a time, each admitted by the RateLimiter; a failed one is retried
//     after a growing backoff; 429/418 stop them all until the limiter lets go.
//   - stale detection per symbol from stream messages (feed::StaleWatch).
//
// Plain class, not thread-safe: owned by the feed actor. Time (steady and wall) is an argument.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "actors/binance_feed/binance_metrics.hpp"
#include "actors/feed/cursor_store.hpp"
#include "actors/feed/feed_metrics.hpp"
#include "actors/feed/protocol.hpp"
#include "actors/feed/stale_watch.hpp"
#include "market/pipeline.hpp"
#include "venues/binance/candle_sequencer.hpp"
#include "venues/binance/endpoints.hpp"
#include "venues/binance/exchange_info.hpp"
#include "venues/binance/feed_connection.hpp"
#include "venues/binance/rate_limiter.hpp"

namespace spdlog {
class logger;
}

namespace autotrader::binance_feed {

struct BinanceFeedOptions {
  std::string venue = "binance";
  // Spot testnet by default (reference binance.md §1).
  std::string rest_base_url = "https://testnet.binance.vision";
  std::string ws_base_url = "wss://stream.testnet.binance.vision";
  std::vector<core::Symbol> symbols;
  core::Interval interval = core::Interval::m1;
  // Also subscribe to <symbol>@trade (trades count as messages for staleness; nothing else yet).
  bool trades = false;
  binance::FeedConnectionOptions connection;
  binance::RateLimiterOptions rate_limit;
  binance::SequencerOptions sequencer;
  // Candles before the resume point fed to the pipeline only (at most one page, 1000).
  std::size_t warmup_candles = 200;
  // A symbol without any stream message for this long is stale.
  std::chrono::milliseconds stale_after{60'000};
  // How long after a candle's close the stream may take before REST is asked for it.
  std::chrono::milliseconds missing_candle_check{10'000};
  // Retry of a failed REST request: grows ×2 from `min` to `max` (no jitter needed: one client).
  std::chrono::milliseconds rest_retry_min{1'000};
  std::chrono::milliseconds rest_retry_max{60'000};
  market::PipelineOptions pipeline;
};

// Empty when the options can run; otherwise what is wrong, as one sentence.
std::string validate(const BinanceFeedOptions& options);

namespace io {
struct OpenStream {
  binance::ConnectionId id = 0;
  std::string url;
};
struct CloseStream {
  binance::ConnectionId id = 0;
};
struct HttpGet {
  std::uint64_t id = 0;
  std::string url;
};
}  // namespace io
using IoCommand = std::variant<io::OpenStream, io::CloseStream, io::HttpGet>;

// What subscribers are told (the same variant as the sim feed's feed::FeedOutput).
using FeedOutput = feed::FeedOutput;

// What came back for an io::HttpGet.
struct HttpReply {
  bool responded = false;  // false: no response (the transport failed; see error)
  int status = 0;
  std::optional<std::int64_t> used_weight_1m;
  std::optional<std::chrono::seconds> retry_after;
  std::string body;
  std::string error;
};

class BinanceFeed {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Emit = std::function<void(const FeedOutput&)>;
  using Io = std::function<void(const IoCommand&)>;

  struct Stores {
    std::shared_ptr<feed::FeedCursorStore> cursors;   // required
    std::shared_ptr<feed::FeedMetrics> metrics;       // required
    std::shared_ptr<BinanceMetrics> binance_metrics;  // required
    std::shared_ptr<spdlog::logger> log;              // may be null
    std::shared_ptr<core::Random> random;             // reconnect jitter; required
  };

  // `options` must pass validate().
  BinanceFeed(BinanceFeedOptions options, Stores stores, Io io, Emit emit);
  ~BinanceFeed();

  void start(TimePoint now, core::TimestampMs wall);
  void on_stream_open(binance::ConnectionId id, TimePoint now, core::TimestampMs wall);
  void on_stream_frame(binance::ConnectionId id, std::string_view text, TimePoint now,
                       core::TimestampMs wall);
  void on_stream_ping(binance::ConnectionId id, TimePoint now, core::TimestampMs wall);
  void on_stream_closed(binance::ConnectionId id, std::string_view reason, TimePoint now,
                        core::TimestampMs wall);
  void on_http_reply(std::uint64_t id, const HttpReply& reply, TimePoint now,
                     core::TimestampMs wall);
  // Runs whatever is due (connection timers, stale checks, REST retries, missing candles).
  void on_tick(TimePoint now, core::TimestampMs wall);
  std::optional<TimePoint> next_deadline() const;

  // For tests and status.
  const binance::FeedConnection& connection() const { return connection_; }
  const binance::RateLimiter& rate_limiter() const { return limiter_; }
  const binance::ServerClock& server_clock() const { return server_clock_; }
  const binance::CandleSequencer* sequencer(const core::Symbol& symbol) const;
  const std::optional<binance::ExchangeInfo>& exchange_info() const { return exchange_info_; }
  bool resumed() const { return resumed_; }

 private:
  class Time;     // the core::Clock the rate limiter reads: the time of the current event
  struct Series;  // one symbol's sequencer and pipeline
  // A REST request in flight.
  struct Pending {
    Endpoint endpoint = Endpoint::time;
    core::Symbol symbol;              // klines
    binance::KlineRange range;        // klines
    core::TimestampMs sent_wall = 0;  // our wall clock when it went out
  };

  void set_time(TimePoint now, core::TimestampMs wall);
  void apply(const binance::Effects& effects);
  void fill_gaps();
  void handle_event(binance::ConnectionId id, std::string_view text);
  void deliver(Series& series, const std::vector<core::Candle>& candles, std::size_t from_rest);
  void pump();
  void send_get(Pending pending, std::string url);
  bool check_reply(const Pending& pending, const HttpReply& reply);
  void rest_failed();
  void publish_rate_limit();
  Series* find(const core::Symbol& symbol);
  core::TimestampMs server_now() const;

  BinanceFeedOptions options_;
  Stores stores_;
  Io io_;
  Emit emit_;
  std::shared_ptr<Time> time_;
  binance::FeedConnection connection_;
  binance::RateLimiter limiter_;
  binance::ServerClock server_clock_;
  feed::StaleWatch stale_;
  std::string stream_url_;
  std::vector<std::unique_ptr<Series>> series_;
  std::map<std::uint64_t, Pending> pending_;
  std::uint64_t next_request_id_ = 1;
  bool want_time_ = false;
  bool want_exchange_info_ = true;
  bool fill_pending_ = false;
  bool resumed_ = false;
  std::optional<binance::ExchangeInfo> exchange_info_;
  std::optional<TimePoint> rest_wait_until_;
  std::chrono::milliseconds rest_retry_{0};
  std::optional<TimePoint> next_missing_check_;
  std::size_t next_series_ = 0;  // round-robin start for klines pages
};

}  // namespace autotrader::binance_feed
