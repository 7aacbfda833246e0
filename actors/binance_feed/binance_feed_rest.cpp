// BinanceFeed's REST side: which request goes next, the rate limiter's say, and what each answer
// means. One request is in flight at a time: a feed needs a page now and then, never a burst.
#include <spdlog/spdlog.h>

#include "actors/binance_feed/binance_feed_detail.hpp"
#include "venues/binance/rest_codec.hpp"

namespace autotrader::binance_feed {

void BinanceFeed::pump() {
  if (!pending_.empty() || rest_wait_until_) return;
  auto admitted = [this](int weight) {
    auto admission = limiter_.try_acquire(weight);
    if (admission.allowed) return true;
    rest_wait_until_ = time_->steady() + admission.retry_in;
    publish_rate_limit();
    return false;
  };
  const std::string& base = options_.rest_base_url;
  if (want_time_) {
    if (!admitted(binance::kTimeWeight)) return;
    want_time_ = false;
    Pending pending;
    pending.endpoint = Endpoint::time;
    pending.sent_wall = time_->wall();
    return send_get(pending, base + std::string{binance::kTimeTarget});
  }
  if (want_exchange_info_) {
    if (!admitted(binance::kExchangeInfoWeight)) return;
    want_exchange_info_ = false;
    Pending pending;
    pending.endpoint = Endpoint::exchange_info;
    return send_get(pending, base + binance::exchange_info_target(options_.symbols));
  }
  // Which rows are closed is judged by the server's clock.
  if (!server_clock_.synced()) return;
  for (std::size_t i = 0; i < series_.size(); ++i) {
    std::size_t index = (next_series_ + i) % series_.size();
    Series& series = *series_[index];
    if (!series.sequencer.wants_fetch()) continue;
    if (!admitted(binance::kKlinesWeight)) return;
    auto range = series.sequencer.next_fetch();
    next_series_ = index + 1;
    Pending pending;
    pending.endpoint = Endpoint::klines;
    pending.symbol = series.symbol;
    pending.range = *range;
    pending.sent_wall = time_->wall();
    return send_get(pending,
                    base + binance::klines_target(series.symbol, options_.interval, *range));
  }
}

void BinanceFeed::send_get(Pending pending, std::string url) {
  std::uint64_t id = next_request_id_++;
  pending_.emplace(id, pending);
  io_(io::HttpGet{id, std::move(url)});
}

void BinanceFeed::rest_failed() {
  const auto until = time_->steady() + rest_retry_;
  rest_wait_until_ = rest_wait_until_ ? std::max(*rest_wait_until_, until) : until;
  rest_retry_ = std::min(rest_retry_ * 2, options_.rest_retry_max);
}

bool BinanceFeed::check_reply(const Pending& pending, const HttpReply& reply) {
  const char* what = to_string(pending.endpoint);
  auto failed = [&](RestFailure failure, const std::string& detail) {
    stores_.binance_metrics->rest_failure(pending.endpoint, failure);
    if (stores_.log) {
      auto level = failure == RestFailure::banned ? spdlog::level::err : spdlog::level::warn;
      stores_.log->log(level, "{}: {} request failed ({}): {}", options_.venue, what,
                       to_string(failure), detail);
    }
    return false;
  };
  if (!reply.responded) return failed(RestFailure::transport, reply.error);
  const std::string status = "HTTP " + std::to_string(reply.status);
  const std::string retry =
      reply.retry_after ? ", Retry-After " + std::to_string(reply.retry_after->count()) + " s" : "";
  if (reply.status == 418)
    return failed(RestFailure::banned, status + retry + "; no calls until then");
  if (reply.status == 429) return failed(RestFailure::rate_limited, status + retry);
  if (reply.status >= 500) return failed(RestFailure::server_error, status);
  if (reply.status < 200 || reply.status >= 300) {
    auto error = binance::decode_api_error(reply.body);
    if (!error) return failed(RestFailure::client_error, status);
    apply(connection_.on_api_error(error->code));
    return failed(RestFailure::api_error,
                  status + ", code " + std::to_string(error->code) + ": " + error->message);
  }
  return true;
}

void BinanceFeed::on_http_reply(std::uint64_t id, const HttpReply& reply, TimePoint now,
                                core::TimestampMs wall) {
  set_time(now, wall);
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  const Pending pending = it->second;
  pending_.erase(it);
  if (reply.responded) limiter_.on_response(reply.status, reply.used_weight_1m, reply.retry_after);

  bool ok = check_reply(pending, reply);
  auto malformed = [&](const binance::Error& error) {
    stores_.binance_metrics->rest_failure(pending.endpoint, RestFailure::malformed);
    if (stores_.log) {
      stores_.log->warn("{}: {} answer dropped ({}: {})", options_.venue,
                        to_string(pending.endpoint), binance::to_string(error.code), error.message);
    }
    ok = false;
  };
  Series* series = pending.endpoint == Endpoint::klines ? find(pending.symbol) : nullptr;
  if (ok && pending.endpoint == Endpoint::time) {
    auto server_time = binance::decode_server_time(reply.body);
    if (server_time) {
      server_clock_.update(*server_time, pending.sent_wall, wall);
      fill_gaps();
    } else {
      malformed(server_time.error());
    }
  } else if (ok && pending.endpoint == Endpoint::exchange_info) {
    auto info = binance::decode_exchange_info(reply.body);
    if (info) {
      if (auto limit = info->request_weight_per_minute()) limiter_.set_weight_limit(*limit);
      for (const auto& symbol : options_.symbols) {
        if (info->find(symbol) == nullptr && stores_.log) {
          stores_.log->error("{}: exchangeInfo does not list {}", options_.venue, symbol.view());
        }
      }
      exchange_info_ = std::move(*info);
    } else {
      malformed(info.error());
    }
  } else if (ok && series != nullptr) {
    // A row is closed if it had closed when the request went out: the server built the page
    // after that, and a bar that closed while the answer travelled may hold partial values.
    const auto sent_server = server_clock_.to_server(pending.sent_wall);
    auto rows = binance::decode_klines(reply.body, series->symbol, options_.interval, sent_server);
    if (rows) {
      const auto before = series->sequencer.stats().from_rest;
      auto out = series->sequencer.on_page(pending.range, std::move(*rows), sent_server);
      deliver(*series, out, series->sequencer.stats().from_rest - before);
    } else {
      malformed(rows.error());
    }
  }
  if (ok) {
    rest_retry_ = options_.rest_retry_min;
  } else {
    if (pending.endpoint == Endpoint::time) want_time_ = true;
    if (pending.endpoint == Endpoint::exchange_info) want_exchange_info_ = true;
    if (series != nullptr) series->sequencer.on_fetch_failed(pending.range);
    rest_failed();
  }
  pump();
  publish_rate_limit();
}

}  // namespace autotrader::binance_feed
