#pragma once
// Market-data domain types shared by every venue, the indicators and the decision loop.
// Prices and sizes in market data are doubles: they feed statistics, never an order. Anything
// sent to a venue is a core::Decimal (decimal.hpp), rounded to the venue's tick and step.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace autotrader::core {

// A venue's instrument name ("BTCUSDT", "AAPL"), stored inline so candles copy without
// allocating. Upper-case ASCII letters, digits, '.', '-' and '_', at most max_length chars.
class Symbol {
 public:
  static constexpr std::size_t max_length = 23;

  Symbol() = default;
  // nullopt when `text` is empty, too long or has a character outside the set above.
  // Lower-case letters are accepted and upper-cased (Binance streams use lower case).
  static std::optional<Symbol> parse(std::string_view text);

  std::string_view view() const { return {data_.data(), size_}; }
  std::string str() const { return std::string{view()}; }
  bool empty() const { return size_ == 0; }

  friend bool operator==(const Symbol& a, const Symbol& b) { return a.view() == b.view(); }
  friend bool operator!=(const Symbol& a, const Symbol& b) { return !(a == b); }
  friend bool operator<(const Symbol& a, const Symbol& b) { return a.view() < b.view(); }

 private:
  std::array<char, max_length + 1> data_{};
  std::uint8_t size_ = 0;
};

// Candle intervals, named as Binance names them (case-sensitive: "1m" minute, "1M" month).
enum class Interval : std::uint8_t {
  s1,
  m1,
  m3,
  m5,
  m15,
  m30,
  h1,
  h2,
  h4,
  h6,
  h8,
  h12,
  d1,
  d3,
  w1,
  mo1
};

std::optional<Interval> parse_interval(std::string_view text);
std::string_view to_string(Interval interval);
// The interval's length; a month counts as 30 days (used for staleness, never for bucketing).
std::chrono::milliseconds duration(Interval interval);

// Milliseconds since the Unix epoch, as venues stamp their data.
using TimestampMs = std::int64_t;

// One OHLCV bar. open_time is the bar's identity; close_time = open_time + duration - 1 ms
// (Binance's convention). `closed` is false for a bar still forming.
struct Candle {
  Symbol symbol;
  Interval interval = Interval::m1;
  TimestampMs open_time = 0;
  TimestampMs close_time = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;        // base asset
  double quote_volume = 0;  // quote asset
  std::int64_t trades = 0;
  bool closed = true;
};

// One executed trade from a venue's public feed.
struct Trade {
  Symbol symbol;
  TimestampMs time = 0;
  std::int64_t id = 0;
  double price = 0;
  double quantity = 0;
  bool buyer_is_maker = false;
};

// The best bid and ask.
struct BookTop {
  Symbol symbol;
  TimestampMs time = 0;
  double bid = 0;
  double bid_quantity = 0;
  double ask = 0;
  double ask_quantity = 0;
};

}  // namespace autotrader::core
