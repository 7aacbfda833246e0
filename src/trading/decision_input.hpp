#pragma once
// From what the market pipeline knows about a symbol (market::Snapshot) and what we hold in it
// to what the AI pool analyses (llm::DecisionInput). Pure functions.
#include "llm/types.hpp"
#include "market/snapshot.hpp"

namespace autotrader::trading {

// The position as the analysis sees it. A mark or entry price that is not positive gives an
// unrealized P&L of 0 rather than a division by zero.
llm::PositionState make_position_state(double quantity, double average_entry_price,
                                       double mark_price);

// SMA fast/slow become ma_short/ma_long (the prompts call them SMA(20)/SMA(50)); as_of_ms is the
// candle's close time. Missing indicators stay missing.
llm::DecisionInput to_decision_input(const market::Snapshot& snapshot,
                                     const llm::PositionState& position = {});

}  // namespace autotrader::trading
