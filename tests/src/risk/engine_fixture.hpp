#pragma once
// Shared inputs of the risk engine tests: one account of 10 000 USDT, BTCUSDT at 50 000 with
// Binance-like filters, and a BUY the default rules approve for 0.01 BTC (5% of equity).
#include <chrono>

#include "risk/engine.hpp"

namespace autotrader::risk::testing {

inline core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}
inline core::Symbol sym(const char* text) {
  return *core::Symbol::parse(text);
}

// 2026-11-21T12:00:00Z.
inline TimePoint noon() {
  return TimePoint{std::chrono::seconds{1'795'219'200 + 12 * 3600}};
}

inline SymbolRules btc_rules() {
  return SymbolRules{dec("0.01"), dec("0.00001"), dec("0.00001"), dec("9000"), dec("5")};
}

inline OrderIntent btc_buy(TimePoint now) {
  OrderIntent intent;
  intent.symbol = sym("BTCUSDT");
  intent.side = Side::buy;
  intent.price = dec("50000");
  intent.confidence = 0.80;
  intent.position_size = 0.05;
  intent.stop_loss_pct = 2.0;
  intent.take_profit_pct = 4.0;
  intent.data_time = now - std::chrono::seconds{30};
  return intent;
}

inline PortfolioView account(const char* equity = "10000") {
  PortfolioView portfolio;
  portfolio.equity = dec(equity);
  portfolio.cash = dec(equity);
  return portfolio;
}

inline PositionView position(const char* symbol, const char* quantity, const char* mark) {
  return PositionView{sym(symbol), dec(quantity), dec(mark)};
}

}  // namespace autotrader::risk::testing
