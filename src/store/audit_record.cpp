#include "store/audit_record.hpp"

#include <string>

#include "store/timestamp.hpp"

namespace autotrader::store {

Expected<std::chrono::system_clock::time_point> validate_audit_record(
    const nlohmann::json& record) {
  if (!record.is_object()) {
    return make_error(errc::invalid_record, "audit record: not a JSON object");
  }
  const auto ts = record.find("timestamp");
  if (ts == record.end() || !ts->is_string()) {
    return make_error(errc::invalid_record, "audit record: 'timestamp' missing or not a string");
  }
  const auto at = parse_timestamp(ts->get_ref<const std::string&>());
  if (!at) {
    return make_error(errc::invalid_record, "audit record: 'timestamp' is not RFC 3339");
  }
  const auto type = record.find("decision_type");
  if (type == record.end() || !type->is_string() || type->get_ref<const std::string&>().empty()) {
    return make_error(errc::invalid_record,
                      "audit record: 'decision_type' missing or not a non-empty string");
  }
  struct Field {
    const char* name;
    bool nullable;
  };
  static constexpr Field objects[] = {{"market_data", false},
                                      {"ai_analysis", true},
                                      {"risk_validation", true},
                                      {"final_decision", false},
                                      {"execution", true}};
  for (const auto& field : objects) {
    const auto it = record.find(field.name);
    if (it == record.end()) {
      return make_error(errc::invalid_record,
                        std::string{"audit record: '"} + field.name + "' missing");
    }
    if (!it->is_object() && !(field.nullable && it->is_null())) {
      return make_error(errc::invalid_record, std::string{"audit record: '"} + field.name +
                                                  "' must be an object" +
                                                  (field.nullable ? " or null" : ""));
    }
  }
  return *at;
}

}  // namespace autotrader::store
