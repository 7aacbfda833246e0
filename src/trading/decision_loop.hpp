#pragma once
// The decision loop of the trader, as a plain state machine: per symbol, on each closed candle,
// snapshot → AI pool (phases 1–2) → risk validation (phase 3) → confidence gate (phase 4) →
// audit → executor, with one audit record and one decisions row for every decision, executed or
// not. Inputs are method calls (candles, AI replies, audit acknowledgements, venue events, the
// toggle); outputs are Effects (effects.hpp) for the owner to carry out.
//
// Invariants:
// - At most one decision in flight per symbol, from AskAi until its audit write is answered.
//   A candle that closes meanwhile starts no decision (counted in candles_skipped_in_flight).
// - A reply that arrives after the next candle has closed (a later snapshot came, or the clock
//   is past the next close) is stale: not executed, counted and audited as "stale".
// - An order is emitted only after on_audit_written(decision_id, true) for its decision. When
//   the audit write fails, risk goes HALTED (RiskEngine::halt) and the order is never sent.
// - Paused (autonomous off) decisions are still computed, audited and recorded, never executed.
//   Whether a decision executes is fixed when its audit record is built (the record is the
//   truth); only a HALT that arrives before the audit acknowledgement still stops its order.
//
// Owned by one actor (the trader); not thread-safe. The RiskEngine is borrowed: whoever owns
// it persists its state after RiskHalted. Time is always an argument.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/market.hpp"
#include "llm/types.hpp"
#include "market/snapshot.hpp"
#include "risk/confidence_gate.hpp"
#include "risk/engine.hpp"
#include "risk/types.hpp"
#include "trading/effects.hpp"
#include "venues/paper/venue.hpp"

namespace autotrader::trading {

struct DecisionLoopOptions {
  std::vector<core::Symbol> symbols;             // SYMBOLS; others are ignored
  core::Interval interval = core::Interval::m1;  // DECISION_INTERVAL (CHECK_INTERVAL)
  bool autonomous_mode = true;                   // AUTONOMOUS_MODE; the toggle flips it
  risk::ConfidenceGateOptions gate;              // MIN_CONFIDENCE_FOR_TRADE, CONFIDENCE_FACTORS
  std::map<std::string, risk::SymbolRules> symbol_rules;  // by symbol; missing = no filters
  bool decide_during_warm_up = false;  // ask the AI before every indicator has its value
  std::string venue = "paper";         // named in the audit's execution block
  std::size_t history_size = 20;       // GET /api/autonomous-history
};

// What the owner passes with a pool reply (actors/llm/protocol.hpp PoolReply::attempts).
struct AiReplyInfo {
  bool primary_failed = false;  // the first provider tried did not answer
  bool backup_used = false;     // the answer came from another provider than the first
  std::chrono::milliseconds elapsed{0};
};

// The counters of GET /api/autonomous-status, and the ones the metrics need.
struct LoopStatus {
  std::uint64_t loop_iterations = 0;  // closed candles of a configured symbol and interval
  std::uint64_t decisions = 0;        // audit records built
  std::uint64_t trades_executed = 0;  // orders sent (after their audit record was written)
  std::optional<TimePoint> last_decision_time;
  double current_confidence = 0;  // of the last decision
  std::uint64_t primary_ai_failures = 0;
  std::uint64_t backup_service_used = 0;
  std::uint64_t stale_decisions = 0;
  std::uint64_t candles_skipped_in_flight = 0;
  std::uint64_t candles_skipped_warm_up = 0;
  std::uint64_t gated = 0;          // refused by the confidence gate
  std::uint64_t risk_rejected = 0;  // refused by risk
  std::uint64_t paused = 0;         // would have executed, autonomous mode off
  std::uint64_t ai_errors = 0;
  std::uint64_t audit_failures = 0;
  std::uint64_t unknown_replies = 0;  // a reply or ack that matches nothing in flight
};

// One row of GET /api/autonomous-history.
struct HistoryEntry {
  std::string decision_id;
  TimePoint timestamp;
  std::string symbol;
  nlohmann::json market_conditions;  // price, trend, rsi, volume_ratio
  std::string reasoning;
  double confidence = 0;
  std::string action;  // BUY / SELL / HOLD
  std::string result;  // executed, filled, hold, paused, risk_rejected: <reasons>, ...
};

nlohmann::json to_json(const LoopStatus& status, bool autonomous_mode);
nlohmann::json to_json(const HistoryEntry& entry);

class DecisionLoop {
 public:
  DecisionLoop(DecisionLoopOptions options, risk::RiskEngine& risk);

