#include "trading/decision_input.hpp"

#include <cmath>
#include <string>

namespace autotrader::trading {

llm::PositionState make_position_state(double quantity, double average_entry_price,
                                       double mark_price) {
  llm::PositionState state;
  state.quantity = std::isfinite(quantity) ? quantity : 0;
  state.average_entry_price = std::isfinite(average_entry_price) ? average_entry_price : 0;
  if (state.quantity != 0 && state.average_entry_price > 0 && std::isfinite(mark_price) &&
      mark_price > 0)
    state.unrealized_pnl_pct =
        (mark_price - state.average_entry_price) / state.average_entry_price * 100.0;
  return state;
}

llm::DecisionInput to_decision_input(const market::Snapshot& snapshot,
                                     const llm::PositionState& position) {
  llm::DecisionInput input;
  input.symbol = snapshot.symbol.str();
  input.interval = std::string{core::to_string(snapshot.interval)};
  input.price = snapshot.last_price;
  const auto& v = snapshot.indicators;
  input.rsi = v.rsi;
  input.ma_short = v.sma_fast;
  input.ma_long = v.sma_slow;
  input.atr = v.atr;
  input.vwap = v.vwap;
  input.macd = v.macd;
  input.macd_signal = v.macd_signal;
  input.macd_histogram = v.macd_histogram;
  input.trend = std::string{market::to_string(snapshot.trend)};
  input.volume_ratio = snapshot.volume_ratio;
  input.as_of_ms = snapshot.as_of;
  input.position = position;
  return input;
}

}  // namespace autotrader::trading
