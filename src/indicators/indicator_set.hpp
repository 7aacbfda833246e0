#pragma once
// Every indicator the strategies read, updated together once per closed candle of one series
// (venue, symbol, interval). Values are empty (std::nullopt) while an indicator warms up.
//
// Conventions (each class's header says more): EMAs are seeded with the SMA of their first
// `period` inputs; RSI and ATR use Wilder's smoothing seeded with simple means; Bollinger uses
// the population deviation; the Stochastic is the slow one; VWAP resets each UTC day.
//
// The set trusts its input: candles must be closed, in order and sane, which is what
// market::QualityGate guarantees in front of it. Plain value; one owner, no locking.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/market.hpp"
#include "indicators/momentum.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/volatility.hpp"
#include "indicators/volume.hpp"

namespace autotrader::indicators {

struct IndicatorSetOptions {
  std::size_t sma_fast = 20;
  std::size_t sma_slow = 50;
  std::size_t ema_fast = 12;
  std::size_t ema_slow = 26;
  std::size_t rsi = 14;
  std::size_t atr = 14;
  std::size_t macd_fast = 12;
  std::size_t macd_slow = 26;
  std::size_t macd_signal = 9;
  std::size_t bollinger = 20;
  double bollinger_width = 2.0;
  std::size_t stochastic = 14;
  std::size_t stochastic_smooth = 3;
  std::size_t stochastic_d = 3;
  std::size_t volume_average = 20;
  std::chrono::milliseconds vwap_session = std::chrono::hours{24};
  std::chrono::milliseconds vwap_offset{0};
};

struct IndicatorValues {
  std::optional<double> sma_fast;
  std::optional<double> sma_slow;
  std::optional<double> ema_fast;
  std::optional<double> ema_slow;
  std::optional<double> rsi;
  std::optional<double> atr;
  std::optional<double> vwap;
  std::optional<double> macd;
  std::optional<double> macd_signal;
  std::optional<double> macd_histogram;
  std::optional<double> bollinger_upper;
  std::optional<double> bollinger_middle;
  std::optional<double> bollinger_lower;
  std::optional<double> stochastic_k;
  std::optional<double> stochastic_d;
  std::optional<double> volume_average;
};

// The values in a fixed order with stable names, for CSV output, logs and API fields.
constexpr std::size_t kIndicatorCount = 16;
const std::array<std::string_view, kIndicatorCount>& indicator_names();
std::array<std::optional<double>, kIndicatorCount> in_column_order(const IndicatorValues& values);

class IndicatorSet {
 public:
  explicit IndicatorSet(const IndicatorSetOptions& options = {});

  const IndicatorValues& update(const core::Candle& candle);
  const IndicatorValues& values() const { return values_; }
  // Candles seen so far.
  std::uint64_t candles() const { return candles_; }
  // True once every windowed indicator has its value: after max(sma_slow, macd_slow +
  // macd_signal - 1, ...) candles, 50 with the defaults. VWAP does not count: it is empty at the
  // start of each session until volume trades, which says nothing about warm-up.
  bool warmed_up() const;

 private:
  Sma sma_fast_;
  Sma sma_slow_;
  Ema ema_fast_;
  Ema ema_slow_;
  Rsi rsi_;
  Atr atr_;
  SessionVwap vwap_;
  Macd macd_;
  Bollinger bollinger_;
  Stochastic stochastic_;
  Sma volume_average_;
  IndicatorValues values_;
  std::uint64_t candles_ = 0;
};

}  // namespace autotrader::indicators
