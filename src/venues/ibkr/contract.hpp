#pragma once
// The contract block of the TWS messages (reference ibkr-tws.md §5): 12 fields in requests
// (conId, symbol, secType, lastTradeDateOrContractMonth, strike, right, multiplier, exchange,
// primaryExchange, currency, localSymbol, tradingClass); openOrder, execDetails and position send
// 11 (no primaryExchange). We trade stocks (STK, SMART, USD); the other fields are carried so a
// decoded contract is complete, and sent empty when unset, as @stoqey/ib does.
#include <cstdint>
#include <optional>
#include <string>

#include "core/decimal.hpp"
#include "venues/ibkr/wire.hpp"

namespace autotrader::ibkr {

struct Contract {
  std::int64_t con_id = 0;  // 0 = unknown (sent empty)
  std::string symbol;
  std::string sec_type = "STK";
  std::string last_trade_date_or_contract_month;
  std::optional<core::Decimal> strike;
  std::string right;
  std::string multiplier;
  std::string exchange = "SMART";
  std::string primary_exchange;
  std::string currency = "USD";
  std::string local_symbol;
  std::string trading_class;

  friend bool operator==(const Contract& a, const Contract& b);
  friend bool operator!=(const Contract& a, const Contract& b) { return !(a == b); }
};

// A US stock routed by SMART in USD.
Contract us_stock(std::string symbol);

// The 12-field block of a request.
void write_contract(FieldWriter& writer, const Contract& contract);
Contract read_contract(FieldReader& reader);
// The 11-field block of openOrder / execDetails / position (no primaryExchange).
void write_contract_without_primary(FieldWriter& writer, const Contract& contract);
Contract read_contract_without_primary(FieldReader& reader);

}  // namespace autotrader::ibkr
