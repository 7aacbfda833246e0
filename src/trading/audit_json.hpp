#pragma once
// The parts of a decision's audit record (effects.hpp WriteAudit), as JSON. Pure functions; the
// decision loop assembles them into one record per decision.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/types.hpp"
#include "market/snapshot.hpp"
#include "risk/confidence_gate.hpp"
#include "risk/state.hpp"
#include "risk/types.hpp"
#include "trading/effects.hpp"

namespace autotrader::trading {

// RFC 3339 in UTC with milliseconds: "2026-11-21T08:55:36.123Z".
std::string format_timestamp(TimePoint time);

// The analysis input plus the candle's identity, warm-up and data age.
nlohmann::json market_data_json(const market::Snapshot& snapshot, const llm::DecisionInput& input);

// The provider's decision (llm::decision_to_json) plus how the pool got it.
nlohmann::json ai_analysis_json(const llm::Decision& decision, bool primary_failed,
                                bool backup_used, std::chrono::milliseconds elapsed);

nlohmann::json rejections_json(const std::vector<risk::Rejection>& rejections);

// Phase 3 (the verdict) and phase 4 (the gate) together.
nlohmann::json risk_validation_json(const risk::RiskVerdict& verdict, risk::TradingState state,
                                    const std::vector<risk::Rejection>& gate_rejections,
                                    const risk::ConfidenceGateOptions& gate,
                                    std::size_t distinct_factors);

// The order about to be sent.
nlohmann::json execution_json(const PlaceOrder& order, const std::string& venue);

}  // namespace autotrader::trading
