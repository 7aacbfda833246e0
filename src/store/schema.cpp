#include "store/schema.hpp"

namespace autotrader::store {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all{
      {1, "classic analytics tables",
       // The columns of the classic (Python) autotrader, so its reports keep working.
       R"sql(
CREATE TABLE IF NOT EXISTS daily_performance (
  date TEXT PRIMARY KEY,
  total_trades INTEGER,
  win_rate REAL,
  total_pnl REAL,
  avg_hold_time REAL,
  best_stock TEXT,
  parameters TEXT
);
CREATE TABLE IF NOT EXISTS individual_trades (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp TEXT,
  ticker TEXT,
  action TEXT,
  price REAL,
  quantity REAL,
  pnl REAL,
  hold_time REAL,
  indicators TEXT
);
)sql"},
      {2, "decisions, orders, fills, positions, trading state, parameter history",
       R"sql(
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  decision_id TEXT NOT NULL UNIQUE,
  timestamp TEXT NOT NULL,
  symbol TEXT NOT NULL,
  action TEXT NOT NULL,
  confidence REAL NOT NULL,
  provider TEXT NOT NULL,
  executed INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX decisions_by_time ON decisions(timestamp);
CREATE TABLE orders (
  client_order_id TEXT PRIMARY KEY,
  decision_id TEXT NOT NULL,
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  type TEXT NOT NULL,
  quantity TEXT NOT NULL,
  price TEXT,
  status TEXT NOT NULL,
  venue_order_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX orders_by_decision ON orders(decision_id);
CREATE TABLE fills (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  client_order_id TEXT NOT NULL REFERENCES orders(client_order_id),
  fill_id TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  price TEXT NOT NULL,
  quantity TEXT NOT NULL,
  fee TEXT NOT NULL,
  fee_asset TEXT NOT NULL,
  UNIQUE (client_order_id, fill_id)
);
CREATE TABLE positions (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  quantity TEXT NOT NULL,
  avg_entry_price TEXT NOT NULL,
  stop_loss TEXT,
  take_profit TEXT,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (venue, symbol)
);
CREATE TABLE trading_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE parameter_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp TEXT NOT NULL,
  parameters TEXT NOT NULL,
  reason TEXT NOT NULL
);
)sql"},
      {3, "health incidents and the storage probe",
       // incidents: what the health monitor did about a failed check (or that it recovered).
       // health_probe: one row the monitor rewrites to prove the database takes writes without
       // touching a decision.
       R"sql(
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  "check" TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX incidents_by_time ON incidents(time);
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  probed_at TEXT NOT NULL
);
)sql"},
      {4, "equity history",
       // One row per calendar date: the account's equity and cash when last recorded that day
       // (the web dashboard's equity curve; daily_performance has the day's realized P&L).
       R"sql(
CREATE TABLE equity_history (
  date TEXT PRIMARY KEY,
  equity REAL,
  cash REAL,
  updated_at TEXT
);
)sql"},
  };
  return all;
}

int latest_schema_version() {
  return migrations().back().version;
}

}  // namespace autotrader::store
