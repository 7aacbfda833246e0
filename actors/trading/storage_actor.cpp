#include "actors/trading/storage_actor.hpp"

#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/trading/protocol.hpp"
#include "actors/trading/trading_shared.hpp"
#include "core/calendar.hpp"
#include "core/fault.hpp"
#include "store/audit_record.hpp"
#include "store/timestamp.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::trading_actors {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

struct StorageState {
  StorageConfig config;
  std::unique_ptr<store::Store> db;
  std::unique_ptr<store::AuditWriter> audit;
  std::string db_error;     // why the database is not open (for the answers)
  std::string audit_error;  // why the audit trail is not open
  nlohmann::json document = nlohmann::json::object();
  bool document_loaded = false;
  static inline const char* name = "storage";
};

using Self = caf::stateful_actor<StorageState>;

spdlog::logger* log_of(Self* self) {
  return self->state.config.log.get();
}

void report_failure(Self* self, const std::string& kind, const std::string& message) {
  auto& st = self->state;
  if (auto* metrics = st.config.shared->metrics()) metrics->count_storage_write(kind, false);
  if (auto* log = log_of(self)) log->error("storage: {} write failed: {}", kind, message);
  if (auto trader = st.config.shared->trader.get()) {
    self->send(trader, storage_failed_atom::value, kind + " write failed: " + message);
  }
}

StoreResult succeeded(Self* self, const std::string& kind) {
  if (auto* metrics = self->state.config.shared->metrics()) {
    metrics->count_storage_write(kind, true);
  }
  return {};
}

StoreResult failed(Self* self, const std::string& kind, const std::string& message) {
  report_failure(self, kind, message);
  return {false, message};
}

// Opens the database when it is not open (again after a failure). False: st.db_error says why.
bool ensure_db(Self* self) {
  auto& st = self->state;
  if (st.db) return true;
  auto opened = store::Store::open(st.config.store);
  if (!opened) {
    st.db_error = opened.error().message;
    return false;
  }
  st.db = std::move(*opened);
  st.db_error.clear();
  if (!st.document_loaded) {
    auto loaded = st.db->load_trading_state();
    if (!loaded) {
      st.db_error = loaded.error().message;
      st.db.reset();
      return false;
    }
    if (*loaded && (*loaded)->is_object()) st.document = **loaded;
    st.document_loaded = true;
  }
  if (auto* log = log_of(self)) log->info("storage: database {} open", st.db->path().string());
  return true;
}

bool ensure_audit(Self* self) {
  auto& st = self->state;
  if (st.audit) return true;
  auto opened = store::AuditWriter::open(st.config.audit);
  if (!opened) {
    st.audit_error = opened.error().message;
    return false;
  }
  st.audit = std::move(*opened);
  st.audit_error.clear();
  if (auto* log = log_of(self)) {
    const auto& recovery = st.audit->recovery();
    if (recovery.repaired) log->warn("storage: audit trail repaired: {}", recovery.message);
    log->info("storage: audit trail {}", st.audit->active_path().string());
  }
  return true;
}

// A duplicate is not a failure: a restarted executor or trader re-sends what may have been
// stored already (the keys make the second write a no-op).
bool is_duplicate(const store::Status& status) {
  return status && status->code == store::errc::duplicate;
}

std::string status_text(const store::Status& status) {
  return status ? status->message : "";
}

