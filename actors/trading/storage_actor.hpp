#pragma once
// The storage actor: the one owner of the database (store::Store, <data dir>/autotrader.db) and
// of the audit trail (store::AuditWriter, <data dir>/logs/autonomous_trades.jsonl). The other
// actors send it records (protocol.hpp) and learn from each answer whether it is durable.
//
// Failures never crash it and never pass silently: a write that fails (full disk, unwritable
// file, damaged database) is answered with the error, logged, counted
// (autotrader_storage_writes_total{result="error"}) and reported to the trader
// (storage_failed_atom), which moves risk to HALTED. A database or audit file that cannot be
// opened leaves the actor running and answering errors; every later write tries to open it
// again, so trading can resume once the operator has made room (and resumed risk).
//
// It also keeps the durable state document of the branch ({"risk": ..., "executor": ...}) in
// the trading_state table, recomputes the day's daily_performance row after every trade, keeps
// today's equity_history row from the executor's samples and answers the web dashboard's
// performance reads (PerformanceQuery).
#include <chrono>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "store/audit_writer.hpp"
#include "store/store.hpp"

namespace caf {
class actor;
class event_based_actor;
}  // namespace caf

namespace spdlog {
class logger;
}

namespace autotrader::trading_actors {

class TradingShared;

struct StorageConfig {
  store::StoreOptions store;
  store::AuditWriterOptions audit;
  std::chrono::minutes day_utc_offset{0};                // the trading day of daily_performance
  nlohmann::json parameters = nlohmann::json::object();  // daily_performance.parameters
  std::shared_ptr<TradingShared> shared;
  std::shared_ptr<const core::Clock> clock;
  std::shared_ptr<spdlog::logger> log;  // may be null
};

caf::actor spawn_storage_actor(caf::event_based_actor& parent, StorageConfig config);

}  // namespace autotrader::trading_actors