  // A closed candle's snapshot. Starts a decision (AskAi) when the symbol is idle.
  Effects on_snapshot(const market::Snapshot& snapshot);
  // The pool's answer for a request. Runs phases 3 and 4 and builds the audit record (WriteAudit).
  Effects on_ai_reply(std::uint64_t request_id, const llm::Decision& decision,
                      const AiReplyInfo& info, TimePoint now);
  // The pool could not be asked or did not answer in time: audited as "ai_error".
  Effects on_ai_error(std::uint64_t request_id, const std::string& message, TimePoint now);
  // The storage actor's answer to WriteAudit. ok: RecordDecision, then PlaceOrder when the
  // decision executes. Not ok: RiskHalted, and the decision is recorded as not executed.
  Effects on_audit_written(const std::string& decision_id, bool ok, const std::string& error,
                           TimePoint now);
  // What the venue reported; updates the history's result of the decision that placed it.
  void on_venue_event(const paper::VenueEvent& event);
  // The account as risk and the analysis need it: equity, cash, positions at mark, and the
  // venue's positions for their average entry prices.
  void set_account(risk::PortfolioView portfolio, std::vector<paper::Position> positions);

  void set_autonomous(bool enabled) { autonomous_ = enabled; }
  bool autonomous() const { return autonomous_; }
  bool in_flight(const core::Symbol& symbol) const;
  const LoopStatus& status() const { return status_; }
  // Newest last, at most options.history_size.
  const std::deque<HistoryEntry>& history() const { return history_; }

 private:
  enum class Phase : std::uint8_t { awaiting_ai, awaiting_audit };

  struct InFlight {
    Phase phase = Phase::awaiting_ai;
    std::uint64_t request_id = 0;
    std::string decision_id;
    market::Snapshot snapshot;
    llm::DecisionInput input;
    bool superseded = false;  // a later candle closed while waiting for the AI
    // Filled once the reply is processed:
    nlohmann::json record;
    TimePoint decided_at;  // the record's timestamp, also the row's
    std::string action;
    double confidence = 0;
    std::string provider;
    std::optional<PlaceOrder> order;
    bool reduces_exposure = false;  // the order is an exit
  };

  struct SymbolState {
    core::TimestampMs last_open_time = -1;
    std::optional<InFlight> flight;
  };

  SymbolState* find_symbol(const core::Symbol& symbol);
  SymbolState* find_request(std::uint64_t request_id);
  Effects finish_reply(SymbolState& state, const std::string& decision_type,
                       nlohmann::json ai_analysis, nlohmann::json risk_validation,
                       nlohmann::json final_decision, nlohmann::json execution,
                       const std::string& reasoning, const std::string& result, TimePoint now);
  void push_history(HistoryEntry entry);
  void set_result(const std::string& decision_id, const std::string& result);
  llm::PositionState position_state(const core::Symbol& symbol, double mark) const;

  DecisionLoopOptions options_;
  risk::RiskEngine& risk_;
  bool autonomous_;
  std::map<std::string, SymbolState> symbols_;
  std::uint64_t next_request_id_ = 1;
  risk::PortfolioView portfolio_;
  std::vector<paper::Position> positions_;
  std::map<std::string, std::string> order_decisions_;  // client order id -> decision id
  LoopStatus status_;
  std::deque<HistoryEntry> history_;
};

}  // namespace autotrader::trading
