#include "trading/decision_loop.hpp"

#include <utility>

#include "trading/audit_json.hpp"
#include "trading/decision_input.hpp"
#include "venues/paper/client_order_id.hpp"

namespace autotrader::trading {

using Json = nlohmann::json;

namespace {

TimePoint from_ms(core::TimestampMs ms) {
  return TimePoint{std::chrono::milliseconds{ms}};
}

std::string reasons_text(const std::vector<risk::Rejection>& rejections) {
  std::string text;
  for (const auto& r : rejections) {
    if (!text.empty()) text += ",";
    text += risk::to_string(r.reason);
  }
  return text;
}

Json final_decision(const std::string& action, bool execute, const std::string& reason) {
  return {{"action", action}, {"execute", execute}, {"reason", reason}};
}

}  // namespace

Json to_json(const LoopStatus& s, bool autonomous_mode) {
  return {{"enabled", autonomous_mode},
          {"loop_iterations", s.loop_iterations},
          {"decisions", s.decisions},
          {"trades_executed", s.trades_executed},
          {"last_decision_time",
           s.last_decision_time ? Json(format_timestamp(*s.last_decision_time)) : Json()},
          {"current_confidence", s.current_confidence},
          {"primary_ai_failures", s.primary_ai_failures},
          {"backup_service_used", s.backup_service_used},
          {"stale_decisions", s.stale_decisions},
          {"candles_skipped_in_flight", s.candles_skipped_in_flight},
          {"candles_skipped_warm_up", s.candles_skipped_warm_up},
          {"gated", s.gated},
          {"risk_rejected", s.risk_rejected},
          {"paused", s.paused},
          {"ai_errors", s.ai_errors},
          {"audit_failures", s.audit_failures}};
}

Json to_json(const HistoryEntry& e) {
  return {{"decision_id", e.decision_id}, {"timestamp", format_timestamp(e.timestamp)},
          {"symbol", e.symbol},           {"market_conditions", e.market_conditions},
          {"reasoning", e.reasoning},     {"confidence", e.confidence},
          {"action", e.action},           {"result", e.result}};
}

DecisionLoop::DecisionLoop(DecisionLoopOptions options, risk::RiskEngine& risk)
    : options_(std::move(options)), risk_(risk), autonomous_(options_.autonomous_mode) {
  for (const auto& symbol : options_.symbols) symbols_[symbol.str()];
}

DecisionLoop::SymbolState* DecisionLoop::find_symbol(const core::Symbol& symbol) {
  auto it = symbols_.find(symbol.str());
  return it == symbols_.end() ? nullptr : &it->second;
}

DecisionLoop::SymbolState* DecisionLoop::find_request(std::uint64_t request_id) {
  for (auto& [name, state] : symbols_)
    if (state.flight && state.flight->phase == Phase::awaiting_ai &&
        state.flight->request_id == request_id)
      return &state;
  return nullptr;
}

bool DecisionLoop::in_flight(const core::Symbol& symbol) const {
  auto it = symbols_.find(symbol.str());
  return it != symbols_.end() && it->second.flight.has_value();
}

llm::PositionState DecisionLoop::position_state(const core::Symbol& symbol, double mark) const {
  for (const auto& p : positions_)
    if (p.symbol == symbol)
      return make_position_state(p.quantity.to_double(), p.average_entry_price.to_double(), mark);
  return {};
}

void DecisionLoop::set_account(risk::PortfolioView portfolio,
                               std::vector<paper::Position> positions) {
  portfolio_ = std::move(portfolio);
  positions_ = std::move(positions);
}

Effects DecisionLoop::on_snapshot(const market::Snapshot& snapshot) {
  if (snapshot.interval != options_.interval) return {};
  auto* state = find_symbol(snapshot.symbol);
  // Replays and out-of-order snapshots of a candle already seen start nothing.
  if (state == nullptr || snapshot.open_time <= state->last_open_time) return {};
  state->last_open_time = snapshot.open_time;
  ++status_.loop_iterations;
  if (state->flight) {
    if (state->flight->phase == Phase::awaiting_ai) state->flight->superseded = true;
    ++status_.candles_skipped_in_flight;
    return {};
  }
  if (!snapshot.warmed_up && !options_.decide_during_warm_up) {
    ++status_.candles_skipped_warm_up;
    return {};
  }
  InFlight flight;
  flight.request_id = next_request_id_++;
  // Derived from the candle, so a restarted loop deciding the same candle again gets the same
  // client order id and the venue refuses the duplicate.
  flight.decision_id = snapshot.symbol.str() + "-" +
                       std::string{core::to_string(snapshot.interval)} + "-" +
                       std::to_string(snapshot.open_time);
  flight.snapshot = snapshot;
  flight.input = to_decision_input(snapshot, position_state(snapshot.symbol, snapshot.last_price));
  AskAi ask{flight.request_id, flight.decision_id, snapshot.symbol.str(), flight.input};
  state->flight = std::move(flight);
  return {std::move(ask)};
}

Effects DecisionLoop::on_ai_reply(std::uint64_t request_id, const llm::Decision& decision,
                                  const AiReplyInfo& info, TimePoint now) {
  auto* state = find_request(request_id);
  if (state == nullptr) {
    ++status_.unknown_replies;
    return {};
  }
  auto& f = *state->flight;
  if (info.primary_failed) ++status_.primary_ai_failures;
  if (info.backup_used) ++status_.backup_service_used;
  f.action = std::string{llm::to_string(decision.action)};
  f.confidence = decision.confidence;
  f.provider = decision.provider;
  auto ai = ai_analysis_json(decision, info.primary_failed, info.backup_used, info.elapsed);

  auto next_close = from_ms(f.snapshot.as_of) + core::duration(options_.interval);
  if (f.superseded || now > next_close) {
    ++status_.stale_decisions;
    return finish_reply(*state, "stale", std::move(ai), nullptr,
                        final_decision(f.action, false, "stale"), nullptr, decision.reasoning,
                        "stale", now);
  }
  if (decision.action == llm::Action::hold)
    return finish_reply(*state, f.action, std::move(ai), nullptr,
                        final_decision(f.action, false, "hold"), nullptr, decision.reasoning,
                        "hold", now);

  // Phase 3: risk sizes and checks the order.
  risk::OrderIntent intent;
  intent.symbol = f.snapshot.symbol;
  intent.side = decision.action == llm::Action::buy ? risk::Side::buy : risk::Side::sell;
  intent.price = core::Decimal::from_double(f.snapshot.last_price, 8, core::Rounding::half_even)
                     .value_or(core::Decimal{});
  intent.confidence = decision.confidence;
  intent.position_size = decision.position_size;
  if (decision.stop_loss_pct > 0) intent.stop_loss_pct = decision.stop_loss_pct;
  if (decision.take_profit_pct > 0) intent.take_profit_pct = decision.take_profit_pct;
  intent.data_time = from_ms(f.snapshot.as_of);
  auto rules_it = options_.symbol_rules.find(intent.symbol.str());
  auto rules = rules_it == options_.symbol_rules.end() ? risk::SymbolRules{} : rules_it->second;
  auto verdict = risk_.validate(intent, portfolio_, rules, now);
  // Phase 4: the confidence gate.
  auto gate = risk::check_confidence_gate(decision.confidence, decision.factors, options_.gate);
  auto validation = risk_validation_json(verdict, risk_.trading_state(), gate, options_.gate,
                                         risk::count_distinct_factors(decision.factors));

  if (!verdict.approved) {
    ++status_.risk_rejected;
    auto reasons = reasons_text(verdict.rejections);
    if (!gate.empty()) reasons += "," + reasons_text(gate);
    return finish_reply(*state, f.action, std::move(ai), std::move(validation),
                        final_decision(f.action, false, "risk_rejected"), nullptr,
                        decision.reasoning, "risk_rejected: " + reasons, now);
  }
  if (!gate.empty()) {
    ++status_.gated;
    return finish_reply(*state, f.action, std::move(ai), std::move(validation),
                        final_decision(f.action, false, "confidence_gate"), nullptr,
                        decision.reasoning, "confidence_gate: " + reasons_text(gate), now);
  }
  if (!autonomous_) {
    ++status_.paused;
    return finish_reply(*state, f.action, std::move(ai), std::move(validation),
                        final_decision(f.action, false, "paused"), nullptr, decision.reasoning,
                        "paused", now);
  }

  PlaceOrder order;
  order.decision_id = f.decision_id;
  order.reference_price = verdict.price;
  auto& request = order.request;
  request.client_order_id = paper::make_client_order_id(
      f.decision_id,
      verdict.reduces_exposure ? paper::OrderPurpose::exit : paper::OrderPurpose::entry);
  request.decision_id = f.decision_id;
  request.symbol = f.snapshot.symbol;
  request.side = intent.side == risk::Side::buy ? paper::Side::buy : paper::Side::sell;
  request.quantity = verdict.quantity;
  if (verdict.stop_loss_price && verdict.take_profit_price)
    request.protection = paper::Protection{*verdict.stop_loss_price, *verdict.take_profit_price};
  auto execution = execution_json(order, options_.venue);
  f.order = std::move(order);
  f.reduces_exposure = verdict.reduces_exposure;
  return finish_reply(*state, f.action, std::move(ai), std::move(validation),
                      final_decision(f.action, true, "execute"), std::move(execution),
                      decision.reasoning, "awaiting_audit", now);
}

Effects DecisionLoop::on_ai_error(std::uint64_t request_id, const std::string& message,
                                  TimePoint now) {
  auto* state = find_request(request_id);
  if (state == nullptr) {
    ++status_.unknown_replies;
    return {};
  }
  ++status_.ai_errors;
  auto& f = *state->flight;
  f.action = "HOLD";
  auto final = final_decision("HOLD", false, "ai_error");
  final["message"] = message;
  return finish_reply(*state, "ai_error", nullptr, nullptr, std::move(final), nullptr, "",
                      "ai_error: " + message, now);
}

Effects DecisionLoop::finish_reply(SymbolState& state, const std::string& decision_type,
                                   Json ai_analysis, Json risk_validation, Json final,
                                   Json execution, const std::string& reasoning,
                                   const std::string& result, TimePoint now) {
  auto& f = *state.flight;
  f.phase = Phase::awaiting_audit;
  f.decided_at = now;
  f.record = {{"timestamp", format_timestamp(now)},
              {"decision_type", decision_type},
              {"market_data", market_data_json(f.snapshot, f.input)},
              {"ai_analysis", std::move(ai_analysis)},
              {"risk_validation", std::move(risk_validation)},
              {"final_decision", std::move(final)},
              {"execution", std::move(execution)},
              {"decision_id", f.decision_id},
              {"symbol", f.snapshot.symbol.str()}};
  ++status_.decisions;
  status_.last_decision_time = now;
  status_.current_confidence = f.confidence;

  HistoryEntry entry;
  entry.decision_id = f.decision_id;
  entry.timestamp = now;
  entry.symbol = f.snapshot.symbol.str();
  entry.market_conditions = {{"price", f.input.price},
                             {"trend", f.input.trend},
                             {"rsi", f.input.rsi ? Json(*f.input.rsi) : Json()},
                             {"volume_ratio", f.input.volume_ratio}};
  entry.reasoning = reasoning;
  entry.confidence = f.confidence;
  entry.action = f.action;
  entry.result = result;
  push_history(std::move(entry));
  return {WriteAudit{f.decision_id, f.record}};
}

Effects DecisionLoop::on_audit_written(const std::string& decision_id, bool ok,
                                       const std::string& error, TimePoint now) {
  SymbolState* state = nullptr;
  for (auto& [name, s] : symbols_)
    if (s.flight && s.flight->phase == Phase::awaiting_audit &&
        s.flight->decision_id == decision_id)
      state = &s;
  if (state == nullptr) {
    ++status_.unknown_replies;
    return {};
  }
  auto f = std::move(*state->flight);
  state->flight.reset();
  RecordDecision row;
  row.decision_id = f.decision_id;
  row.timestamp = f.decided_at;
  row.symbol = f.snapshot.symbol.str();
  row.action = f.action;
  row.confidence = f.confidence;
  row.provider = f.provider;
  row.record = f.record;
  Effects effects;
  if (!ok) {
    ++status_.audit_failures;
    auto message = "audit write failed for decision " + f.decision_id + ": " + error;
    risk_.halt(message);
    row.record["final_decision"]["execute"] = false;
    row.record["final_decision"]["reason"] = "audit_write_failed";
    row.record["execution"] = nullptr;
    if (f.order) set_result(f.decision_id, "not_sent: audit write failed");
    effects.emplace_back(RiskHalted{message});
    effects.emplace_back(std::move(row));
    return effects;
  }
  if (!f.order) {
    effects.emplace_back(std::move(row));
    return effects;
  }
  // A halt that arrived between the audit and now (kill switch, another decision's failed
  // audit) still stops an entry; exits reduce exposure and stay allowed.
  if (risk_.trading_state() == risk::TradingState::halted && !f.reduces_exposure) {
    set_result(f.decision_id, "not_sent: trading halted");
    // The audit line says the order was about to be sent; the row, written after it, says it
    // was not (the orders table has no order for it either).
    row.record["final_decision"]["execute"] = false;
    row.record["final_decision"]["reason"] = "halted_before_send";
    row.record["execution"] = nullptr;
    effects.emplace_back(std::move(row));
    return effects;
  }
  row.executed = true;
  ++status_.trades_executed;
  risk_.record_order(now);
  order_decisions_[f.order->request.client_order_id] = f.decision_id;
  set_result(f.decision_id, "sent");
  effects.emplace_back(std::move(row));
  effects.emplace_back(std::move(*f.order));
  return effects;
}

void DecisionLoop::on_venue_event(const paper::VenueEvent& event) {
  auto result_for = [&](const std::string& client_order_id, const std::string& result) {
    auto it = order_decisions_.find(client_order_id);
    if (it != order_decisions_.end()) set_result(it->second, result);
  };
  if (const auto* e = std::get_if<paper::OrderAccepted>(&event)) {
    result_for(e->order.client_order_id, "accepted");
  } else if (const auto* e = std::get_if<paper::Fill>(&event)) {
    result_for(e->client_order_id, e->remaining_quantity > core::Decimal{}
                                       ? "partially_filled"
                                       : "filled at " + e->price.to_string());
  } else if (const auto* e = std::get_if<paper::OrderRejected>(&event)) {
    result_for(e->client_order_id, std::string{"venue_rejected: "} + paper::to_string(e->reason));
  } else if (const auto* e = std::get_if<paper::OrderCancelled>(&event)) {
    result_for(e->client_order_id, std::string{"cancelled: "} + paper::to_string(e->reason));
  }
}

void DecisionLoop::push_history(HistoryEntry entry) {
  history_.push_back(std::move(entry));
  while (history_.size() > options_.history_size) history_.pop_front();
}

void DecisionLoop::set_result(const std::string& decision_id, const std::string& result) {
  for (auto it = history_.rbegin(); it != history_.rend(); ++it)
    if (it->decision_id == decision_id) {
      it->result = result;
      return;
    }
}

}  // namespace autotrader::trading
