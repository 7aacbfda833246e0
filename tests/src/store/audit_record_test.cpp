#include "store/audit_record.hpp"

#include <gtest/gtest.h>

#include <string>

namespace autotrader::store {
namespace {

nlohmann::json valid() {
  return {{"timestamp", "2026-11-21T08:55:36.123Z"},
          {"decision_type", "HOLD"},
          {"market_data", {{"symbol", "BTCUSDT"}}},
          {"ai_analysis", nullptr},
          {"risk_validation", nullptr},
          {"final_decision", {{"action", "HOLD"}}},
          {"execution", nullptr},
          {"decision_id", "d-1"}};
}

TEST(StoreAuditRecord, AcceptsTheDocumentedShape) {
  const auto at = validate_audit_record(valid());
  ASSERT_TRUE(at) << at.error().message;
  EXPECT_EQ(*at,
            std::chrono::system_clock::time_point{std::chrono::milliseconds{1'795'251'336'123}});
}

TEST(StoreAuditRecord, NamesTheFirstWrongField) {
  struct Case {
    const char* field;
    nlohmann::json value;  // null with erase = true removes the field
    bool erase;
  };
  const Case cases[] = {
      {"timestamp", nullptr, true},       {"timestamp", 17, false},
      {"timestamp", "yesterday", false},  {"decision_type", nullptr, true},
      {"decision_type", "", false},       {"market_data", nullptr, false},
      {"market_data", nullptr, true},     {"ai_analysis", "text", false},
      {"ai_analysis", nullptr, true},     {"risk_validation", nlohmann::json::array(), false},
      {"final_decision", nullptr, false}, {"execution", 3, false},
      {"execution", nullptr, true},
  };
  for (const auto& c : cases) {
    auto record = valid();
    if (c.erase) {
      record.erase(c.field);
    } else {
      record[c.field] = c.value;
    }
    const auto result = validate_audit_record(record);
    ASSERT_FALSE(result) << c.field;
    EXPECT_EQ(result.error().code, errc::invalid_record);
    EXPECT_NE(result.error().message.find(c.field), std::string::npos) << result.error().message;
  }
  EXPECT_FALSE(validate_audit_record(nlohmann::json::array()));
  EXPECT_FALSE(validate_audit_record(nlohmann::json("text")));
}

}  // namespace
}  // namespace autotrader::store
