#pragma once
// The fake's HTTP control endpoint, on its own port under /_fake/, so that a fake_llm_server
// process can be scripted and inspected by node tests and daemon end-to-end tests the same way
// FakeLlm is from C++. Answers are JSON; a bad control request gets 400 {"error": "..."}.
//
//   POST /_fake/script    {"provider": P, "behaviours": [B, ...]}  appended to P's FIFO
//   POST /_fake/default   {"provider": P, "behaviour": B}          what P's empty FIFO serves
//   POST /_fake/config    {"provider": P, <knobs>}   only the knobs given change: api_key,
//                         key_required, stop_finish_reason, require_temperature,
//                         validate_requests, reject_unknown_fields, response_delay_ms
//   GET  /_fake/config    every provider's knobs (api_key as "api_key_set": bool)
//   GET  /_fake/requests[?provider=P]   the records (to_json(RecordedRequest)), oldest first
//   GET  /_fake/stats     {"requests": {P: n}, "faults": {kind: n}, "faults_total": n,
//                          "scripted": {P: n}}
//   POST /_fake/clear     empties every FIFO (defaults stay)
//   POST /_fake/reset     scripts, defaults, knobs, records and counters back to the start
//
// B (a Behaviour): {"answer": <decision JSON>, "usage": {"input_tokens": n, "output_tokens": n},
// "model": s, "thought": s} or {"fault": <FaultKind name>, "status": n, "retry_after_ms": n,
// "should_retry": bool}; either with "delay_ms": n and "trickle": {"chunk_bytes": n,
// "interval_ms": n}; in a script also "times": n. Neither "answer" nor "fault": the built-in
// default decision. "delay" and "trickle" are modifiers, not "fault" values.
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "tests/fakes/llm/state.hpp"
#include "tests/fakes/llm/wire.hpp"

namespace autotrader::fakes::llm {

// nullopt when the path is not under /_fake/.
std::optional<Reply> handle_control(State& state, const Incoming& request);

// A behaviour from its JSON form, or why it is not one.
std::variant<Behaviour, std::string> behaviour_from_json(const nlohmann::json& json);
nlohmann::json to_json(const Behaviour& behaviour);
nlohmann::json to_json(const RecordedRequest& request);

}  // namespace autotrader::fakes::llm
