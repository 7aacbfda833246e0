#include "actors/trading/trading_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "risk/reasons.hpp"

namespace autotrader::trading_actors {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

constexpr const char* kActions[] = {"BUY", "SELL", "HOLD"};
constexpr const char* kOutcomes[] = {
    "execute", "hold",     "risk_rejected",      "confidence_gate",   "paused",
    "stale",   "ai_error", "audit_write_failed", "halted_before_send"};
constexpr const char* kSides[] = {"BUY", "SELL"};
constexpr const char* kOrderStatuses[] = {"accepted", "rejected", "filled", "cancelled"};
constexpr const char* kStates[] = {"ACTIVE", "REDUCING", "HALTED"};
constexpr const char* kStorageKinds[] = {"audit", "decision", "venue", "state", "equity"};

prometheus::Histogram& histogram(prometheus::Registry& registry, const std::string& name,
                                 const std::string& help,
                                 prometheus::Histogram::BucketBoundaries buckets) {
  return BuildHistogram().Name(name).Help(help).Register(registry).Add({}, std::move(buckets));
}

prometheus::Gauge& gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
  return BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

TradingMetrics::TradingMetrics(prometheus::Registry& registry, std::string_view venue,
                               const std::vector<std::string>& providers)
    : decisions_{BuildCounter()
                     .Name("autotrader_decisions_total")
                     .Help("Decisions made and audited, by action and the provider that answered")
                     .Register(registry)},
      outcomes_{BuildCounter()
                    .Name("autotrader_decision_outcomes_total")
                    .Help("Decisions by what became of them: execute, hold, risk_rejected, "
                          "confidence_gate, paused, stale, ai_error, audit_write_failed, "
                          "halted_before_send")
                    .Register(registry)},
      confidence_{histogram(registry, "autotrader_decision_confidence",
                            "Confidence of the decisions the AI (or the technical fallback) made",
                            {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0})},
      decision_to_order_{histogram(
          registry, "autotrader_decision_to_order_seconds",
          "From the AI answer to the venue's acknowledgement of the order (risk, gate, audit "
          "write and sync, database row, venue)",
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1})},
      risk_rejections_{BuildCounter()
                           .Name("autotrader_risk_rejections_total")
                           .Help("Orders refused by a risk rule, by reason code")
                           .Register(registry)},
      orders_{BuildCounter()
                  .Name("autotrader_orders_total")
                  .Help("Orders by venue, side and status: accepted, rejected, filled, cancelled")
                  .Register(registry)},
      fills_{BuildCounter()
                 .Name("autotrader_fills_total")
                 .Help("Fills (each part of a partially filled order counts)")
                 .Register(registry)},
      protective_exits_{BuildCounter()
                            .Name("autotrader_protective_exits_total")
                            .Help("Positions closed by their stop-loss or take-profit")
                            .Register(registry)},
      equity_{gauge(registry, "autotrader_equity",
                    "Account equity in the quote asset: cash plus positions at the last price")},
      cash_{gauge(registry, "autotrader_cash", "Quote asset available for new entries")},
      open_positions_{gauge(registry, "autotrader_open_positions", "Open positions")},
      daily_pnl_{gauge(registry, "autotrader_daily_pnl",
                       "Equity minus the equity the trading day opened with (quote asset)")},
      drawdown_{gauge(registry, "autotrader_drawdown_ratio",
                      "How far equity is below its peak: 1 - equity / peak (0.1 = 10%)")},
      trading_state_{BuildGauge()
                         .Name("autotrader_trading_state")
                         .Help("1 for the current trading state (ACTIVE, REDUCING, HALTED)")
                         .Register(registry)},
      autonomous_{gauge(registry, "autotrader_autonomous_enabled",
                        "1 when decisions may execute (AUTONOMOUS_MODE and the toggle)")},
      kill_switch_{
          gauge(registry, "autotrader_kill_switch_engaged", "1 while the kill switch holds")},
      skipped_{BuildCounter()
                   .Name("autotrader_candles_skipped_total")
                   .Help("Closed candles that started no decision: in_flight (the symbol's "
                         "previous decision was still running), warm_up (indicators not ready)")
                   .Register(registry)},
      storage_writes_{BuildCounter()
                          .Name("autotrader_storage_writes_total")
                          .Help("Writes of the storage actor by kind (audit, decision, venue, "
                                "state) and result (ok, error)")
                          .Register(registry)},
      storage_failures_{BuildCounter()
                            .Name("autotrader_storage_failures_total")
                            .Help("Storage writes that failed; each one halts trading")
                            .Register(registry)
                            .Add({})},
      trader_ready_{gauge(registry, "autotrader_trader_ready",
                          "1 once the trader has loaded its state and takes decisions")} {
  for (const auto& provider : providers) {
    for (const char* action : kActions)
      decisions_.Add({{"action", action}, {"provider", provider}});
  }
  for (const char* outcome : kOutcomes) outcomes_.Add({{"outcome", outcome}});
  for (auto reason : risk::all_reject_reasons()) {
    risk_rejections_.Add({{"reason", std::string{risk::to_string(reason)}}});
  }
  const std::string venue_name{venue};
  for (const char* side : kSides) {
    for (const char* status : kOrderStatuses) {
      orders_.Add({{"venue", venue_name}, {"side", side}, {"status", status}});
    }
    fills_.Add({{"venue", venue_name}, {"side", side}});
  }
  for (const char* kind : {"stop_loss", "take_profit"}) {
    protective_exits_.Add({{"venue", venue_name}, {"kind", kind}});
  }
  for (const char* state : kStates) trading_state_.Add({{"state", state}});
  for (const char* reason : {"in_flight", "warm_up"}) skipped_.Add({{"reason", reason}});
  for (const char* kind : kStorageKinds) {
    for (const char* result : {"ok", "error"}) {
      storage_writes_.Add({{"kind", kind}, {"result", result}});
    }
  }
}

