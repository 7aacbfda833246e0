#pragma once
// The Prometheus metrics of the trading branch. Every label takes values from a fixed set (no
// order or decision ids), and every series a dashboard or an alert reads exists from the start:
//   autotrader_decisions_total{action,provider}        decisions made (audited), BUY/SELL/HOLD
//                                                       by the provider that answered
//   autotrader_decision_outcomes_total{outcome}         execute, hold, risk_rejected,
//                                                       confidence_gate, paused, stale, ai_error,
//                                                       audit_write_failed, halted_before_send
//   autotrader_decision_confidence                      histogram of the confidence of decisions
//   autotrader_decision_to_order_seconds                histogram: AI answer received -> the
//                                                       venue acknowledged the order
//   autotrader_risk_rejections_total{reason}            every risk reason code, at 0 from start
//   autotrader_orders_total{venue,side,status}          accepted, rejected, filled, cancelled
//   autotrader_fills_total{venue,side}
//   autotrader_protective_exits_total{venue,kind}       stop_loss, take_profit
//   autotrader_equity / autotrader_cash                 quote asset, marked to the last price
//   autotrader_open_positions
//   autotrader_daily_pnl                                equity minus the trading day's opening
//   autotrader_drawdown_ratio                           1 - equity / equity peak
//   autotrader_trading_state{state}                     1 for the current state of ACTIVE,
//                                                       REDUCING, HALTED; 0 for the others
//   autotrader_autonomous_enabled                       1 when decisions may execute
//   autotrader_kill_switch_engaged                      1 while the kill switch holds
//   autotrader_candles_skipped_total{reason}            in_flight, warm_up
//   autotrader_storage_writes_total{kind,result}        audit, decision, venue, state, equity;
//                                                       ok|error
//   autotrader_storage_failures_total                   writes that failed (each halts trading)
//   autotrader_trader_ready                             1 once the trader has loaded its state
// Thread-safe (prometheus-cpp is).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace autotrader::trading_actors {

class TradingMetrics {
 public:
  // `venue` (e.g. "paper") and `providers` (the pool's, "technical" included) label series
  // that exist from the start.
  TradingMetrics(prometheus::Registry& registry, std::string_view venue,
                 const std::vector<std::string>& providers);

  void count_decision(std::string_view action, std::string_view provider, double confidence);
  void count_outcome(std::string_view outcome);
  void count_risk_rejection(std::string_view reason);
  void observe_decision_to_order(double seconds);
  void count_order(std::string_view venue, std::string_view side, std::string_view status);
  void count_fill(std::string_view venue, std::string_view side);
  void count_protective_exit(std::string_view venue, std::string_view kind);
  void set_account(double equity, double cash, std::size_t open_positions);
  void set_risk(std::string_view trading_state, bool kill_switch, double daily_pnl,
                double drawdown);
  void set_autonomous(bool enabled);
  void count_skipped(std::string_view reason, std::uint64_t n);
  // A failed write that halts trading (every kind but the equity chart's) also counts in
  // autotrader_storage_failures_total.
  void count_storage_write(std::string_view kind, bool ok, bool halts = true);
  void set_trader_ready(bool ready);

 private:
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Family<prometheus::Counter>& outcomes_;
  prometheus::Histogram& confidence_;
  prometheus::Histogram& decision_to_order_;
  prometheus::Family<prometheus::Counter>& risk_rejections_;
  prometheus::Family<prometheus::Counter>& orders_;
  prometheus::Family<prometheus::Counter>& fills_;
  prometheus::Family<prometheus::Counter>& protective_exits_;
  prometheus::Gauge& equity_;
  prometheus::Gauge& cash_;
  prometheus::Gauge& open_positions_;
  prometheus::Gauge& daily_pnl_;
  prometheus::Gauge& drawdown_;
  prometheus::Family<prometheus::Gauge>& trading_state_;
  prometheus::Gauge& autonomous_;
  prometheus::Gauge& kill_switch_;
  prometheus::Family<prometheus::Counter>& skipped_;
  prometheus::Family<prometheus::Counter>& storage_writes_;
  prometheus::Counter& storage_failures_;
  prometheus::Gauge& trader_ready_;
};

}  // namespace autotrader::trading_actors
