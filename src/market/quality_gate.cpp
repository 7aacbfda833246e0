#include "market/quality_gate.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "market/series.hpp"

namespace autotrader::market {
namespace {

bool positive_price(double price) {
  return std::isfinite(price) && price > 0;
}
bool valid_volume(double volume) {
  return std::isfinite(volume) && volume >= 0;
}

double relative_move(double price, double reference) {
  return std::abs(price / reference - 1.0);
}

double largest_move(const core::Candle& c, double reference) {
  return std::max({relative_move(c.open, reference), relative_move(c.high, reference),
                   relative_move(c.low, reference), relative_move(c.close, reference)});
}

}  // namespace

std::string_view to_string(RejectReason reason) {
  switch (reason) {
    case RejectReason::out_of_order:
      return "out_of_order";
    case RejectReason::duplicate:
      return "duplicate";
    case RejectReason::gap:
      return "gap";
    case RejectReason::non_positive_price:
      return "non_positive_price";
    case RejectReason::high_below_low:
      return "high_below_low";
    case RejectReason::price_jump:
      return "price_jump";
    case RejectReason::invalid_volume:
      return "invalid_volume";
    case RejectReason::not_closed:
      return "not_closed";
    case RejectReason::wrong_series:
      return "wrong_series";
  }
  return "unknown";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::accepted:
      return "accepted";
    case Outcome::repaired:
      return "repaired";
    case Outcome::rejected:
      return "rejected";
  }
  return "unknown";
}

QualityGate::QualityGate(core::Symbol symbol, core::Interval interval, GateOptions options)
    : symbol_{symbol}, interval_{interval}, options_{options} {
  assert(options_.jump_confirmations >= 1);
  assert(options_.max_jump > 0);
}

std::optional<RejectReason> QualityGate::invalid(const core::Candle& c) const {
  if (c.symbol != symbol_ || c.interval != interval_) return RejectReason::wrong_series;
  if (!c.closed) return RejectReason::not_closed;
  if (!positive_price(c.open) || !positive_price(c.high) || !positive_price(c.low) ||
      !positive_price(c.close)) {
    return RejectReason::non_positive_price;
  }
  if (!valid_volume(c.volume) || !valid_volume(c.quote_volume) || c.trades < 0) {
    return RejectReason::invalid_volume;
  }
  if (last_open_time_ && c.open_time < *last_open_time_) return RejectReason::out_of_order;
  if (last_open_time_ && c.open_time == *last_open_time_) return RejectReason::duplicate;
  return std::nullopt;
}

Verdict QualityGate::check(const core::Candle& input) {
  Verdict verdict;
  verdict.candle = input;
  if (auto reason = invalid(input)) {
    verdict.outcome = Outcome::rejected;
    verdict.reason = reason;
    return verdict;
  }
  core::Candle& candle = verdict.candle;
  const double highest = std::max({candle.open, candle.high, candle.low, candle.close});
  const double lowest = std::min({candle.open, candle.high, candle.low, candle.close});
  if (candle.high != highest || candle.low != lowest) {
    candle.high = highest;
    candle.low = lowest;
    verdict.outcome = Outcome::repaired;
    verdict.reason = RejectReason::high_below_low;
  }
  if (!jump_confirmed(candle)) {
    verdict.outcome = Outcome::rejected;
    verdict.reason = RejectReason::price_jump;
    verdict.candle = input;
    return verdict;
  }
  verdict.gap = gap_before(candle.open_time);
  last_open_time_ = candle.open_time;
  last_close_ = candle.close;
  return verdict;
}

bool QualityGate::jump_confirmed(const core::Candle& candle) {
  if (!last_close_ || largest_move(candle, *last_close_) <= options_.max_jump) {
    pending_jumps_ = 0;
    return true;
  }
  if (pending_jumps_ > 0 && candle.open_time <= pending_open_time_) {
    return false;  // a redelivered jump candle is no second opinion
  }
  const bool agrees =
      pending_jumps_ > 0 && largest_move(candle, pending_close_) <= options_.max_jump;
  pending_jumps_ = agrees ? pending_jumps_ + 1 : 1;
  pending_open_time_ = candle.open_time;
  pending_close_ = candle.close;
  if (pending_jumps_ < options_.jump_confirmations) return false;
  pending_jumps_ = 0;
  return true;
}

Gap QualityGate::gap_before(core::TimestampMs open_time) const {
  Gap gap;
  if (!last_open_time_) return gap;
  for (core::TimestampMs t = next_open_time(interval_, *last_open_time_); t < open_time;
       t = next_open_time(interval_, t)) {
    if (gap.open_times.size() < options_.max_listed_missing) {
      gap.open_times.push_back(t);
    } else if (interval_ != core::Interval::mo1) {
      // Fixed-length intervals: count the rest without walking them (a day of 1s candles).
      const std::int64_t step = core::duration(interval_).count();
      gap.count += static_cast<std::size_t>((open_time - t + step - 1) / step);
      break;
    }
    ++gap.count;
  }
  return gap;
}

}  // namespace autotrader::market
