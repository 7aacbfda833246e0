#include "store/store.hpp"

#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <exception>
#include <system_error>
#include <utility>

#include "store/schema.hpp"
#include "store/timestamp.hpp"

namespace autotrader::store {
namespace {

errc errc_from_sqlite(int code) {
  switch (code & 0xff) {
    case SQLITE_FULL:
      return errc::disk_full;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return errc::read_only;
    case SQLITE_CANTOPEN:
      return errc::cannot_open;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return errc::corrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return errc::busy;
    case SQLITE_IOERR:
      return errc::io_error;
    case SQLITE_CONSTRAINT:
      return (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
                 ? errc::duplicate
                 : errc::constraint;
    default:
      return errc::database_error;
  }
}

// Runs `body`, turning whatever it throws into an Error that names the operation.
template <class T, class F>
Expected<T> guarded(const std::string& what, F&& body) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    const int code = e.getExtendedErrorCode() != -1 ? e.getExtendedErrorCode() : e.getErrorCode();
    return make_error(errc_from_sqlite(code), what + ": " + e.what());
  } catch (const std::exception& e) {
    return make_error(errc::database_error, what + ": " + e.what());
  }
}

struct Done {};

Status status_of(Expected<Done> result) {
  if (result) return std::nullopt;
  return result.error();
}

// Values read back from the database that do not parse mean the file was altered or damaged.
[[noreturn]] void corrupt(const std::string& what) {
  throw SQLite::Exception("stored value is not valid: " + what, SQLITE_CORRUPT);
}

TimePoint time_column(const SQLite::Column& column) {
  const auto at = parse_timestamp(column.getString());
  if (!at) corrupt(std::string{column.getName()} + " = '" + column.getString() + "'");
  return *at;
}

core::Decimal decimal_column(const SQLite::Column& column) {
  const auto value = core::Decimal::parse(column.getString());
  if (!value) corrupt(std::string{column.getName()} + " = '" + column.getString() + "'");
  return *value;
}

std::optional<core::Decimal> optional_decimal_column(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return decimal_column(column);
}

nlohmann::json json_column(const SQLite::Column& column) {
  if (column.isNull()) return nlohmann::json{};
  auto value = nlohmann::json::parse(column.getString(), nullptr, false);
  if (value.is_discarded()) corrupt(std::string{column.getName()} + " is not JSON");
  return value;
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void bind_optional_decimal(SQLite::Statement& statement, int index,
                           const std::optional<core::Decimal>& value) {
  if (value) {
    statement.bind(index, value->to_string());
  } else {
    statement.bind(index);
  }
}

int limit_of(std::size_t limit) {
  return static_cast<int>(std::min<std::size_t>(limit, 1'000'000));
}

OrderRow order_from(SQLite::Statement& q) {
  OrderRow row;
  row.client_order_id = q.getColumn(0).getString();
  row.decision_id = q.getColumn(1).getString();
  row.venue = q.getColumn(2).getString();
  row.symbol = q.getColumn(3).getString();
  row.side = q.getColumn(4).getString();
  row.type = q.getColumn(5).getString();
  row.quantity = decimal_column(q.getColumn(6));
  row.price = optional_decimal_column(q.getColumn(7));
  row.status = q.getColumn(8).getString();
  row.venue_order_id = q.getColumn(9).getString();
  row.created_at = time_column(q.getColumn(10));
  row.updated_at = time_column(q.getColumn(11));
  return row;
}

constexpr const char* order_columns =
    "client_order_id, decision_id, venue, symbol, side, type, quantity, price, status, "
    "venue_order_id, created_at, updated_at";

}  // namespace

Store::Store(std::filesystem::path path, std::unique_ptr<SQLite::Database> db)
    : path_{std::move(path)}, db_{std::move(db)} {}

Store::~Store() = default;

Expected<std::unique_ptr<Store>> Store::open(const StoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return make_error(
        errc_from_errno(ec.value()),
        "store: cannot create data directory " + options.data_dir.string() + ": " + ec.message());
  }
  const auto path = options.data_dir / options.file_name;
  auto opened = guarded<std::unique_ptr<Store>>("store: open " + path.string(), [&] {
    auto db = std::make_unique<SQLite::Database>(
        path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, options.busy_timeout_ms);
    // journal_mode answers with the mode in force: anything but "wal" (e.g. a read-only
    // medium) is an error, not a silent downgrade.
    const std::string mode = db->execAndGet("PRAGMA journal_mode=WAL").getString();
    if (mode != "wal") {
      throw SQLite::Exception("journal_mode is '" + mode + "', not 'wal'", SQLITE_READONLY);
    }
    db->exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    db->exec("PRAGMA foreign_keys=ON");
    if (options.max_page_count > 0) {
      db->execAndGet("PRAGMA max_page_count=" + std::to_string(options.max_page_count));
    }
    return std::unique_ptr<Store>{new Store{path, std::move(db)}};
  });
  if (!opened) {
    Error error = opened.error();
    // SQLite says only "unable to open database file"; an unwritable directory is the usual
    // cause and the operator's fix, so say so.
    if (error.code == errc::cannot_open && ::access(options.data_dir.c_str(), W_OK) != 0) {
      error.code = errc::read_only;
      error.message += " (the data directory is not writable)";
    }
    return error;
  }
  if (auto error = opened.value()->migrate()) return std::move(*error);
  return opened;
}

