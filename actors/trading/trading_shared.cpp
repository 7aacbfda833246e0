#include "actors/trading/trading_shared.hpp"

#include <algorithm>

#include <caf/actor_addr.hpp>

namespace autotrader::trading_actors {

std::chrono::milliseconds retry_delay(std::uint64_t attempt, std::chrono::milliseconds max) {
  std::chrono::milliseconds delay{50};
  for (std::uint64_t i = 1; i < attempt && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

void ActorSlot::set(const caf::actor& actor) {
  std::lock_guard lock{mutex_};
  actor_ = actor;
}

caf::actor ActorSlot::get() const {
  std::lock_guard lock{mutex_};
  return actor_;
}

void ActorSlot::forget(const caf::actor_addr& actor) {
  std::lock_guard lock{mutex_};
  if (actor_ && actor_.address() == actor) actor_ = caf::actor{};
}

TradingShared::TradingShared(bool autonomous, std::string mode, std::string venue,
                             std::shared_ptr<TradingMetrics> metrics)
    : autonomous_{autonomous},
      mode_{std::move(mode)},
      venue_{std::move(venue)},
      metrics_{std::move(metrics)} {
  if (metrics_) metrics_->set_autonomous(autonomous);
}

void TradingShared::set_autonomous(bool enabled) {
  autonomous_.store(enabled);
  if (metrics_) metrics_->set_autonomous(enabled);
}

void TradingShared::publish_trader(nlohmann::json loop_status, nlohmann::json history,
                                   nlohmann::json risk, bool running) {
  std::lock_guard lock{mutex_};
  loop_status_ = std::move(loop_status);
  history_ = std::move(history);
  risk_ = std::move(risk);
  running_ = running;
}

void TradingShared::set_trader_running(bool running) {
  std::lock_guard lock{mutex_};
  running_ = running;
}

void TradingShared::publish_account(nlohmann::json account) {
  std::lock_guard lock{mutex_};
  account_ = std::move(account);
}

nlohmann::json TradingShared::status_json() const {
  std::lock_guard lock{mutex_};
  nlohmann::json status = loop_status_;
  // The toggle is read here, not from the trader's last publication: it answers at once.
  status["enabled"] = autonomous_.load();
  status["mode"] = mode_;
  status["venue"] = venue_;
  status["is_running"] = running_;
  const auto positions = account_.find("positions");
  status["active_positions"] =
      positions != account_.end() && positions->is_array() ? positions->size() : 0;
  for (const char* key : {"trades_executed", "last_decision_time", "current_confidence",
                          "loop_iterations", "primary_ai_failures", "backup_service_used"}) {
    if (!status.contains(key)) status[key] = nullptr;
  }
  status["risk"] = risk_;
  status["account"] = nlohmann::json::object();
  for (const char* key : {"equity", "cash", "quote_asset"}) {
    if (auto it = account_.find(key); it != account_.end()) status["account"][key] = *it;
  }
  // A network venue's link: reconciled or not (and why), its user data stream.
  if (auto it = account_.find("venue_status"); it != account_.end()) {
    status["venue_status"] = *it;
  }
  return status;
}

nlohmann::json TradingShared::history_json() const {
  std::lock_guard lock{mutex_};
  return {{"decisions", history_}};
}

nlohmann::json TradingShared::positions_json() const {
  std::lock_guard lock{mutex_};
  nlohmann::json out = account_;
  if (!out.contains("positions")) out["positions"] = nlohmann::json::array();
  return out;
}

}  // namespace autotrader::trading_actors
