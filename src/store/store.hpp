#pragma once
// The autotrader database: <data dir>/autotrader.db over SQLiteCpp, in WAL mode, migrated to
// the latest schema (schema.hpp) when opened. Typed inserts and queries for decisions, orders,
// fills, positions, the trading state, the parameter history, health incidents, the equity
// history and the classic analytics tables.
//
// Errors are values: every function catches SQLite's exceptions and returns an Error whose
// code says what the operator must fix (disk_full for SQLITE_FULL, read_only, corrupt,
// duplicate for a UNIQUE key, ...); the storage actor turns them into HALTED. Nothing throws
// past this API.
//
// Not thread-safe: one Store per process, owned by the storage actor.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/errc.hpp"
#include "store/rows.hpp"

namespace SQLite {
class Database;
}

namespace autotrader::store {

struct StoreOptions {
  std::filesystem::path data_dir;           // data_dir: created if missing
  std::string file_name = "autotrader.db";  // db_file_name
  int busy_timeout_ms = 5000;               // db_busy_timeout_ms: wait for a reader's lock
  // db_synchronous_full: in WAL mode NORMAL (false) loses no committed transaction when the
  // process dies, only possibly the last ones on a power cut; the audit trail, synced on every
  // record, is the record of truth for that case. FULL syncs the WAL on every commit.
  bool synchronous_full = false;
  // db_max_page_count: 0 leaves SQLite's default. A cap makes the database "full"
  // (SQLITE_FULL) at that many pages; tests use it to simulate a full disk.
  std::int64_t max_page_count = 0;
};

class Store {
 public:
  static Expected<std::unique_ptr<Store>> open(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& path() const { return path_; }
  Expected<int> schema_version();
  Expected<std::string> journal_mode();  // "wal"

  // decisions
  [[nodiscard]] Status insert_decision(const DecisionRow& row);  // duplicate on a known id
  // Replaces action, confidence, provider, executed and record of a known id (invalid_record
  // when unknown): the row written with the audit line is completed once the order is decided.
  [[nodiscard]] Status update_decision(const DecisionRow& row);
  // executed = 1: an order of the decision reached the venue (invalid_record when unknown).
  [[nodiscard]] Status mark_decision_executed(const std::string& decision_id);
  Expected<std::vector<DecisionRow>> recent_decisions(std::size_t limit);  // newest first

  // orders: the client order id is the key
  [[nodiscard]] Status insert_order(const OrderRow& row);  // duplicate on a known id
  // Sets status, venue_order_id and updated_at; invalid_record if no such order.
  [[nodiscard]] Status update_order_status(const std::string& client_order_id,
                                           const std::string& status,
                                           const std::string& venue_order_id, TimePoint at);
  Expected<std::optional<OrderRow>> find_order(const std::string& client_order_id);
  Expected<std::vector<OrderRow>> orders_for_decision(const std::string& decision_id);

  // fills
  Expected<std::int64_t> insert_fill(const FillRow& row);  // duplicate on a known fill_id
  Expected<std::vector<FillRow>> fills_for_order(const std::string& client_order_id);

  // positions: one per (venue, symbol)
  [[nodiscard]] Status upsert_position(const PositionRow& row);
  [[nodiscard]] Status remove_position(const std::string& venue, const std::string& symbol);
  Expected<std::vector<PositionRow>> positions();

  // Runs `body` in one transaction: committed when it returns no error, rolled back when it
  // returns one or throws. A crash in between leaves none of it (a batch of fills and the book
  // that counted them land together or not at all). Not reentrant.
  [[nodiscard]] Status atomically(const std::function<Status()>& body);

  // trading state (risk's ACTIVE / REDUCING / HALTED and whatever it needs across restarts)
  [[nodiscard]] Status save_trading_state(const nlohmann::json& state, TimePoint at);
  Expected<std::optional<nlohmann::json>> load_trading_state();

  // parameter history
  Expected<std::int64_t> insert_parameter_change(const ParameterChange& change);
  Expected<std::vector<ParameterChange>> parameter_history(std::size_t limit);  // newest first

  // health incidents
  Expected<std::int64_t> insert_incident(const IncidentRow& row);
  Expected<std::vector<IncidentRow>> recent_incidents(std::size_t limit);  // newest first
  // Rewrites the one health_probe row: proves the database takes a write (a full disk, a
  // read-only file or a damaged database fail it) without touching trading data.
  [[nodiscard]] Status probe_write(TimePoint at);

  // classic analytics
  Expected<std::int64_t> insert_trade(const TradeRow& row);
  Expected<std::vector<TradeRow>> recent_trades(std::size_t limit);  // newest first
  // The trades with from <= timestamp < to, oldest first (a day's, for daily_performance).
  Expected<std::vector<TradeRow>> trades_between(TimePoint from, TimePoint to);
  [[nodiscard]] Status upsert_daily_performance(const DailyPerformanceRow& row);
  Expected<std::optional<DailyPerformanceRow>> daily_performance(const std::string& date);
  // The daily_performance rows with from <= date <= to ("YYYY-MM-DD"), oldest first.
  Expected<std::vector<DailyPerformanceRow>> daily_performance_between(const std::string& from,
                                                                       const std::string& to);

  // equity history: one row per date, rewritten as the day goes on
  [[nodiscard]] Status upsert_equity(const EquityRow& row);
  // The rows with from <= date <= to ("YYYY-MM-DD"), oldest first.
  Expected<std::vector<EquityRow>> equity_between(const std::string& from, const std::string& to);

 private:
  Store(std::filesystem::path path, std::unique_ptr<SQLite::Database> db);
  Status migrate();

  std::filesystem::path path_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace autotrader::store