Status Store::migrate() {
  auto version = schema_version();
  if (!version) return version.error();
  if (*version > latest_schema_version()) {
    return make_error(errc::schema_too_new, "store: " + path_.string() + " has schema version " +
                                                std::to_string(*version) +
                                                ", this autotrader knows up to " +
                                                std::to_string(latest_schema_version()));
  }
  for (const auto& migration : migrations()) {
    if (migration.version <= *version) continue;
    auto applied = guarded<Done>(
        "store: migration " + std::to_string(migration.version) + " (" + migration.name + ")", [&] {
          SQLite::Transaction transaction{*db_};
          db_->exec(migration.sql);
          db_->exec("PRAGMA user_version=" + std::to_string(migration.version));
          transaction.commit();
          return Done{};
        });
    if (!applied) {
      Error error = applied.error();
      // Resource problems keep their code (the fix is the disk, not the schema).
      if (error.code != errc::disk_full && error.code != errc::read_only &&
          error.code != errc::io_error && error.code != errc::busy) {
        error.code = errc::migration_failed;
      }
      return error;
    }
  }
  return std::nullopt;
}

Expected<int> Store::schema_version() {
  return guarded<int>("store: read user_version",
                      [&] { return db_->execAndGet("PRAGMA user_version").getInt(); });
}

Expected<std::string> Store::journal_mode() {
  return guarded<std::string>("store: read journal_mode",
                              [&] { return db_->execAndGet("PRAGMA journal_mode").getString(); });
}

Status Store::insert_decision(const DecisionRow& row) {
  return status_of(guarded<Done>("store: insert decision " + row.decision_id, [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO decisions (decision_id, timestamp, symbol, action, "
                        "confidence, provider, executed, record) VALUES (?,?,?,?,?,?,?,?)"};
    q.bind(1, row.decision_id);
    q.bind(2, format_timestamp(row.timestamp));
    q.bind(3, row.symbol);
    q.bind(4, row.action);
    q.bind(5, row.confidence);
    q.bind(6, row.provider);
    q.bind(7, row.executed ? 1 : 0);
    q.bind(8, dump(row.record));
    q.exec();
    return Done{};
  }));
}

