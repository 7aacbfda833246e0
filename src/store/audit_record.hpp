#pragma once
// The shape of one audit record (one line of the JSONL audit trail, see README.md here):
// a JSON object with
//   timestamp        string, RFC 3339 ("2026-11-21T08:55:36.123Z"); it also picks the daily file
//   decision_type    non-empty string, e.g. "BUY", "SELL", "HOLD", "stale", "rejected"
//   market_data      object
//   ai_analysis      object, or null when no provider answered
//   risk_validation  object, or null when the decision never reached risk (e.g. stale)
//   final_decision   object
//   execution        object, or null when nothing was sent (HOLD, paused, rejected)
// Other top-level keys (decision_id, symbol, ...) are allowed and kept.
#include <chrono>

#include <nlohmann/json.hpp>

#include "store/errc.hpp"

namespace autotrader::store {

// The record's timestamp when it has the documented shape; invalid_record naming the first
// field that is wrong otherwise.
Expected<std::chrono::system_clock::time_point> validate_audit_record(const nlohmann::json& record);

}  // namespace autotrader::store