// The day [start, end) in the configured zone that `at` falls in.
std::pair<TimePoint, TimePoint> day_of(TimePoint at, std::chrono::minutes offset) {
  using std::chrono::milliseconds;
  const auto ms = std::chrono::duration_cast<milliseconds>(at.time_since_epoch()).count();
  const std::int64_t day_ms = 86'400'000;
  const auto local = ms + offset.count() * 60'000;
  const auto start_local = core::floor_div(local, day_ms) * day_ms;
  const TimePoint start{milliseconds{start_local - offset.count() * 60'000}};
  return {start, start + milliseconds{day_ms}};
}

// Recomputes the daily_performance row of the day `at` falls in from that day's exits.
store::Status update_daily_performance(Self* self, TimePoint at) {
  auto& st = self->state;
  const auto [start, end] = day_of(at, st.config.day_utc_offset);
  auto trades = st.db->trades_between(start, end);
  if (!trades) return trades.error();
  store::DailyPerformanceRow row;
  row.date = store::calendar_date(at, st.config.day_utc_offset);
  row.parameters = st.config.parameters;
  std::int64_t wins = 0;
  double hold = 0;
  std::map<std::string, double> by_symbol;
  for (const auto& trade : *trades) {
    if (trade.action != "SELL") continue;  // a round trip ends with its exit
    ++row.total_trades;
    if (trade.pnl > 0) ++wins;
    row.total_pnl += trade.pnl;
    hold += trade.hold_time;
    by_symbol[trade.ticker] += trade.pnl;
  }
  if (row.total_trades > 0) {
    row.win_rate = static_cast<double>(wins) / static_cast<double>(row.total_trades);
    row.avg_hold_time = hold / static_cast<double>(row.total_trades);
    auto best = by_symbol.begin();
    for (auto it = by_symbol.begin(); it != by_symbol.end(); ++it) {
      if (it->second > best->second) best = it;
    }
    row.best_stock = best->first;
  }
  return st.db->upsert_daily_performance(row);
}

// The row of a decision as its audit record describes it, not executed yet.
store::DecisionRow provisional_row(const trading::WriteAudit& write) {
  const auto& record = write.record;
  store::DecisionRow row;
  row.decision_id = write.decision_id;
  if (auto valid = store::validate_audit_record(record)) row.timestamp = *valid;
  row.symbol = record.value("symbol", std::string{});
  const auto final_decision = record.find("final_decision");
  if (final_decision != record.end() && final_decision->is_object()) {
    row.action = final_decision->value("action", std::string{"HOLD"});
  }
  const auto analysis = record.find("ai_analysis");
  if (analysis != record.end() && analysis->is_object()) {
    row.confidence = analysis->value("confidence", 0.0);
    row.provider = analysis->value("provider", std::string{});
  }
  row.record = record;
  return row;
}

// Applies one batch of venue events. Stops at the first real failure (its message returned).
std::string apply_batch(Self* self, const VenueBatch& batch) {
  auto& st = self->state;
  auto& db = *st.db;
  const auto now = st.config.clock->wall_now();
  for (const auto& row : batch.new_orders) {
    if (auto status = db.insert_order(row); status && !is_duplicate(status)) {
      return status->message;
    }
    // An order the trader sent (not a protective exit) executes its decision, even when the
    // trader stopped before recording the outcome.
    if (row.type == "MARKET" && !row.decision_id.empty() && row.status != "REJECTED") {
      if (auto status = db.mark_decision_executed(row.decision_id);
          status && status->code != store::errc::invalid_record) {
        return status->message;
      }
    }
  }
  for (const auto& event : batch.events) {
    store::Status status;
    if (const auto* fill = std::get_if<paper::Fill>(&event)) {
      store::FillRow row;
      row.client_order_id = fill->client_order_id;
      row.fill_id = std::to_string(fill->trade_id);
      row.timestamp = TimePoint{std::chrono::milliseconds{fill->time}};
      row.price = fill->price;
      row.quantity = fill->quantity;
      row.fee = fill->fee;
      row.fee_asset = batch.quote_asset;
      if (auto id = db.insert_fill(row); !id && id.error().code != store::errc::duplicate) {
        return id.error().message;
      }
      status = db.update_order_status(
          fill->client_order_id, fill->remaining_quantity.is_zero() ? "FILLED" : "PARTIALLY_FILLED",
          "", row.timestamp);
    } else if (const auto* cancelled = std::get_if<paper::OrderCancelled>(&event)) {
      status = db.update_order_status(cancelled->client_order_id, "CANCELED", "", now);
    }
    // An order the database does not know (a protective exit's rows come with the batch; a
    // reject of an unknown id has none) is not a storage failure.
    if (status && status->code != store::errc::invalid_record) return status->message;
  }
  for (const auto& position : batch.positions) {
    if (auto status = db.upsert_position(position)) return status->message;
  }
  for (const auto& symbol : batch.closed_symbols) {
    if (auto status = db.remove_position(batch.venue, symbol)) return status->message;
  }
  std::map<std::string, TimePoint> exit_days;  // a day's date -> one of its exits
  for (const auto& trade : batch.trades) {
    if (auto id = db.insert_trade(trade); !id) return id.error().message;
    if (trade.action == "SELL") {
      exit_days.emplace(store::calendar_date(trade.timestamp, st.config.day_utc_offset),
                        trade.timestamp);
    }
  }
  for (const auto& [date, at] : exit_days) {
    if (auto status = update_daily_performance(self, at)) return status->message;
  }
  if (!batch.broker_state.is_null()) {
    st.document["executor"] = batch.broker_state;
    if (auto status = db.save_trading_state(st.document, now)) return status->message;
  }
  return {};
}

// A point of the equity chart that could not be written: logged and counted, but trading goes on
// (report_failure would halt it).
void equity_failed(Self* self, const std::string& message) {
  if (auto* metrics = self->state.config.shared->metrics()) {
    metrics->count_storage_write("equity", false, /*halts=*/false);
  }
  if (auto* log = log_of(self)) log->error("storage: equity write failed: {}", message);
}

// The equity history and daily performance of the last `days` dates, today included.
PerformanceRows performance_rows(Self* self, int days) {
  auto& st = self->state;
  PerformanceRows rows;
  const auto now = st.config.clock->wall_now();
  const auto back = std::chrono::hours{24} * std::max(days - 1, 0);
  rows.today = store::calendar_date(now, st.config.day_utc_offset);
  rows.from = store::calendar_date(now - back, st.config.day_utc_offset);
  if (!ensure_db(self)) {
    rows.error = "database unavailable: " + st.db_error;
    return rows;
  }
  auto equity = st.db->equity_between(rows.from, rows.today);
  auto performance = st.db->daily_performance_between(rows.from, rows.today);
  if (!equity || !performance) {
    rows.error = !equity ? equity.error().message : performance.error().message;
    return rows;
  }
  rows.equity = std::move(*equity);
  rows.days = std::move(*performance);
  return rows;
}

caf::behavior storage_actor(Self* self, StorageConfig config) {
  self->state.config = std::move(config);
  auto& st = self->state;
  st.config.shared->storage.set(caf::actor_cast<caf::actor>(self));
  self->attach_functor(
      [shared = st.config.shared, addr = self->address()] { shared->storage.forget(addr); });
  core::fault::point("storage.start");
  if (!ensure_db(self)) {
    if (auto* log = log_of(self)) log->error("storage: database unavailable: {}", st.db_error);
  }
  if (!ensure_audit(self)) {
    if (auto* log = log_of(self))
      log->error("storage: audit trail unavailable: {}", st.audit_error);
  }
  return supervision::supervised(
      self,
      caf::behavior{
          [=](store_load_atom) -> caf::result<StateDoc> {
            if (!ensure_db(self)) {
              return caf::make_error(caf::sec::runtime_error,
                                     "database unavailable: " + self->state.db_error);
            }
            return StateDoc{self->state.document};
          },
          [=](store_audit_atom, const trading::WriteAudit& write) -> StoreResult {
            auto& st = self->state;
            if (!ensure_audit(self)) {
              return failed(self, "audit", "audit trail unavailable: " + st.audit_error);
            }
            core::fault::point("storage.before_audit");
            if (auto status = st.audit->append(write.record)) {
              // Reopen next time: opening repairs the file's end.
              if (status->code != store::errc::invalid_record) st.audit.reset();
              return failed(self, "audit", status->message);
            }
            // The decision's row goes in with its audit line, as not executed: should the trader
            // stop before it records the outcome, no audit line is left without its row. The
            // outcome completes it (store_decision_atom), and an order marks it executed.
            if (!ensure_db(self)) {
              report_failure(self, "decision", "database unavailable: " + st.db_error);
            } else if (auto status = st.db->insert_decision(provisional_row(write));
                       status && !is_duplicate(status)) {
              report_failure(self, "decision", status->message);
            }
            return succeeded(self, "audit");
          },
          [=](store_decision_atom, const trading::RecordDecision& decision) -> StoreResult {
            auto& st = self->state;
            if (!ensure_db(self)) {
              return failed(self, "decision", "database unavailable: " + st.db_error);
            }
            store::DecisionRow row;
            row.decision_id = decision.decision_id;
            row.timestamp = decision.timestamp;
            row.symbol = decision.symbol;
            row.action = decision.action;
            row.confidence = decision.confidence;
            row.provider = decision.provider;
            row.executed = decision.executed;
            row.record = decision.record;
            // Usually completes the row written with the audit line; inserts it when that
            // failed. A decision made again after a restart keeps one row, the latest outcome.
            auto status = st.db->update_decision(row);
            if (status && status->code == store::errc::invalid_record) {
              status = st.db->insert_decision(row);
            }
            if (status) return failed(self, "decision", status_text(status));
            return succeeded(self, "decision");
          },
          [=](store_state_atom, const StateWrite& write) -> StoreResult {
            auto& st = self->state;
            if (!ensure_db(self)) {
              return failed(self, "state", "database unavailable: " + st.db_error);
            }
            st.document[write.key] = write.value;
            if (auto status = st.db->save_trading_state(st.document, st.config.clock->wall_now())) {
              return failed(self, "state", status->message);
            }
            return succeeded(self, "state");
          },
          [=](store_venue_atom, const VenueBatch& batch) -> StoreResult {
            auto& st = self->state;
            if (!ensure_db(self)) {
              return failed(self, "venue", "database unavailable: " + st.db_error);
            }
            core::fault::point("storage.before_venue_write");
            // One transaction: the fills and the venue's book that counted them land together,
            // so a crash never leaves a fill recorded that the book would recover again.
            std::string error;
            const auto status = st.db->atomically([&]() -> store::Status {
              error = apply_batch(self, batch);
              if (error.empty()) return std::nullopt;
              return store::make_error(store::errc::io_error, error);
            });
            if (status) return failed(self, "venue", error.empty() ? status->message : error);
            return succeeded(self, "venue");
          },
          [=](store_probe_atom) -> StoreResult {
            auto& st = self->state;
            try {
              core::fault::point("storage.probe");  // a drill: the probe fails, nothing crashes
            } catch (const std::exception& e) {
              return {false, std::string{"probe: "} + e.what()};
            }
            if (!ensure_db(self)) return {false, "database unavailable: " + st.db_error};
            if (auto status = st.db->probe_write(st.config.clock->wall_now())) {
              return {false, status->message};
            }
            if (!ensure_audit(self)) return {false, "audit trail unavailable: " + st.audit_error};
            if (auto status = st.audit->probe()) {
              // A removed file would swallow every later record: reopen it on the next write.
              if (status->code == store::errc::cannot_open) st.audit.reset();
              return {false, status->message};
            }
            return {};
          },
          [=](store_incident_atom, const store::IncidentRow& row) -> StoreResult {
            auto& st = self->state;
            // Not a trading write: a failure is answered (the health monitor logs it), it does
            // not halt trading by itself.
            if (!ensure_db(self)) return {false, "database unavailable: " + st.db_error};
            if (auto id = st.db->insert_incident(row); !id) {
              if (auto* log = log_of(self)) {
                log->error("storage: incident write failed: {}", id.error().message);
              }
              return {false, id.error().message};
            }
            return {};
          },
          [=](store_incidents_atom, std::size_t limit, const HttpReply& reply) {
            auto& st = self->state;
            if (!ensure_db(self)) {
              reply.respond(net::HttpResponse::error(503, "database unavailable: " + st.db_error));
              return;
            }
            auto incidents = st.db->recent_incidents(limit);
            if (!incidents) {
              reply.respond(net::HttpResponse::error(500, incidents.error().message));
              return;
            }
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& row : *incidents) {
              rows.push_back({{"id", row.id},
                              {"time", store::format_timestamp(row.time)},
                              {"check", row.check},
                              {"action", row.action},
                              {"outcome", row.outcome},
                              {"detail", row.detail}});
            }
            reply.respond(net::HttpResponse::json(200, {{"incidents", rows}}));
          },
          [=](store_equity_atom, const EquitySample& sample) {
            auto& st = self->state;
            if (!ensure_db(self)) {
              equity_failed(self, "database unavailable: " + st.db_error);
              return;
            }
            store::EquityRow row;
            row.updated_at = st.config.clock->wall_now();
            row.date = store::calendar_date(row.updated_at, st.config.day_utc_offset);
            row.equity = sample.equity;
            row.cash = sample.cash;
            if (auto status = st.db->upsert_equity(row)) {
              equity_failed(self, status->message);
              return;
            }
            succeeded(self, "equity");
          },
          [=](store_perf_atom, const PerformanceQuery& query) {
            if (query.answer) query.answer(performance_rows(self, query.days));
          },
          [=](store_trades_atom, std::size_t limit, const HttpReply& reply) {
            auto& st = self->state;
            if (!ensure_db(self)) {
              reply.respond(net::HttpResponse::error(503, "database unavailable: " + st.db_error));
              return;
            }
            auto trades = st.db->recent_trades(limit);
            if (!trades) {
              reply.respond(net::HttpResponse::error(500, trades.error().message));
              return;
            }
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& t : *trades) {
              rows.push_back({{"id", t.id},
                              {"timestamp", store::format_timestamp(t.timestamp)},
                              {"ticker", t.ticker},
                              {"action", t.action},
                              {"price", t.price},
                              {"quantity", t.quantity},
                              {"pnl", t.pnl},
                              {"hold_time", t.hold_time},
                              {"indicators", t.indicators}});
            }
            reply.respond(net::HttpResponse::json(200, {{"trades", rows}}));
          },
      });
}

}  // namespace

caf::actor spawn_storage_actor(caf::event_based_actor& parent, StorageConfig config) {
  return parent.spawn(storage_actor, std::move(config));
}

}  // namespace autotrader::trading_actors
