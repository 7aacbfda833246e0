#pragma once
// What the trading branch shares beyond its actors' lifetimes, created once by the application:
// - the current handles of the storage, executor and trader actors (they change with every
//   restart; each start function or actor sets its own, and a dead one is forgotten);
// - the autonomous toggle (AUTONOMOUS_MODE at start, then POST /api/autonomous-toggle), which
//   survives a restart of the trader but not of the daemon: the configuration decides then;
// - the views the HTTP server's threads read without asking an actor (status, history,
//   positions, risk), published by the actors after each change;
// - the metrics.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <caf/actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/trading/trading_metrics.hpp"

namespace autotrader::trading_actors {

// One actor's current handle.
class ActorSlot {
 public:
  void set(const caf::actor& actor);
  caf::actor get() const;  // null while the actor is down
  // Clears the slot if it still holds this actor (a restart may have replaced it already).
  void forget(const caf::actor_addr& actor);

 private:
  mutable std::mutex mutex_;
  caf::actor actor_;
};

// The wait before the n-th (1-based) attempt to load state from the storage actor: 50 ms,
// doubling up to `max`, so a start that races the storage actor's own costs milliseconds.
std::chrono::milliseconds retry_delay(std::uint64_t attempt, std::chrono::milliseconds max);

class TradingShared {
 public:
  TradingShared(bool autonomous, std::string mode, std::string venue,
                std::shared_ptr<TradingMetrics> metrics);
  TradingShared(const TradingShared&) = delete;
  TradingShared& operator=(const TradingShared&) = delete;

  ActorSlot storage;
  ActorSlot executor;
  ActorSlot trader;

  bool autonomous() const { return autonomous_.load(); }
  void set_autonomous(bool enabled);
  const std::string& mode() const { return mode_; }           // "sim", "binance-paper"
  const std::string& venue() const { return venue_; }         // the execution venue: "paper"
  TradingMetrics* metrics() const { return metrics_.get(); }  // may be null

  // Published by the trader: the loop's counters, its history and risk's state.
  void publish_trader(nlohmann::json loop_status, nlohmann::json history, nlohmann::json risk,
                      bool running);
  void set_trader_running(bool running);
  // Published by the executor: {"equity","cash","quote_asset","positions":[...]}.
  void publish_account(nlohmann::json account);

  // GET /api/autonomous-status.
  nlohmann::json status_json() const;
  // GET /api/autonomous-history.
  nlohmann::json history_json() const;
  // GET /api/positions.
  nlohmann::json positions_json() const;

 private:
  std::atomic<bool> autonomous_;
  const std::string mode_;
  const std::string venue_;
  std::shared_ptr<TradingMetrics> metrics_;
  mutable std::mutex mutex_;
  nlohmann::json loop_status_ = nlohmann::json::object();
  nlohmann::json history_ = nlohmann::json::array();
  nlohmann::json risk_ = nlohmann::json::object();
  nlohmann::json account_ = nlohmann::json::object();
  bool running_ = false;
};

}  // namespace autotrader::trading_actors
