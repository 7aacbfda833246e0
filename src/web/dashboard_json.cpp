#include "web/dashboard_json.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace autotrader::web {
namespace {

double number_or(const nlohmann::json& object, const char* key, double fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string text_or(const nlohmann::json& object, const char* key, const std::string& fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

SystemHealth system_health(const nlohmann::json& health, const nlohmann::json& status) {
  const auto overall = text_or(health, "status", "");
  if (overall == "ok" || overall == "degraded" || overall == "failing") {
    return {overall, "health_monitor"};
  }
  const auto risk = status.is_object() ? status.value("risk", nlohmann::json::object())
                                       : nlohmann::json::object();
  const auto state = text_or(risk, "trading_state", "");
  const bool running = status.is_object() && status.value("is_running", false);
  if (state == "HALTED") return {"failing", "trading"};
  if (state == "REDUCING" || !running) return {"degraded", "trading"};
  return {"ok", "trading"};
}

nlohmann::json live_stats_json(const nlohmann::json& status,
                               const std::optional<store::DailyPerformanceRow>& today,
                               const std::string& date, const SystemHealth& health) {
  const auto risk = status.is_object() ? status.value("risk", nlohmann::json::object())
                                       : nlohmann::json::object();
  return {
      {"current_positions", static_cast<std::int64_t>(number_or(status, "active_positions", 0))},
      {"today_pnl", number_or(risk, "daily_pnl", 0)},
      {"realized_pnl_today", today ? today->total_pnl : 0.0},
      {"win_rate", today ? today->win_rate : 0.0},
      {"trades_today", today ? today->total_trades : 0},
      {"system_health", health.status},
      {"system_health_source", health.source},
      {"trading_state", text_or(risk, "trading_state", "UNKNOWN")},
      {"date", date}};
}

nlohmann::json performance_chart_json(const std::vector<store::EquityRow>& equity,
                                      const std::vector<store::DailyPerformanceRow>& days) {
  // "YYYY-MM-DD" keys sort in date order.
  std::map<std::string, nlohmann::json> points;
  auto point = [&](const std::string& date) -> nlohmann::json& {
    auto [it, added] = points.try_emplace(date);
    if (added) {
      it->second = {{"date", date}, {"equity", nullptr}, {"daily_pnl", 0.0}, {"trades", 0}};
    }
    return it->second;
  };
  for (const auto& row : equity) point(row.date)["equity"] = row.equity;
  for (const auto& row : days) {
    auto& p = point(row.date);
    p["daily_pnl"] = row.total_pnl;
    p["trades"] = row.total_trades;
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto& [date, p] : points) out.push_back(std::move(p));
  return out;
}

std::optional<int> parse_days(const std::optional<std::string>& text) {
  if (!text) return kDefaultChartDays;
  if (text->empty() || text->size() > 3 ||
      !std::all_of(text->begin(), text->end(),
                   [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  const int days = std::stoi(*text);
  if (days < 1 || days > kMaxChartDays) return std::nullopt;
  return days;
}

}  // namespace autotrader::web
