#pragma once
// JSON forms of the analysis' input and output: a Decision with its transcript (for the CLI's
// `decide --dry-run`, the audit trail and the API) and a DecisionInput (the snapshot file the
// CLI reads). Readers never throw; bad input comes back as a JsonError naming the field.
//
// Decision:
//   {"action":"BUY","confidence":0.7,"reasoning":"...","factors":["..."],"position_size":0.1,
//    "stop_loss_pct":2,"take_profit_pct":4,"provider":"gemini","model":"gemini-2.5-flash",
//    "transcript":[{"phase":"initial","prompt":"...","answer":"{...}",
//                   "usage":{"input_tokens":61,"output_tokens":24},"latency_ms":812}, ...]}
// decision_from_json applies validate_decision's rules to the decision fields, so a stored
// decision reads back exactly as written, and a hand-edited one cannot smuggle in what a model
// could not.
//
// DecisionInput (every field but symbol and price optional, defaults as in types.hpp):
//   {"symbol":"BTCUSDT","interval":"1h","price":65000.5,"rsi":71.2,"ma_short":64800,
//    "ma_long":63900,"atr":420.5,"vwap":64950,"macd":120.4,"macd_signal":98.1,
//    "macd_histogram":22.3,"trend":"up","volume_ratio":1.3,"as_of_ms":1735689600000,
//    "position":{"quantity":0.5,"average_entry_price":64000,"unrealized_pnl_pct":1.56}}
// Rules: unknown fields are errors (a typo must not silently drop an indicator); symbol is 1-20
// of [A-Za-z0-9._-]; interval is digits and one of s m h d w M ("1m", "4h", "1M"); price > 0;
// an indicator is a finite number or null (= missing), rsi within [0, 100], atr >= 0, SMAs and
// VWAP > 0; trend is up, down, sideways or unknown; volume_ratio >= 0; as_of_ms an integer >= 0;
// position quantity and average_entry_price >= 0, and a held quantity needs an entry price.
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "llm/types.hpp"

namespace autotrader::llm {

struct JsonError {
  std::string message;  // "rsi: 140 is outside [0, 100]"
};

nlohmann::json decision_to_json(const Decision& decision);
std::variant<Decision, JsonError> decision_from_json(const nlohmann::json& json);

nlohmann::json decision_input_to_json(const DecisionInput& input);
std::variant<DecisionInput, JsonError> decision_input_from_json(const nlohmann::json& json);
// The same from the text of a snapshot file (a JSON syntax error names its byte offset).
std::variant<DecisionInput, JsonError> decision_input_from_text(std::string_view text);

}  // namespace autotrader::llm
