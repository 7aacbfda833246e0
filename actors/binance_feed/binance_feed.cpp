#include "actors/binance_feed/binance_feed.hpp"

#include "actors/feed/publish.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/binance_feed/binance_feed_detail.hpp"
#include "core/clock.hpp"
#include "net/url.hpp"
#include "venues/binance/rest_codec.hpp"
#include "venues/binance/stream_codec.hpp"

namespace autotrader::binance_feed {

using binance::ConnectionId;
using std::chrono::milliseconds;

std::string validate(const BinanceFeedOptions& options) {
  if (options.symbols.empty()) return "no symbols are configured";
  auto rest = net::parse_url(options.rest_base_url);
  if (!rest || rest->websocket()) {
    return "the REST base URL '" + options.rest_base_url + "' is not an http(s) URL";
  }
  auto ws = net::parse_url(options.ws_base_url);
  if (!ws || !ws->websocket()) {
    return "the WebSocket base URL '" + options.ws_base_url + "' is not a ws(s) URL";
  }
  if (options.warmup_candles > 1000) return "warmup_candles is above 1000 (one klines page)";
  if (options.connection.idle_timeout.count() <= 0) return "the idle timeout must be positive";
  if (options.connection.rotation_period.count() <= 0) {
    return "the rotation period must be positive";
  }
  if (options.rate_limit.budget_fraction <= 0 || options.rate_limit.budget_fraction > 1) {
    return "the weight budget fraction must be in (0, 1]";
  }
  return {};
}

BinanceFeed::BinanceFeed(BinanceFeedOptions options, Stores stores, Io io, Emit emit)
    : options_{std::move(options)},
      stores_{std::move(stores)},
      io_{std::move(io)},
      emit_{std::move(emit)},
      time_{std::make_shared<Time>()},
      connection_{options_.connection, stores_.random},
      limiter_{options_.rate_limit, time_},
      stale_{options_.stale_after},
      stream_url_{binance::combined_stream_url(options_.ws_base_url, options_.symbols,
                                               options_.interval, options_.trades)},
      rest_retry_{options_.rest_retry_min} {}

BinanceFeed::~BinanceFeed() = default;

void BinanceFeed::set_time(TimePoint now, core::TimestampMs wall) {
  time_->set(now, wall);
}

core::TimestampMs BinanceFeed::server_now() const {
  return server_clock_.to_server(time_->wall());
}

BinanceFeed::Series* BinanceFeed::find(const core::Symbol& symbol) {
  for (auto& series : series_) {
    if (series->symbol == symbol) return series.get();
  }
  return nullptr;
}

const binance::CandleSequencer* BinanceFeed::sequencer(const core::Symbol& symbol) const {
  for (const auto& series : series_) {
    if (series->symbol == symbol) return &series->sequencer;
  }
  return nullptr;
}

void BinanceFeed::start(TimePoint now, core::TimestampMs wall) {
  set_time(now, wall);
  const auto length = core::duration(options_.interval).count();
  const auto warmup = static_cast<core::TimestampMs>(options_.warmup_candles) * length;
  for (const auto& symbol : options_.symbols) {
    auto cursor = stores_.cursors->last_delivered(options_.venue, symbol);
    resumed_ = resumed_ || cursor.has_value();
    // The sequencer starts early enough to warm the pipeline; is_live() decides who hears of it.
    core::TimestampMs resume_at = cursor ? *cursor + 1 : wall;
    series_.push_back(std::make_unique<Series>(options_, symbol, resume_at - warmup, cursor, wall));
    stale_.watch(symbol, now);
  }
  next_missing_check_ = now + options_.missing_candle_check;
  if (stores_.log) {
    stores_.log->info("{}: {} {} symbol(s) on {} and {}", options_.venue,
                      resumed_ ? "resuming" : "starting", options_.symbols.size(), stream_url_,
                      options_.rest_base_url);
  }
  apply(connection_.start(now));
  pump();
}

void BinanceFeed::apply(const binance::Effects& effects) {
  for (const auto& effect : effects) {
    if (auto* open = std::get_if<binance::effect::Open>(&effect)) {
      io_(io::OpenStream{open->id, stream_url_});
    } else if (auto* close = std::get_if<binance::effect::Close>(&effect)) {
      io_(io::CloseStream{close->id});
    } else if (auto* count = std::get_if<binance::effect::CountReconnect>(&effect)) {
      stores_.metrics->reconnected(binance::to_string(count->reason));
      if (stores_.log) {
        stores_.log->warn("{}: stream reconnect ({})", options_.venue,
                          binance::to_string(count->reason));
      }
    } else if (std::holds_alternative<binance::effect::FillGaps>(effect)) {
      fill_pending_ = true;
    } else if (std::holds_alternative<binance::effect::SyncTime>(effect)) {
      want_time_ = true;
    }
  }
  fill_gaps();
}

void BinanceFeed::fill_gaps() {
  // Which candles have closed is a question for the server's clock: wait until it is known.
  if (!fill_pending_ || !server_clock_.synced()) return;
  fill_pending_ = false;
  for (auto& series : series_) series->sequencer.expect_closed_before(server_now());
}

void BinanceFeed::on_stream_open(ConnectionId id, TimePoint now, core::TimestampMs wall) {
  set_time(now, wall);
  apply(connection_.on_open(id, now));
  pump();
}

void BinanceFeed::on_stream_ping(ConnectionId id, TimePoint now, core::TimestampMs wall) {
  set_time(now, wall);
  apply(connection_.on_frame(id, now));
  pump();
}

void BinanceFeed::on_stream_closed(ConnectionId id, std::string_view reason, TimePoint now,
                                   core::TimestampMs wall) {
  set_time(now, wall);
  if (stores_.log && connection_.accepts(id)) {
    stores_.log->warn("{}: stream connection {} ended: {}", options_.venue, id, reason);
  }
  apply(connection_.on_closed(id, now));
  pump();
}

void BinanceFeed::on_stream_frame(ConnectionId id, std::string_view text, TimePoint now,
                                  core::TimestampMs wall) {
  set_time(now, wall);
  const bool used = connection_.accepts(id);
  apply(connection_.on_frame(id, now));
  if (used) handle_event(id, text);
  pump();
}

void BinanceFeed::handle_event(ConnectionId id, std::string_view text) {
  auto event = binance::decode_stream_frame(text);
  if (!event) {
    stores_.binance_metrics->malformed_frame();
    if (stores_.log) {
      stores_.log->warn("{}: dropped a malformed frame ({}: {})", options_.venue,
                        binance::to_string(event.error().code), event.error().message);
    }
    return;
  }
  const auto now = time_->steady();
  const auto wall = time_->wall();
  auto seen = [&](const core::Symbol& symbol) {
    if (find(symbol) == nullptr) return false;
    stores_.metrics->message_received(symbol, wall);
    if (auto change = stale_.observe(symbol, now, wall)) {
      stores_.metrics->set_stale(symbol, false);
      if (stores_.log)
        stores_.log->info("{} {}: data flowing again", options_.venue, symbol.view());
      emit_(feed::DataStale{options_.venue, symbol, false, change->last_message});
    }
    return true;
  };
  if (auto* kline = std::get_if<binance::KlineEvent>(&*event)) {
    if (!seen(kline->candle.symbol) || !kline->candle.closed) return;
    Series& series = *find(kline->candle.symbol);
    deliver(series, series.sequencer.on_stream(kline->candle), 0);
  } else if (auto* trade = std::get_if<binance::TradeEvent>(&*event)) {
    seen(trade->trade.symbol);
  } else if (std::holds_alternative<binance::ServerShutdownEvent>(*event)) {
    if (stores_.log) stores_.log->info("{}: serverShutdown on connection {}", options_.venue, id);
    apply(connection_.on_server_shutdown(id, now));
  } else if (auto* error = std::get_if<binance::StreamError>(&*event)) {
    if (stores_.log) {
      stores_.log->error("{}: stream error {}: {}", options_.venue, error->code, error->message);
    }
  }
}

void BinanceFeed::deliver(Series& series, const std::vector<core::Candle>& candles,
                          std::size_t from_rest) {
  // `from_rest` of the candles came from REST; any warm-up candles among them come first (they
  // precede the resume point), so the live REST ones are the rest of that count.
  std::size_t live_from_rest = from_rest;
  for (const auto& candle : candles) {
    const auto wall = time_->wall();
    auto result = series.pipeline.push(candle, wall);
    if (!series.is_live(candle)) {
      if (live_from_rest > 0) --live_from_rest;
      continue;
    }
    if (!feed::accept_push(options_.venue, series.symbol, candle, result, *stores_.metrics,
                           stores_.log.get())) {
      continue;
    }
    feed::publish_accepted(options_.venue, series.symbol, result, *stores_.cursors, emit_);
  }
  if (live_from_rest > 0) {
    stores_.metrics->gap_filled(series.symbol, live_from_rest);
    if (stores_.log) {
      stores_.log->info("{} {}: {} candle(s) filled from REST", options_.venue,
                        series.symbol.view(), live_from_rest);
    }
  }
}

std::optional<BinanceFeed::TimePoint> BinanceFeed::next_deadline() const {
  std::optional<TimePoint> next = connection_.next_deadline();
  auto consider = [&](std::optional<TimePoint> t) {
    if (t) next = next ? std::min(*next, *t) : *t;
  };
  consider(stale_.next_deadline());
  consider(rest_wait_until_);
  consider(next_missing_check_);
  return next;
}

void BinanceFeed::on_tick(TimePoint now, core::TimestampMs wall) {
  set_time(now, wall);
  apply(connection_.on_tick(now));
  for (const auto& change : stale_.check(now)) {
    stores_.metrics->set_stale(change.symbol, true);
    if (stores_.log) {
      stores_.log->warn("{} {}: stale, no message for {} ms", options_.venue, change.symbol.view(),
                        options_.stale_after.count());
    }
    emit_(feed::DataStale{options_.venue, change.symbol, true, change.last_message});
  }
  if (next_missing_check_ && now >= *next_missing_check_) {
    next_missing_check_ = now + options_.missing_candle_check;
    // Also while the stream is down: REST keeps the candles coming.
    if (server_clock_.synced()) {
      const auto grace = options_.missing_candle_check.count();
      for (auto& series : series_) series->sequencer.expect_closed_before(server_now() - grace);
    }
  }
  if (rest_wait_until_ && now >= *rest_wait_until_) rest_wait_until_.reset();
  pump();
  publish_rate_limit();
}

void BinanceFeed::publish_rate_limit() {
  stores_.binance_metrics->set_rate_limit(limiter_.state(), limiter_.used_weight());
}

}  // namespace autotrader::binance_feed
