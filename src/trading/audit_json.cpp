#include "trading/audit_json.hpp"

#include <cstdio>
#include <ctime>

#include "llm/decision_json.hpp"

namespace autotrader::trading {

using Json = nlohmann::json;

std::string format_timestamp(TimePoint time) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(time.time_since_epoch()).count();
  auto seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  auto millis = static_cast<int>(ms - static_cast<std::int64_t>(seconds) * 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];  // room for any int the compiler can imagine in each field
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

Json market_data_json(const market::Snapshot& snapshot, const llm::DecisionInput& input) {
  auto json = llm::decision_input_to_json(input);
  json["open_time_ms"] = snapshot.open_time;
  json["warmed_up"] = snapshot.warmed_up;
  json["data_age_ms"] = snapshot.data_age.count();
  return json;
}

Json ai_analysis_json(const llm::Decision& decision, bool primary_failed, bool backup_used,
                      std::chrono::milliseconds elapsed) {
  auto json = llm::decision_to_json(decision);
  json["primary_failed"] = primary_failed;
  json["backup_used"] = backup_used;
  json["elapsed_ms"] = elapsed.count();
  return json;
}

Json rejections_json(const std::vector<risk::Rejection>& rejections) {
  auto json = Json::array();
  for (const auto& r : rejections)
    json.push_back({{"reason", std::string{risk::to_string(r.reason)}}, {"message", r.message}});
  return json;
}

Json risk_validation_json(const risk::RiskVerdict& verdict, risk::TradingState state,
                          const std::vector<risk::Rejection>& gate_rejections,
                          const risk::ConfidenceGateOptions& gate, std::size_t distinct_factors) {
  auto optional = [](const std::optional<core::Decimal>& value) {
    return value ? Json(value->to_string()) : Json();
  };
  Json json = {{"approved", verdict.approved},
               {"trading_state", std::string{risk::to_string(state)}},
               {"reduces_exposure", verdict.reduces_exposure},
               {"rejections", rejections_json(verdict.rejections)},
               {"size_multiplier", verdict.size_multiplier}};
  if (verdict.approved) {
    json["quantity"] = verdict.quantity.to_string();
    json["price"] = verdict.price.to_string();
    json["stop_loss_price"] = optional(verdict.stop_loss_price);
    json["take_profit_price"] = optional(verdict.take_profit_price);
  }
  json["confidence_gate"] = {{"passed", gate_rejections.empty()},
                             {"min_confidence_for_trade", gate.min_confidence_for_trade},
                             {"confidence_factors", gate.confidence_factors},
                             {"distinct_factors", distinct_factors},
                             {"rejections", rejections_json(gate_rejections)}};
  return json;
}

Json execution_json(const PlaceOrder& order, const std::string& venue) {
  const auto& r = order.request;
  Json json = {{"status", "sending"},
               {"venue", venue},
               {"client_order_id", r.client_order_id},
               {"side", paper::to_string(r.side)},
               {"type", "MARKET"},
               {"quantity", r.quantity.to_string()},
               {"reference_price", order.reference_price.to_string()},
               {"stop_loss", nullptr},
               {"take_profit", nullptr}};
  if (r.protection) {
    json["stop_loss"] = r.protection->stop_loss.to_string();
    json["take_profit"] = r.protection->take_profit.to_string();
  }
  return json;
}

}  // namespace autotrader::trading
