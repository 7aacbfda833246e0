#include "venues/ibkr/contract.hpp"

#include <tuple>
#include <utility>

namespace autotrader::ibkr {

bool operator==(const Contract& a, const Contract& b) {
  const auto tie = [](const Contract& c) {
    return std::tie(c.con_id, c.symbol, c.sec_type, c.last_trade_date_or_contract_month, c.strike,
                    c.right, c.multiplier, c.exchange, c.primary_exchange, c.currency,
                    c.local_symbol, c.trading_class);
  };
  return tie(a) == tie(b);
}

Contract us_stock(std::string symbol) {
  Contract contract;
  contract.symbol = std::move(symbol);
  return contract;
}

namespace {

void write_block(FieldWriter& w, const Contract& c, bool with_primary) {
  w.optional_integer(c.con_id == 0 ? std::nullopt : std::optional<std::int64_t>{c.con_id})
      .text(c.symbol, "symbol")
      .text(c.sec_type, "secType")
      .text(c.last_trade_date_or_contract_month, "lastTradeDateOrContractMonth")
      .optional_decimal(c.strike)
      .text(c.right, "right")
      .text(c.multiplier, "multiplier")
      .text(c.exchange, "exchange");
  if (with_primary) w.text(c.primary_exchange, "primaryExchange");
  w.text(c.currency, "currency")
      .text(c.local_symbol, "localSymbol")
      .text(c.trading_class, "tradingClass");
}

Contract read_block(FieldReader& r, bool with_primary) {
  Contract c;
  c.con_id = r.integer("conId");
  c.symbol = r.text("symbol");
  c.sec_type = r.text("secType");
  c.last_trade_date_or_contract_month = r.text("lastTradeDateOrContractMonth");
  c.strike = r.optional_decimal("strike");
  // TWS and ib_async write an unset strike as 0 ("0.0"); it means "no strike" for a stock.
  if (c.strike && c.strike->is_zero()) c.strike.reset();
  c.right = r.text("right");
  c.multiplier = r.text("multiplier");
  c.exchange = r.text("exchange");
  if (with_primary) c.primary_exchange = r.text("primaryExchange");
  c.currency = r.text("currency");
  c.local_symbol = r.text("localSymbol");
  c.trading_class = r.text("tradingClass");
  return c;
}

}  // namespace

void write_contract(FieldWriter& writer, const Contract& contract) {
  write_block(writer, contract, true);
}
Contract read_contract(FieldReader& reader) {
  return read_block(reader, true);
}
void write_contract_without_primary(FieldWriter& writer, const Contract& contract) {
  write_block(writer, contract, false);
}
Contract read_contract_without_primary(FieldReader& reader) {
  return read_block(reader, false);
}

}  // namespace autotrader::ibkr
