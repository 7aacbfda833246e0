#pragma once
// Shared inputs of the decision loop tests: BTCUSDT 1m candles at 50 000, an account of 10 000
// USDT with Binance-like filters, default risk limits, and scripted AI decisions.
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "llm/types.hpp"
#include "market/snapshot.hpp"
#include "risk/engine.hpp"
#include "trading/decision_loop.hpp"

namespace autotrader::trading::test {

using namespace std::chrono_literals;

inline core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}
inline core::Symbol sym(const char* text) {
  return *core::Symbol::parse(text);
}

// 2023-11-14T22:13:00Z, a minute boundary.
inline constexpr core::TimestampMs kT0 = 1'699'999'980'000;

// The snapshot of the n-th 1m candle after kT0.
inline market::Snapshot candle(int n, const char* symbol = "BTCUSDT", double price = 50000) {
  market::Snapshot s;
  s.symbol = sym(symbol);
  s.interval = core::Interval::m1;
  s.last_price = price;
  s.open_time = kT0 + n * 60'000;
  s.as_of = s.open_time + 59'999;
  s.warmed_up = true;
  s.trend = market::Trend::up;
  s.volume_ratio = 1.4;
  s.indicators.rsi = 31.5;
  s.indicators.sma_fast = 49900;
  s.indicators.sma_slow = 49500;
  return s;
}

// Just after candle n closed.
inline TimePoint after_close(int n, std::chrono::milliseconds delay = 200ms) {
  return TimePoint{std::chrono::milliseconds{candle(n).as_of}} + delay;
}

inline llm::Decision decision(llm::Action action, double confidence = 0.8,
                              std::vector<std::string> factors = {"RSI oversold", "uptrend",
                                                                  "volume spike"}) {
  llm::Decision d;
  d.action = action;
  d.confidence = confidence;
  d.factors = std::move(factors);
  d.reasoning = "scripted";
  d.position_size = 0.05;
  d.stop_loss_pct = 2.0;
  d.take_profit_pct = 4.0;
  d.provider = "gemini";
  d.model = "gemini-test";
  return d;
}

inline risk::PortfolioView account() {
  risk::PortfolioView view;
  view.equity = dec("10000");
  view.cash = dec("10000");
  return view;
}

inline DecisionLoopOptions loop_options() {
  DecisionLoopOptions options;
  options.symbols = {sym("BTCUSDT"), sym("ETHUSDT")};
  options.symbol_rules["BTCUSDT"] =
      risk::SymbolRules{dec("0.01"), dec("0.00001"), dec("0.00001"), dec("9000"), dec("5")};
  return options;
}

template <class T>
std::vector<T> all_of(const Effects& effects) {
  std::vector<T> out;
  for (const auto& e : effects)
    if (const auto* p = std::get_if<T>(&e)) out.push_back(*p);
  return out;
}

template <class T>
std::size_t count_of(const Effects& effects) {
  return all_of<T>(effects).size();
}

}  // namespace autotrader::trading::test
