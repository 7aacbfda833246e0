#pragma once
// The fake LLM server's vocabulary: its provider routes, what it does with one request (a
// Behaviour: an answer embedded in the provider's envelope, or a fault in the provider's own
// error format, optionally late or trickled), and each route's knobs (ProviderConfig).
//
// Plain values; the JSON form used by the control endpoint is in control_api.hpp.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace autotrader::fakes::llm {

// One route per provider of the pool. together and local are OpenAI-shaped routes of their own
// (their own path prefix, script, counters and knobs), so one fake can stand in for the pool.
enum class Provider : std::uint8_t { gemini, openai, anthropic, together, local };
inline constexpr std::size_t kProviderCount = 5;
inline constexpr std::array<Provider, kProviderCount> kProviders{
    Provider::gemini, Provider::openai, Provider::anthropic, Provider::together, Provider::local};

std::string_view to_string(Provider provider);  // "gemini", "openai", ...
std::optional<Provider> parse_provider(std::string_view text);
bool is_openai_shaped(Provider provider);  // openai, together, local

// Everything the fake can inject, each counted when injected. delay and trickle are modifiers of
// a behaviour (Behaviour::delay, Behaviour::trickle), counted like the others.
enum class FaultKind : std::uint8_t {
  server_error,      // a 5xx (Fault::status) in the provider's error format
  overloaded,        // Gemini 503 UNAVAILABLE, OpenAI-shaped 503, Anthropic 529 overloaded_error
  rate_limited,      // 429 that clears, with the provider's retry hint unless retry_after is 0
  quota_exhausted,   // 429 that does not clear: OpenAI insufficient_quota, Anthropic
                     // enforced_spend_limit_reached, Gemini per-day quota
  unauthorized,      // 401 in the provider's format
  bad_request,       // 400 in the provider's format
  timeout,           // read the request, then never send a byte (until the client gives up)
  reset,             // read the request, then reset the connection (RST)
  malformed_body,    // 200 whose body is truncated JSON
  schema_violation,  // 200, a well-formed envelope around a decision that violates the schema
  empty_answer,      // 200 with no answer: Gemini candidate without parts, OpenAI content "",
                     // Anthropic content []
  blocked_prompt,    // Gemini no candidates + promptFeedback.blockReason; OpenAI
                     // finish_reason content_filter; Anthropic stop_reason refusal
  safety_block,      // Gemini finishReason SAFETY; OpenAI message.refusal; Anthropic refusal
  truncated,         // the answer cut short: MAX_TOKENS / length / max_tokens
  prose,             // plain text instead of JSON (Anthropic: a text block, no tool_use)
  delay,             // modifier: the response starts late
  trickle,           // modifier: the response is written a few bytes at a time
};
inline constexpr std::size_t kFaultKindCount = 17;

std::string_view to_string(FaultKind kind);  // snake_case, as above
std::optional<FaultKind> parse_fault_kind(std::string_view text);

struct Usage {
  std::uint64_t input_tokens = 120;
  std::uint64_t output_tokens = 40;
};

// A valid trade decision: {"action":"HOLD","confidence":0.5,...} with every field of the schema
// our client asks for (action, confidence, reasoning, factors, position_size, stop_loss_pct,
// take_profit_pct).
nlohmann::json default_decision();

struct Answer {
  nlohmann::json decision = default_decision();  // any JSON; the provider's envelope wraps it
  Usage usage;
  std::string model;    // the model version reported; empty: the model that was asked for
  std::string thought;  // Gemini only: a part with "thought": true before the answer's part
};

struct Fault {
  FaultKind kind = FaultKind::server_error;
  int status = 0;  // server_error: the 5xx to send; informational for the others
  std::chrono::milliseconds retry_after{0};  // rate_limited: the hint; 0 = no hint at all
  std::optional<bool> should_retry;          // OpenAI-shaped, Anthropic: x-should-retry header

  static Fault of(FaultKind kind, int status = 0) {
    Fault fault;
    fault.kind = kind;
    fault.status = status;
    return fault;
  }
  static Fault server_error(int status = 500) { return of(FaultKind::server_error, status); }
  static Fault overloaded() { return of(FaultKind::overloaded); }
  static Fault rate_limited(std::chrono::milliseconds retry_after) {
    auto fault = of(FaultKind::rate_limited, 429);
    fault.retry_after = retry_after;
    return fault;
  }
  static Fault quota_exhausted() { return of(FaultKind::quota_exhausted, 429); }
  static Fault unauthorized() { return of(FaultKind::unauthorized, 401); }
  static Fault bad_request() { return of(FaultKind::bad_request, 400); }
  static Fault timeout() { return of(FaultKind::timeout); }
  static Fault reset() { return of(FaultKind::reset); }
  static Fault malformed_body() { return of(FaultKind::malformed_body, 200); }
  static Fault schema_violation() { return of(FaultKind::schema_violation, 200); }
  static Fault empty_answer() { return of(FaultKind::empty_answer, 200); }
  static Fault blocked_prompt() { return of(FaultKind::blocked_prompt, 200); }
  static Fault safety_block() { return of(FaultKind::safety_block, 200); }
  static Fault truncated() { return of(FaultKind::truncated, 200); }
  static Fault prose() { return of(FaultKind::prose, 200); }
};

struct Trickle {
  std::size_t chunk_bytes = 16;
  std::chrono::milliseconds interval{20};
};

// What the fake does with one request: an answer or a fault, optionally late (delay) and written
// slowly (trickle). A fault that sends nothing (timeout, reset) has nothing to trickle.
struct Behaviour {
  std::variant<Answer, Fault> what = Answer{};
  std::chrono::milliseconds delay{0};  // before the first byte
  std::optional<Trickle> trickle;

  static Behaviour answer(nlohmann::json decision, Usage usage = {});
  static Behaviour answer(Answer answer);
  static Behaviour fault(Fault fault);
  Behaviour after(std::chrono::milliseconds wait) const;
  Behaviour trickled(std::size_t chunk_bytes, std::chrono::milliseconds interval) const;

  const Answer* as_answer() const { return std::get_if<Answer>(&what); }
  const Fault* as_fault() const { return std::get_if<Fault>(&what); }
};

// The knobs of one provider route.
struct ProviderConfig {
  // The key a request must carry; empty: any non-empty key is accepted.
  std::string api_key;
  // false: a request without any key is served (local servers); a wrong key is still refused
  // when api_key is set.
  bool key_required = true;
  // OpenAI-shaped routes: the finish_reason of a complete answer ("eos" for Together).
  std::string stop_finish_reason = "stop";
  // OpenAI-shaped routes: refuse a request without "temperature" (Ollama's shim would otherwise
  // run at 1.0, so our client must always send it).
  bool require_temperature = false;
  // Check the request's shape and answer 400 in the provider's format when it is wrong (auth is
  // always checked).
  bool validate_requests = true;
  // With validate_requests: refuse fields the provider does not know (OpenAI "Unrecognized
  // request argument supplied", Anthropic "Extra inputs are not permitted", Gemini "Unknown
  // name"). Together and the local servers ignore them for real; the fake catches our typos.
  bool reject_unknown_fields = true;
  // Added to every response's delay (a slow provider, not counted as an injected fault).
  std::chrono::milliseconds response_delay{0};
  // What an empty script serves.
  Behaviour default_behaviour;
};

// The route's defaults: together answers "eos"; local needs no key and requires temperature.
ProviderConfig default_config(Provider provider);

}  // namespace autotrader::fakes::llm
