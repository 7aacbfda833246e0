#pragma once
// The gate every closed candle passes before it reaches the indicators. One per series (venue,
// symbol, interval); it remembers the last accepted candle. Plain class; one owner (the feed
// actor of that series), no locking. It neither logs nor counts: it returns a verdict, and
// its caller counts and logs it once (feed metrics), so nothing is reported twice.
//
// Rules, checked in this order; the first that applies decides:
//   wrong_series        symbol or interval differ from the gate's       -> reject
//   not_closed          the candle is still forming (closed == false)   -> reject
//   non_positive_price  open/high/low/close not a finite number > 0     -> reject
//   invalid_volume      volume or quote volume negative or not finite,
//                       or a negative trade count                       -> reject
//   out_of_order        open_time before the last accepted one          -> reject (stale data
//                       must never rewind the indicators)
//   duplicate           open_time equal to the last accepted one        -> reject (a redelivery
//                       after a reconnect or an overlapping backfill)
//   high_below_low      high < low, or open/close outside low..high     -> repair: high and
//                       low become the max and min of the four prices; the repaired candle
//                       goes on through the checks below
//   price_jump          a price more than max_jump (relative) away from
//                       the last accepted close                         -> reject, until
//                       jump_confirmations consecutive candles, each within max_jump of the
//                       one before, agree on the new level: the last of them is accepted (a
//                       real move, e.g. a crash, must not freeze the series forever)
//   gap                 open_time later than the next due open time     -> accept, and report
//                       the missing open times (a venue can have holes, e.g. maintenance;
//                       streaming indicators cannot take older candles later, so the caller
//                       backfills before pushing newer candles when it can, and otherwise
//                       the series goes on from here)
// The first candle a gate sees has no reference: only the per-candle checks apply.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/market.hpp"

namespace autotrader::market {

enum class RejectReason : std::uint8_t {
  out_of_order,
  duplicate,
  gap,
  non_positive_price,
  high_below_low,
  price_jump,
  invalid_volume,
  not_closed,
  wrong_series,
};

// Every reason, for pre-registering metric label sets.
inline constexpr std::array<RejectReason, 9> kRejectReasons{
    RejectReason::out_of_order,       RejectReason::duplicate,      RejectReason::gap,
    RejectReason::non_positive_price, RejectReason::high_below_low, RejectReason::price_jump,
    RejectReason::invalid_volume,     RejectReason::not_closed,     RejectReason::wrong_series};

// A stable lower-case name, the same as the enumerator ("price_jump"), used as a metric label.
std::string_view to_string(RejectReason reason);

enum class Outcome : std::uint8_t { accepted, repaired, rejected };
std::string_view to_string(Outcome outcome);

// Candles missing between the last accepted one and this one.
struct Gap {
  std::size_t count = 0;                      // 0 = no gap
  std::vector<core::TimestampMs> open_times;  // the first min(count, max_listed_missing)
};

struct Verdict {
  Outcome outcome = Outcome::accepted;
  std::optional<RejectReason> reason;  // rejected: why; repaired: what was repaired
  core::Candle candle;                 // the candle to use (repaired if so); the input if rejected
  Gap gap;                             // only when not rejected

  bool accepted() const { return outcome != Outcome::rejected; }
};

struct GateOptions {
  double max_jump = 0.5;                  // 0.5: a price 50% above or below the last close
  std::size_t jump_confirmations = 3;     // >= 1; 1 turns the jump rule off
  std::size_t max_listed_missing = 1000;  // Binance's klines page size
};

class QualityGate {
 public:
  QualityGate(core::Symbol symbol, core::Interval interval, GateOptions options = {});

  Verdict check(const core::Candle& candle);

  // The last accepted candle's open time and close; nullopt before the first.
  std::optional<core::TimestampMs> last_open_time() const { return last_open_time_; }
  std::optional<double> last_close() const { return last_close_; }

 private:
  std::optional<RejectReason> invalid(const core::Candle& candle) const;
  bool jump_confirmed(const core::Candle& candle);
  Gap gap_before(core::TimestampMs open_time) const;

  core::Symbol symbol_;
  core::Interval interval_;
  GateOptions options_;
  std::optional<core::TimestampMs> last_open_time_;
  std::optional<double> last_close_;
  // Consecutive jump candles rejected so far, and the last of them.
  std::size_t pending_jumps_ = 0;
  core::TimestampMs pending_open_time_ = 0;
  double pending_close_ = 0;
};

}  // namespace autotrader::market
