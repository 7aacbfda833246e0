#pragma once
// The paper broker's state as JSON, for the storage actor to persist after every change and
// hand back at start. Decimals are strings ("0.01634790"), so nothing is lost in a double.
//
// {"version":1, "quote_balance":"9000.5", "next_trade_id":7,
//  "positions":[{"symbol":"BTCUSDT","quantity":"0.1","average_entry_price":"50025",
//                "stop_loss":"49000","take_profit":"52000","decision_id":"d-1","opened_ms":1}],
//  "orders":[{"client_order_id":"at-d-1-en","decision_id":"d-1","symbol":"BTCUSDT",
//             "side":"BUY","quantity":"0.1","filled_quantity":"0.1","filled_quote":"5002.5",
//             "fees":"5.0025","status":"FILLED","stop_loss":"49000","take_profit":"52000",
//             "created_ms":1,"updated_ms":2}],
//  "last_prices":{"BTCUSDT":"50000"}}
//
// Reading checks every field and every invariant the broker relies on (positive quantities,
// 0 < stop-loss < take-profit, fills within the order, valid ids), so a damaged document is an
// error, never a broker in an impossible state.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "venues/paper/paper_broker.hpp"

namespace autotrader::paper {

inline constexpr int state_json_version = 1;

nlohmann::json to_json(const PaperBrokerState& state);

// The state, or nullopt with `error` saying which field is wrong. Never throws.
std::optional<PaperBrokerState> state_from_json(const nlohmann::json& json, std::string& error);

}  // namespace autotrader::paper