Status Store::update_decision(const DecisionRow& row) {
  auto changed = guarded<int>("store: update decision " + row.decision_id, [&] {
    SQLite::Statement q{*db_,
                        "UPDATE decisions SET action = ?, confidence = ?, provider = ?, "
                        "executed = ?, record = ? WHERE decision_id = ?"};
    q.bind(1, row.action);
    q.bind(2, row.confidence);
    q.bind(3, row.provider);
    q.bind(4, row.executed ? 1 : 0);
    q.bind(5, dump(row.record));
    q.bind(6, row.decision_id);
    return q.exec();
  });
  if (!changed) return changed.error();
  if (*changed == 0) {
    return make_error(errc::invalid_record, "store: no decision " + row.decision_id);
  }
  return std::nullopt;
}

Status Store::mark_decision_executed(const std::string& decision_id) {
  auto changed = guarded<int>("store: update decision " + decision_id, [&] {
    SQLite::Statement q{*db_, "UPDATE decisions SET executed = 1 WHERE decision_id = ?"};
    q.bind(1, decision_id);
    return q.exec();
  });
  if (!changed) return changed.error();
  if (*changed == 0) {
    return make_error(errc::invalid_record, "store: no decision " + decision_id);
  }
  return std::nullopt;
}

Expected<std::vector<DecisionRow>> Store::recent_decisions(std::size_t limit) {
  return guarded<std::vector<DecisionRow>>("store: read decisions", [&] {
    SQLite::Statement q{*db_,
                        "SELECT decision_id, timestamp, symbol, action, confidence, provider, "
                        "executed, record FROM decisions ORDER BY id DESC LIMIT ?"};
    q.bind(1, limit_of(limit));
    std::vector<DecisionRow> rows;
    while (q.executeStep()) {
      DecisionRow row;
      row.decision_id = q.getColumn(0).getString();
      row.timestamp = time_column(q.getColumn(1));
      row.symbol = q.getColumn(2).getString();
      row.action = q.getColumn(3).getString();
      row.confidence = q.getColumn(4).getDouble();
      row.provider = q.getColumn(5).getString();
      row.executed = q.getColumn(6).getInt() != 0;
      row.record = json_column(q.getColumn(7));
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

Status Store::insert_order(const OrderRow& row) {
  return status_of(guarded<Done>("store: insert order " + row.client_order_id, [&] {
    SQLite::Statement q{*db_, std::string{"INSERT INTO orders ("} + order_columns +
                                  ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"};
    q.bind(1, row.client_order_id);
    q.bind(2, row.decision_id);
    q.bind(3, row.venue);
    q.bind(4, row.symbol);
    q.bind(5, row.side);
    q.bind(6, row.type);
    q.bind(7, row.quantity.to_string());
    bind_optional_decimal(q, 8, row.price);
    q.bind(9, row.status);
    q.bind(10, row.venue_order_id);
    q.bind(11, format_timestamp(row.created_at));
    q.bind(12, format_timestamp(row.updated_at));
    q.exec();
    return Done{};
  }));
}

Status Store::update_order_status(const std::string& client_order_id, const std::string& status,
                                  const std::string& venue_order_id, TimePoint at) {
  auto changed = guarded<int>("store: update order " + client_order_id, [&] {
    SQLite::Statement q{*db_,
                        "UPDATE orders SET status = ?, venue_order_id = ?, updated_at = ? "
                        "WHERE client_order_id = ?"};
    q.bind(1, status);
    q.bind(2, venue_order_id);
    q.bind(3, format_timestamp(at));
    q.bind(4, client_order_id);
    return q.exec();
  });
  if (!changed) return changed.error();
  if (*changed == 0) {
    return make_error(errc::invalid_record, "store: no order " + client_order_id);
  }
  return std::nullopt;
}

Expected<std::optional<OrderRow>> Store::find_order(const std::string& client_order_id) {
  return guarded<std::optional<OrderRow>>("store: read order " + client_order_id, [&] {
    SQLite::Statement q{
        *db_, std::string{"SELECT "} + order_columns + " FROM orders WHERE client_order_id = ?"};
    q.bind(1, client_order_id);
    std::optional<OrderRow> row;
    if (q.executeStep()) row = order_from(q);
    return row;
  });
}

Expected<std::vector<OrderRow>> Store::orders_for_decision(const std::string& decision_id) {
  return guarded<std::vector<OrderRow>>("store: read orders of " + decision_id, [&] {
    SQLite::Statement q{*db_, std::string{"SELECT "} + order_columns +
                                  " FROM orders WHERE decision_id = ? ORDER BY rowid"};
    q.bind(1, decision_id);
    std::vector<OrderRow> rows;
    while (q.executeStep()) rows.push_back(order_from(q));
    return rows;
  });
}

Expected<std::int64_t> Store::insert_fill(const FillRow& row) {
  return guarded<std::int64_t>("store: insert fill " + row.fill_id, [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO fills (client_order_id, fill_id, timestamp, price, "
                        "quantity, fee, fee_asset) VALUES (?,?,?,?,?,?,?)"};
    q.bind(1, row.client_order_id);
    q.bind(2, row.fill_id);
    q.bind(3, format_timestamp(row.timestamp));
    q.bind(4, row.price.to_string());
    q.bind(5, row.quantity.to_string());
    q.bind(6, row.fee.to_string());
    q.bind(7, row.fee_asset);
    q.exec();
    return static_cast<std::int64_t>(db_->getLastInsertRowid());
  });
}

Expected<std::vector<FillRow>> Store::fills_for_order(const std::string& client_order_id) {
  return guarded<std::vector<FillRow>>("store: read fills of " + client_order_id, [&] {
    SQLite::Statement q{*db_,
                        "SELECT id, client_order_id, fill_id, timestamp, price, quantity, fee, "
                        "fee_asset FROM fills WHERE client_order_id = ? ORDER BY id"};
    q.bind(1, client_order_id);
    std::vector<FillRow> rows;
    while (q.executeStep()) {
      FillRow row;
      row.id = q.getColumn(0).getInt64();
      row.client_order_id = q.getColumn(1).getString();
      row.fill_id = q.getColumn(2).getString();
      row.timestamp = time_column(q.getColumn(3));
      row.price = decimal_column(q.getColumn(4));
      row.quantity = decimal_column(q.getColumn(5));
      row.fee = decimal_column(q.getColumn(6));
      row.fee_asset = q.getColumn(7).getString();
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

Status Store::upsert_position(const PositionRow& row) {
  return status_of(guarded<Done>("store: save position " + row.venue + "/" + row.symbol, [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO positions (venue, symbol, quantity, avg_entry_price, "
                        "stop_loss, take_profit, opened_at, updated_at) VALUES (?,?,?,?,?,?,?,?) "
                        "ON CONFLICT (venue, symbol) DO UPDATE SET quantity = excluded.quantity, "
                        "avg_entry_price = excluded.avg_entry_price, stop_loss = "
                        "excluded.stop_loss, take_profit = excluded.take_profit, opened_at = "
                        "excluded.opened_at, updated_at = excluded.updated_at"};
    q.bind(1, row.venue);
    q.bind(2, row.symbol);
    q.bind(3, row.quantity.to_string());
    q.bind(4, row.avg_entry_price.to_string());
    bind_optional_decimal(q, 5, row.stop_loss);
    bind_optional_decimal(q, 6, row.take_profit);
    q.bind(7, format_timestamp(row.opened_at));
    q.bind(8, format_timestamp(row.updated_at));
    q.exec();
    return Done{};
  }));
}

Status Store::remove_position(const std::string& venue, const std::string& symbol) {
  return status_of(guarded<Done>("store: remove position " + venue + "/" + symbol, [&] {
    SQLite::Statement q{*db_, "DELETE FROM positions WHERE venue = ? AND symbol = ?"};
    q.bind(1, venue);
    q.bind(2, symbol);
    q.exec();
    return Done{};
  }));
}

Expected<std::vector<PositionRow>> Store::positions() {
  return guarded<std::vector<PositionRow>>("store: read positions", [&] {
    SQLite::Statement q{*db_,
                        "SELECT venue, symbol, quantity, avg_entry_price, stop_loss, take_profit, "
                        "opened_at, updated_at FROM positions ORDER BY venue, symbol"};
    std::vector<PositionRow> rows;
    while (q.executeStep()) {
      PositionRow row;
      row.venue = q.getColumn(0).getString();
      row.symbol = q.getColumn(1).getString();
      row.quantity = decimal_column(q.getColumn(2));
      row.avg_entry_price = decimal_column(q.getColumn(3));
      row.stop_loss = optional_decimal_column(q.getColumn(4));
      row.take_profit = optional_decimal_column(q.getColumn(5));
      row.opened_at = time_column(q.getColumn(6));
      row.updated_at = time_column(q.getColumn(7));
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

Status Store::atomically(const std::function<Status()>& body) {
  std::optional<Error> inner;
  auto outcome = guarded<Done>("store: transaction", [&] {
    SQLite::Transaction transaction{*db_};
    inner = body();
    if (!inner) transaction.commit();  // otherwise rolled back by its destructor
    return Done{};
  });
  if (inner) return inner;
  return status_of(std::move(outcome));
}

Status Store::save_trading_state(const nlohmann::json& state, TimePoint at) {
  return status_of(guarded<Done>("store: save trading state", [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO trading_state (id, state, updated_at) VALUES (1, ?, ?) "
                        "ON CONFLICT (id) DO UPDATE SET state = excluded.state, "
                        "updated_at = excluded.updated_at"};
    q.bind(1, dump(state));
    q.bind(2, format_timestamp(at));
    q.exec();
    return Done{};
  }));
}

Expected<std::optional<nlohmann::json>> Store::load_trading_state() {
  return guarded<std::optional<nlohmann::json>>("store: read trading state", [&] {
    SQLite::Statement q{*db_, "SELECT state FROM trading_state WHERE id = 1"};
    std::optional<nlohmann::json> state;
    if (q.executeStep()) state = json_column(q.getColumn(0));
    return state;
  });
}

Expected<std::int64_t> Store::insert_parameter_change(const ParameterChange& change) {
  return guarded<std::int64_t>("store: insert parameter change", [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO parameter_history (timestamp, parameters, reason) "
                        "VALUES (?,?,?)"};
    q.bind(1, format_timestamp(change.timestamp));
    q.bind(2, dump(change.parameters));
    q.bind(3, change.reason);
    q.exec();
    return static_cast<std::int64_t>(db_->getLastInsertRowid());
  });
}

Expected<std::vector<ParameterChange>> Store::parameter_history(std::size_t limit) {
  return guarded<std::vector<ParameterChange>>("store: read parameter history", [&] {
    SQLite::Statement q{*db_,
                        "SELECT id, timestamp, parameters, reason FROM parameter_history "
                        "ORDER BY id DESC LIMIT ?"};
    q.bind(1, limit_of(limit));
    std::vector<ParameterChange> rows;
    while (q.executeStep()) {
      ParameterChange row;
      row.id = q.getColumn(0).getInt64();
      row.timestamp = time_column(q.getColumn(1));
      row.parameters = json_column(q.getColumn(2));
      row.reason = q.getColumn(3).getString();
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

Expected<std::int64_t> Store::insert_incident(const IncidentRow& row) {
  return guarded<std::int64_t>("store: insert incident", [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO incidents (time, \"check\", action, outcome, detail) "
                        "VALUES (?,?,?,?,?)"};
    q.bind(1, format_timestamp(row.time));
    q.bind(2, row.check);
    q.bind(3, row.action);
    q.bind(4, row.outcome);
    q.bind(5, row.detail);
    q.exec();
    return static_cast<std::int64_t>(db_->getLastInsertRowid());
  });
}

Expected<std::vector<IncidentRow>> Store::recent_incidents(std::size_t limit) {
  return guarded<std::vector<IncidentRow>>("store: read incidents", [&] {
    SQLite::Statement q{*db_,
                        "SELECT id, time, \"check\", action, outcome, detail FROM incidents "
                        "ORDER BY id DESC LIMIT ?"};
    q.bind(1, limit_of(limit));
    std::vector<IncidentRow> rows;
    while (q.executeStep()) {
      IncidentRow row;
      row.id = q.getColumn(0).getInt64();
      row.time = time_column(q.getColumn(1));
      row.check = q.getColumn(2).getString();
      row.action = q.getColumn(3).getString();
      row.outcome = q.getColumn(4).getString();
      row.detail = q.getColumn(5).getString();
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

Status Store::probe_write(TimePoint at) {
  return status_of(guarded<Done>("store: probe write", [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO health_probe (id, probed_at) VALUES (1, ?) "
                        "ON CONFLICT(id) DO UPDATE SET probed_at = excluded.probed_at"};
    q.bind(1, format_timestamp(at));
    q.exec();
    return Done{};
  }));
}

Expected<std::int64_t> Store::insert_trade(const TradeRow& row) {
  return guarded<std::int64_t>("store: insert trade", [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO individual_trades (timestamp, ticker, action, price, "
                        "quantity, pnl, hold_time, indicators) VALUES (?,?,?,?,?,?,?,?)"};
    q.bind(1, format_timestamp(row.timestamp));
    q.bind(2, row.ticker);
    q.bind(3, row.action);
    q.bind(4, row.price);
    q.bind(5, row.quantity);
    q.bind(6, row.pnl);
    q.bind(7, row.hold_time);
    q.bind(8, dump(row.indicators));
    q.exec();
    return static_cast<std::int64_t>(db_->getLastInsertRowid());
  });
}

namespace {

std::vector<TradeRow> read_trades(SQLite::Statement& q) {
  std::vector<TradeRow> rows;
  while (q.executeStep()) {
    TradeRow row;
    row.id = q.getColumn(0).getInt64();
    row.timestamp = time_column(q.getColumn(1));
    row.ticker = q.getColumn(2).getString();
    row.action = q.getColumn(3).getString();
    row.price = q.getColumn(4).getDouble();
    row.quantity = q.getColumn(5).getDouble();
    row.pnl = q.getColumn(6).getDouble();
    row.hold_time = q.getColumn(7).getDouble();
    row.indicators = json_column(q.getColumn(8));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Expected<std::vector<TradeRow>> Store::recent_trades(std::size_t limit) {
  return guarded<std::vector<TradeRow>>("store: read trades", [&] {
    SQLite::Statement q{*db_,
                        "SELECT id, timestamp, ticker, action, price, quantity, pnl, hold_time, "
                        "indicators FROM individual_trades ORDER BY id DESC LIMIT ?"};
    q.bind(1, limit_of(limit));
    return read_trades(q);
  });
}

Expected<std::vector<TradeRow>> Store::trades_between(TimePoint from, TimePoint to) {
  return guarded<std::vector<TradeRow>>("store: read trades", [&] {
    // Timestamps are fixed-width RFC 3339 UTC text, so text order is time order.
    SQLite::Statement q{*db_,
                        "SELECT id, timestamp, ticker, action, price, quantity, pnl, hold_time, "
                        "indicators FROM individual_trades WHERE timestamp >= ? AND timestamp < ? "
                        "ORDER BY id"};
    q.bind(1, format_timestamp(from));
    q.bind(2, format_timestamp(to));
    return read_trades(q);
  });
}

namespace {

DailyPerformanceRow daily_row(SQLite::Statement& q) {
  DailyPerformanceRow r;
  r.date = q.getColumn(0).getString();
  r.total_trades = q.getColumn(1).getInt64();
  r.win_rate = q.getColumn(2).getDouble();
  r.total_pnl = q.getColumn(3).getDouble();
  r.avg_hold_time = q.getColumn(4).getDouble();
  r.best_stock = q.getColumn(5).getString();
  r.parameters = json_column(q.getColumn(6));
  return r;
}

}  // namespace

Status Store::upsert_daily_performance(const DailyPerformanceRow& row) {
  return status_of(guarded<Done>("store: save daily performance " + row.date, [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO daily_performance (date, total_trades, win_rate, total_pnl, "
                        "avg_hold_time, best_stock, parameters) VALUES (?,?,?,?,?,?,?) "
                        "ON CONFLICT (date) DO UPDATE SET total_trades = excluded.total_trades, "
                        "win_rate = excluded.win_rate, total_pnl = excluded.total_pnl, "
                        "avg_hold_time = excluded.avg_hold_time, best_stock = "
                        "excluded.best_stock, parameters = excluded.parameters"};
    q.bind(1, row.date);
    q.bind(2, row.total_trades);
    q.bind(3, row.win_rate);
    q.bind(4, row.total_pnl);
    q.bind(5, row.avg_hold_time);
    q.bind(6, row.best_stock);
    q.bind(7, dump(row.parameters));
    q.exec();
    return Done{};
  }));
}

Expected<std::optional<DailyPerformanceRow>> Store::daily_performance(const std::string& date) {
  return guarded<std::optional<DailyPerformanceRow>>("store: read daily performance " + date, [&] {
    SQLite::Statement q{*db_,
                        "SELECT date, total_trades, win_rate, total_pnl, avg_hold_time, "
                        "best_stock, parameters FROM daily_performance WHERE date = ?"};
    q.bind(1, date);
    std::optional<DailyPerformanceRow> row;
    if (q.executeStep()) row = daily_row(q);
    return row;
  });
}

Expected<std::vector<DailyPerformanceRow>> Store::daily_performance_between(const std::string& from,
                                                                            const std::string& to) {
  return guarded<std::vector<DailyPerformanceRow>>("store: read daily performance", [&] {
    // "YYYY-MM-DD" text order is date order.
    SQLite::Statement q{*db_,
                        "SELECT date, total_trades, win_rate, total_pnl, avg_hold_time, "
                        "best_stock, parameters FROM daily_performance WHERE date >= ? AND "
                        "date <= ? ORDER BY date"};
    q.bind(1, from);
    q.bind(2, to);
    std::vector<DailyPerformanceRow> rows;
    while (q.executeStep()) rows.push_back(daily_row(q));
    return rows;
  });
}

Status Store::upsert_equity(const EquityRow& row) {
  return status_of(guarded<Done>("store: save equity " + row.date, [&] {
    SQLite::Statement q{*db_,
                        "INSERT INTO equity_history (date, equity, cash, updated_at) VALUES "
                        "(?,?,?,?) ON CONFLICT (date) DO UPDATE SET equity = excluded.equity, "
                        "cash = excluded.cash, updated_at = excluded.updated_at"};
    q.bind(1, row.date);
    q.bind(2, row.equity);
    q.bind(3, row.cash);
    q.bind(4, format_timestamp(row.updated_at));
    q.exec();
    return Done{};
  }));
}

Expected<std::vector<EquityRow>> Store::equity_between(const std::string& from,
                                                       const std::string& to) {
  return guarded<std::vector<EquityRow>>("store: read equity history", [&] {
    SQLite::Statement q{*db_,
                        "SELECT date, equity, cash, updated_at FROM equity_history WHERE date >= "
                        "? AND date <= ? ORDER BY date"};
    q.bind(1, from);
    q.bind(2, to);
    std::vector<EquityRow> rows;
    while (q.executeStep()) {
      EquityRow row;
      row.date = q.getColumn(0).getString();
      row.equity = q.getColumn(1).getDouble();
      row.cash = q.getColumn(2).getDouble();
      row.updated_at = time_column(q.getColumn(3));
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

}  // namespace autotrader::store
