#pragma once
// The rows of the autotrader database (schema in README.md here). Plain values: the store
// converts them to and from SQLite. Money that crosses to a venue (order and fill prices,
// quantities, fees, positions) is core::Decimal and stored as exact decimal TEXT; the classic
// analytics tables (individual_trades, daily_performance) keep their REAL columns.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/decimal.hpp"

namespace autotrader::store {

using TimePoint = std::chrono::system_clock::time_point;

// One decision of the loop, executed or not; `record` is its audit record.
struct DecisionRow {
  std::string decision_id;  // unique
  TimePoint timestamp;
  std::string symbol;
  std::string action;  // BUY / SELL / HOLD
  double confidence = 0;
  std::string provider;
  bool executed = false;
  nlohmann::json record = nlohmann::json::object();
};

// An order, keyed by its client order id (derived from the decision id).
struct OrderRow {
  std::string client_order_id;  // unique: a second insert returns errc::duplicate
  std::string decision_id;
  std::string venue;
  std::string symbol;
  std::string side;  // BUY / SELL
  std::string type;  // MARKET / LIMIT / STOP_LOSS / TAKE_PROFIT
  core::Decimal quantity;
  std::optional<core::Decimal> price;  // none for a market order
  std::string status;                  // NEW / PARTIALLY_FILLED / FILLED / CANCELED / REJECTED
  std::string venue_order_id;
  TimePoint created_at;
  TimePoint updated_at;
};

struct FillRow {
  std::int64_t id = 0;  // assigned by insert_fill
  std::string client_order_id;
  std::string fill_id;  // the venue's trade id; unique per order
  TimePoint timestamp;
  core::Decimal price;
  core::Decimal quantity;
  core::Decimal fee;
  std::string fee_asset;
};

// An open position with its protective levels; one per (venue, symbol).
struct PositionRow {
  std::string venue;
  std::string symbol;
  core::Decimal quantity;  // signed: negative is short
  core::Decimal avg_entry_price;
  std::optional<core::Decimal> stop_loss;
  std::optional<core::Decimal> take_profit;
  TimePoint opened_at;
  TimePoint updated_at;
};

struct ParameterChange {
  std::int64_t id = 0;  // assigned by insert_parameter_change
  TimePoint timestamp;
  nlohmann::json parameters = nlohmann::json::object();
  std::string reason;
};

// The classic individual_trades row.
struct TradeRow {
  std::int64_t id = 0;  // assigned by insert_trade
  TimePoint timestamp;
  std::string ticker;
  std::string action;
  double price = 0;
  double quantity = 0;
  double pnl = 0;
  double hold_time = 0;  // seconds
  nlohmann::json indicators = nlohmann::json::object();
};

// The classic daily_performance row, one per calendar date.
struct DailyPerformanceRow {
  std::string date;  // "YYYY-MM-DD"
  std::int64_t total_trades = 0;
  double win_rate = 0;  // 0..1
  double total_pnl = 0;
  double avg_hold_time = 0;  // seconds
  std::string best_stock;
  nlohmann::json parameters = nlohmann::json::object();
};

// One action of the health monitor (or a check's recovery): incidents table.
struct IncidentRow {
  std::int64_t id = 0;  // assigned by insert_incident
  TimePoint time;
  std::string check;    // the check's name, e.g. "market_data_fresh"
  std::string action;   // "restart_child", "risk_reducing", "risk_halted", "risk_active", "none"
  std::string outcome;  // "applied", "failed", "detected", "recovered"
  std::string detail;   // for the operator: subject, target, error
};

// The account at the end of a calendar date (or when last recorded that day): equity_history.
struct EquityRow {
  std::string date;  // "YYYY-MM-DD"
  double equity = 0;
  double cash = 0;
  TimePoint updated_at;
};

}  // namespace autotrader::store
