#include "indicators/indicator_set.hpp"

namespace autotrader::indicators {

const std::array<std::string_view, kIndicatorCount>& indicator_names() {
  static constexpr std::array<std::string_view, kIndicatorCount> names{"sma_fast",
                                                                       "sma_slow",
                                                                       "ema_fast",
                                                                       "ema_slow",
                                                                       "rsi",
                                                                       "atr",
                                                                       "vwap",
                                                                       "macd",
                                                                       "macd_signal",
                                                                       "macd_histogram",
                                                                       "bollinger_upper",
                                                                       "bollinger_middle",
                                                                       "bollinger_lower",
                                                                       "stochastic_k",
                                                                       "stochastic_d",
                                                                       "volume_average"};
  return names;
}

std::array<std::optional<double>, kIndicatorCount> in_column_order(const IndicatorValues& v) {
  return {v.sma_fast,
          v.sma_slow,
          v.ema_fast,
          v.ema_slow,
          v.rsi,
          v.atr,
          v.vwap,
          v.macd,
          v.macd_signal,
          v.macd_histogram,
          v.bollinger_upper,
          v.bollinger_middle,
          v.bollinger_lower,
          v.stochastic_k,
          v.stochastic_d,
          v.volume_average};
}

IndicatorSet::IndicatorSet(const IndicatorSetOptions& options)
    : sma_fast_{options.sma_fast},
      sma_slow_{options.sma_slow},
      ema_fast_{options.ema_fast},
      ema_slow_{options.ema_slow},
      rsi_{options.rsi},
      atr_{options.atr},
      vwap_{options.vwap_session, options.vwap_offset},
      macd_{options.macd_fast, options.macd_slow, options.macd_signal},
      bollinger_{options.bollinger, options.bollinger_width},
      stochastic_{options.stochastic, options.stochastic_smooth, options.stochastic_d},
      volume_average_{options.volume_average} {}

const IndicatorValues& IndicatorSet::update(const core::Candle& candle) {
  ++candles_;
  values_.sma_fast = sma_fast_.update(candle.close);
  values_.sma_slow = sma_slow_.update(candle.close);
  values_.ema_fast = ema_fast_.update(candle.close);
  values_.ema_slow = ema_slow_.update(candle.close);
  values_.rsi = rsi_.update(candle.close);
  values_.atr = atr_.update(candle.high, candle.low, candle.close);
  values_.vwap = vwap_.update(candle);
  const MacdValues& macd = macd_.update(candle.close);
  values_.macd = macd.macd;
  values_.macd_signal = macd.signal;
  values_.macd_histogram = macd.histogram;
  const auto bands = bollinger_.update(candle.close);
  values_.bollinger_upper = bands ? std::optional<double>{bands->upper} : std::nullopt;
  values_.bollinger_middle = bands ? std::optional<double>{bands->middle} : std::nullopt;
  values_.bollinger_lower = bands ? std::optional<double>{bands->lower} : std::nullopt;
  const StochasticValues& stochastic = stochastic_.update(candle.high, candle.low, candle.close);
  values_.stochastic_k = stochastic.k;
  values_.stochastic_d = stochastic.d;
  values_.volume_average = volume_average_.update(candle.volume);
  return values_;
}

bool IndicatorSet::warmed_up() const {
  const IndicatorValues& v = values_;
  return v.sma_fast && v.sma_slow && v.ema_fast && v.ema_slow && v.rsi && v.atr && v.macd &&
         v.macd_signal && v.macd_histogram && v.bollinger_middle && v.stochastic_k &&
         v.stochastic_d && v.volume_average;
}

}  // namespace autotrader::indicators