void TradingMetrics::count_decision(std::string_view action, std::string_view provider,
                                    double confidence) {
  decisions_.Add({{"action", std::string{action}}, {"provider", std::string{provider}}})
      .Increment();
  confidence_.Observe(confidence);
}

void TradingMetrics::count_outcome(std::string_view outcome) {
  outcomes_.Add({{"outcome", std::string{outcome}}}).Increment();
}

void TradingMetrics::count_risk_rejection(std::string_view reason) {
  risk_rejections_.Add({{"reason", std::string{reason}}}).Increment();
}

void TradingMetrics::observe_decision_to_order(double seconds) {
  decision_to_order_.Observe(seconds);
}

void TradingMetrics::count_order(std::string_view venue, std::string_view side,
                                 std::string_view status) {
  orders_
      .Add({{"venue", std::string{venue}},
            {"side", std::string{side}},
            {"status", std::string{status}}})
      .Increment();
}

void TradingMetrics::count_fill(std::string_view venue, std::string_view side) {
  fills_.Add({{"venue", std::string{venue}}, {"side", std::string{side}}}).Increment();
}

void TradingMetrics::count_protective_exit(std::string_view venue, std::string_view kind) {
  protective_exits_.Add({{"venue", std::string{venue}}, {"kind", std::string{kind}}}).Increment();
}

void TradingMetrics::set_account(double equity, double cash, std::size_t open_positions) {
  equity_.Set(equity);
  cash_.Set(cash);
  open_positions_.Set(static_cast<double>(open_positions));
}

void TradingMetrics::set_risk(std::string_view trading_state, bool kill_switch, double daily_pnl,
                              double drawdown) {
  for (const char* state : kStates) {
    trading_state_.Add({{"state", state}}).Set(trading_state == state ? 1 : 0);
  }
  kill_switch_.Set(kill_switch ? 1 : 0);
  daily_pnl_.Set(daily_pnl);
  drawdown_.Set(drawdown);
}

void TradingMetrics::set_autonomous(bool enabled) {
  autonomous_.Set(enabled ? 1 : 0);
}

void TradingMetrics::count_skipped(std::string_view reason, std::uint64_t n) {
  if (n > 0) skipped_.Add({{"reason", std::string{reason}}}).Increment(static_cast<double>(n));
}

void TradingMetrics::count_storage_write(std::string_view kind, bool ok, bool halts) {
  storage_writes_.Add({{"kind", std::string{kind}}, {"result", ok ? "ok" : "error"}}).Increment();
  if (!ok && halts) storage_failures_.Increment();
}

void TradingMetrics::set_trader_ready(bool ready) {
  trader_ready_.Set(ready ? 1 : 0);
}

}  // namespace autotrader::trading_actors
