#pragma once
// The risk engine's limits, with their defaults. Each field is named as its future config key
// (max_position_size ↔ MAX_POSITION_SIZE); the config wiring maps keys onto this struct. The
// reasoning behind every default is in src/risk/README.md. Fractions are of equity (0.10 = 10%);
// percentages are percent of the entry price (2.0 = 2%), as llm::Decision states them.
#include <chrono>
#include <cstddef>

namespace autotrader::risk {

struct RiskOptions {
  // Protection. A decision without a stop-loss / take-profit gets these; 0 disables the
  // fallback, and an entry without one is then rejected. 2% / 4% is a 1:2 reward/risk.
  double stop_loss_pct = 2.0;    // STOP_LOSS_PERCENTAGE
  double take_profit_pct = 4.0;  // TAKE_PROFIT_PERCENTAGE
  double min_stop_loss_pct = 0.5;
  double max_stop_loss_pct = 5.0;
  double min_take_profit_pct = 1.0;
  double max_take_profit_pct = 20.0;
  double min_reward_risk = 2.0;  // take_profit_pct / stop_loss_pct at least this

  // Size and concentration.
  double base_position_size = 0.05;  // fraction used when the decision asks for none
  double max_position_size = 0.10;   // one order's notional at most this fraction of equity
  std::size_t max_open_positions = 5;
  double max_symbol_exposure = 0.20;  // one symbol's position notional at most this fraction
  bool allow_short = false;           // spot: a SELL must reduce a long position

  // Market data and order flow.
  std::chrono::milliseconds max_data_age{std::chrono::minutes{2}};  // older = stale symbol
  std::size_t max_orders_per_minute = 10;                           // 0 = no limit

  // Loss limits. The trading day is the calendar day at a fixed offset from UTC.
  double max_daily_loss = 0.03;            // HALTED until the next day when equity falls this far
  double max_drawdown = 0.10;              // HALTED when equity falls this far below its peak
  std::chrono::minutes day_utc_offset{0};  // e.g. -300 for New York winter time (EST)

  // Sizing multipliers. Confidence above high / below low scales the size; so does the recent
  // win rate once at least win_rate_min_trades outcomes of the last win_rate_window are known.
  double high_confidence = 0.90;
  double high_confidence_multiplier = 1.5;
  double low_confidence = 0.75;
  double low_confidence_multiplier = 0.7;
  std::size_t win_rate_window = 20;
  std::size_t win_rate_min_trades = 10;
  double high_win_rate = 0.60;
  double high_win_rate_multiplier = 1.2;
  double low_win_rate = 0.40;
  double low_win_rate_multiplier = 0.8;
};

}  // namespace autotrader::risk
