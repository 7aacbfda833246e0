#pragma once
// What the decision loop (decision_loop.hpp) asks its owner to do, as values. The trader actor
// turns each into a message: AskAi to the AI pool, WriteAudit and RecordDecision to the storage
// actor, PlaceOrder to the executor, RiskHalted to the risk actor and the log. Effects come back
// in the order they must be carried out; the loop never assumes one has been done until the
// owner reports it (on_audit_written for WriteAudit).
#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/types.hpp"
#include "venues/paper/venue.hpp"

namespace autotrader::trading {

using TimePoint = std::chrono::system_clock::time_point;

// Analyse this input; answer with on_ai_reply(request_id, ...) or on_ai_error(request_id, ...).
struct AskAi {
  std::uint64_t request_id = 0;
  std::string decision_id;
  std::string symbol;
  llm::DecisionInput input;
};

// Append this record (top-level keys: timestamp, decision_type, market_data, ai_analysis,
// risk_validation, final_decision, execution; plus decision_id and symbol) to the audit trail,
// flushed, then answer on_audit_written(decision_id, ok).
struct WriteAudit {
  std::string decision_id;
  nlohmann::json record;
};

// One row of the decisions table (store::DecisionRow has the same fields). Emitted after the
// decision's audit write was answered, so `executed` says whether its order was sent.
struct RecordDecision {
  std::string decision_id;
  TimePoint timestamp;  // when the decision was made: the audit record's timestamp
  std::string symbol;
  std::string action;  // BUY / SELL / HOLD
  double confidence = 0;
  std::string provider;
  bool executed = false;
  nlohmann::json record;  // the audit record as written
};

// Send this order to the venue. Only ever emitted after the decision's audit record was written.
struct PlaceOrder {
  std::string decision_id;
  paper::OrderRequest request;
  core::Decimal reference_price;  // the rounded price risk sized it at
};

// The loop moved risk to HALTED (it cannot audit); persist the risk state and say so loudly.
struct RiskHalted {
  std::string message;
};

using Effect = std::variant<AskAi, WriteAudit, RecordDecision, PlaceOrder, RiskHalted>;
using Effects = std::vector<Effect>;

}  // namespace autotrader::trading
