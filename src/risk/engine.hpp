#pragma once
// The risk rules engine: pre-trade checks and sizing for every order the decision loop wants,
// and the trading state (ACTIVE / REDUCING / HALTED) driven by equity, the kill switch and the
// operator. Every rule and default is stated with its reasoning in src/risk/README.md.
//
// A plain class, owned by one actor (the risk actor) and never shared between threads. Pure and
// deterministic: time is an argument, nothing is read from a clock or the environment. Its
// durable part is state() (RiskState, JSON in state.hpp): the owner persists it after each call
// that can change it (validate may roll the trading day; on_equity, on_trade_closed,
// kill_switch, halt, resume, set_reducing) and passes it back to the constructor after a restart.
// The per-minute order count is deliberately not persisted: a restart takes its own time.
//
//   RiskEngine engine{options, restored_state};
//   engine.on_equity(equity, now);                       // each mark-to-market
//   auto verdict = engine.validate(intent, portfolio, rules, now);
//   if (verdict.approved) { send(verdict.quantity, verdict.price); engine.record_order(now); }
#include <deque>
#include <string>

#include "core/decimal.hpp"
#include "risk/options.hpp"
#include "risk/state.hpp"
#include "risk/types.hpp"

namespace autotrader::risk {

class RiskEngine {
 public:
  RiskEngine(RiskOptions options, RiskState initial);

  // Checks one order against every rule and sizes it. Collects every reason that applies, so
  // the audit record says all of them. Rolls the trading day first (see on_time).
  RiskVerdict validate(const OrderIntent& intent, const PortfolioView& portfolio,
                       const SymbolRules& rules, TimePoint now);

  // An approved order was sent: it counts toward max_orders_per_minute for 60 seconds.
  void record_order(TimePoint now);

  // The clock moved: on a new trading day the day's opening equity becomes the last known
  // equity and a daily-loss halt lifts.
  void on_time(TimePoint now);

  // A mark-to-market of the whole account. Rolls the day, raises the peak, and halts on the
  // daily loss (from the day's opening equity) or the drawdown (from the peak). A non-positive
  // equity is a drawdown of 100%.
  void on_equity(const core::Decimal& equity, TimePoint now);

  // A position was closed with this realised P&L: a win (> 0) or not, for the recent win rate.
  void on_trade_closed(const core::Decimal& realized_pnl);

  // HALTED until resume(). The kill switch outranks every other cause.
  void kill_switch(std::string message = "kill switch engaged");
  // HALTED by the operator or by a failure outside the engine (the storage actor cannot write).
  void halt(std::string message);
  // Lifts a kill-switch, operator or drawdown halt (the equity peak restarts from the last
  // equity, else the same drawdown would halt again at once). A daily-loss halt does not lift
  // before the next trading day: false with `why_not` set, and the state is unchanged.
  bool resume(std::string* why_not = nullptr);
  // REDUCING (true) or back to ACTIVE (false); a halt, while it holds, still wins.
  void set_reducing(bool reducing);

  const RiskState& state() const { return state_; }
  TradingState trading_state() const { return state_.trading_state(); }
  const RiskOptions& options() const { return options_; }
  // Orders recorded in the minute up to `now`.
  std::size_t orders_in_last_minute(TimePoint now) const;

 private:
  void raise_halt(HaltCause cause, std::string message);
  void check_entry(const OrderIntent& intent, const PortfolioView& portfolio,
                   const core::Decimal& held, TimePoint now, RiskVerdict& verdict) const;
  void size_entry(const OrderIntent& intent, const PortfolioView& portfolio,
                  const SymbolRules& rules, const core::Decimal& held, RiskVerdict& verdict) const;
  void size_exit(const OrderIntent& intent, const SymbolRules& rules, const core::Decimal& held,
                 RiskVerdict& verdict) const;

  RiskOptions options_;
  RiskState state_;
  std::deque<TimePoint> recent_orders_;  // oldest first
};

}  // namespace autotrader::risk
