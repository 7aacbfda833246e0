#include "venues/binance/candle_sequencer.hpp"

#include <algorithm>

namespace autotrader::binance {

CandleSequencer::CandleSequencer(core::Symbol symbol, core::Interval interval,
                                 core::TimestampMs start_at, SequencerOptions options)
    : symbol_{symbol},
      interval_{interval},
      options_{options},
      length_{core::duration(interval)},
      known_until_{start_at},
      need_until_{start_at} {
  options_.page_limit = std::clamp(options_.page_limit, 1, 1000);
}

void CandleSequencer::deliver(const core::Candle& candle, bool from_rest,
                              std::vector<core::Candle>& out) {
  out.push_back(candle);
  out.back().closed = true;
  known_until_ = candle.close_time + 1;
  if (from_rest) {
    ++stats_.from_rest;
    if (caught_up_once_) ++stats_.gap_filled;
  } else {
    ++stats_.from_stream;
  }
}

void CandleSequencer::drain(std::vector<core::Candle>& out) {
  while (!buffer_.empty()) {
    auto it = buffer_.begin();
    if (it->first < known_until_) {
      ++stats_.duplicates;
    } else if (it->first == known_until_) {
      deliver(it->second, false, out);
    } else {
      return;
    }
    buffer_.erase(it);
  }
}

void CandleSequencer::note_caught_up() {
  if (caught_up()) caught_up_once_ = true;
}

std::vector<core::Candle> CandleSequencer::on_stream(const core::Candle& candle) {
  std::vector<core::Candle> out;
  if (!candle.closed || candle.symbol != symbol_ || candle.interval != interval_) return out;
  if (candle.open_time < known_until_) {
    ++stats_.duplicates;
    return out;
  }
  if (candle.open_time == known_until_) {
    deliver(candle, false, out);
    drain(out);
    note_caught_up();
    return out;
  }
  if (buffer_.count(candle.open_time) != 0) {
    ++stats_.duplicates;
  } else if (buffer_.size() >= options_.max_buffered) {
    // REST will fetch it with the rest of the gap.
    ++stats_.buffer_dropped;
    need_until_ = std::max(need_until_, candle.close_time + 1);
  } else {
    buffer_.emplace(candle.open_time, candle);
    need_until_ = std::max(need_until_, candle.open_time);
  }
  return out;
}

void CandleSequencer::expect_closed_before(core::TimestampMs server_now) {
  // A candle opening at o is safely closed when o + length - 1 < server_now - close_margin.
  core::TimestampMs need = server_now - options_.close_margin.count() - length_.count() + 1;
  need_until_ = std::max(need_until_, need);
}

std::optional<KlineRange> CandleSequencer::next_fetch() {
  if (!wants_fetch()) return std::nullopt;
  KlineRange range;
  range.start_time = known_until_;
  range.limit = options_.page_limit;
  range.end_time =
      std::min(need_until_ - 1, known_until_ + options_.page_limit * length_.count() - 1);
  // Up to the first buffered candle: the stream already gave us that one.
  if (!buffer_.empty()) range.end_time = std::min(range.end_time, buffer_.begin()->first - 1);
  in_flight_ = range;
  return range;
}

void CandleSequencer::on_fetch_failed(const KlineRange& range) {
  if (in_flight_ && *in_flight_ == range) in_flight_.reset();
}

std::vector<core::Candle> CandleSequencer::on_page(const KlineRange& range,
                                                   std::vector<core::Candle> rows,
                                                   core::TimestampMs server_now) {
  if (in_flight_ && *in_flight_ == range) in_flight_.reset();
  std::stable_sort(rows.begin(), rows.end(), [](const core::Candle& a, const core::Candle& b) {
    return a.open_time < b.open_time;
  });
  const bool complete = rows.size() < static_cast<std::size_t>(range.limit);
  const core::TimestampMs safe_now = server_now - options_.close_margin.count();
  std::vector<core::Candle> out;

  // Moves known_until_ to `open` over a range REST has shown to be empty, delivering any
  // stream candle in it first (the stream saw it, so it exists whatever the page says).
  auto skip_to = [&](core::TimestampMs open) {
    while (!buffer_.empty() && buffer_.begin()->first < open) {
      if (buffer_.begin()->first - known_until_ >= length_.count()) ++stats_.holes;
      known_until_ = std::max(known_until_, buffer_.begin()->first);
      drain(out);
    }
    if (open > known_until_) {
      // Less than one interval is only an unaligned start (resume after a cursor), no hole.
      if (open - known_until_ >= length_.count()) ++stats_.holes;
      known_until_ = open;
    }
  };

  bool forming = false;
  for (const core::Candle& row : rows) {
    if (row.open_time < range.start_time || row.open_time > range.end_time) continue;
    if (row.close_time >= safe_now) {
      // Still forming (or too close to call): it and everything after it are not closed.
      forming = true;
      need_until_ = std::max(known_until_, std::min(need_until_, row.open_time));
      break;
    }
    drain(out);
    if (row.open_time < known_until_) {
      ++stats_.duplicates;
      continue;
    }
    skip_to(row.open_time);
    deliver(row, true, out);
  }
  // A complete page whose range is safely in the past shows that nothing else opens in it.
  if (!forming && complete && range.end_time < safe_now && range.end_time + 1 > known_until_) {
    skip_to(range.end_time + 1);
  }
  drain(out);
  note_caught_up();
  return out;
}

}  // namespace autotrader::binance
