#pragma once
// The vocabulary of the AI-provider pool, shared by the provider codecs (one per wire format),
// the circuit breakers, the technical fallback and the pool actor: what goes into an analysis
// (DecisionInput), what comes out (Decision with its Transcript), the conversation sent to a
// model, and how a provider call failed (Failure).
//
// Plain values, no I/O. Every answer from a model is untrusted: codecs turn bytes into JSON,
// llm::validate_decision (validate.hpp) turns JSON into a Decision or an invalid-answer Failure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autotrader::llm {

enum class Action : std::uint8_t { buy, sell, hold };
std::string_view to_string(Action action);                  // "BUY", "SELL", "HOLD"
std::optional<Action> parse_action(std::string_view text);  // exact upper-case names only

// What the analysis sees: our own numbers only (never text from outside), so a prompt cannot be
// injected through it. Indicators may be missing while they warm up.
struct PositionState {
  double quantity = 0;  // base asset held; 0 when flat (spot: never negative)
  double average_entry_price = 0;
  double unrealized_pnl_pct = 0;  // percent, e.g. -1.5
};

struct DecisionInput {
  std::string symbol;  // e.g. "BTCUSDT"
  std::string interval = "1m";
  double price = 0;                // last close
  std::optional<double> rsi;       // Wilder 14
  std::optional<double> ma_short;  // SMA 20
  std::optional<double> ma_long;   // SMA 50
  std::optional<double> atr;
  std::optional<double> vwap;
  std::optional<double> macd;
  std::optional<double> macd_signal;
  std::optional<double> macd_histogram;
  std::string trend = "unknown";  // market::to_string(Trend): up, down, sideways, unknown
  double volume_ratio = 1.0;      // last volume / volume average
  std::int64_t as_of_ms = 0;      // close time of the last candle, Unix ms
  PositionState position;
};

// One message of a conversation with a model. The system prompt is kept apart because every
// wire format puts it somewhere else (Gemini systemInstruction, Anthropic top-level system,
// OpenAI a first "system" message).
enum class Role : std::uint8_t { user, assistant };

struct Message {
  Role role = Role::user;
  std::string text;
};

struct Conversation {
  std::string system;
  std::vector<Message> messages;  // alternating, starting and ending with user
};

struct Usage {
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
};

// One round trip of the multi-turn analysis, as kept in the decision's transcript.
struct TranscriptTurn {
  std::string phase;   // "initial" or "refinement"
  std::string prompt;  // the user message we sent
  std::string answer;  // the model's decision JSON as text (compact), as it arrived
  Usage usage;
  std::chrono::milliseconds latency{0};
};

struct Decision {
  Action action = Action::hold;
  double confidence = 0;  // [0, 1]
  std::string reasoning;
  std::vector<std::string> factors;
  double position_size = 0;    // fraction of equity, [0, 1]
  double stop_loss_pct = 0;    // percent below (BUY) / above (SELL) the entry, [0, 50]
  double take_profit_pct = 0;  // percent, [0, 100]
  std::string provider;        // the provider's configured name, or "technical"
  std::string model;
  std::vector<TranscriptTurn> transcript;
};

// How a provider call failed. The pool moves on to the next provider after any failure; an
// invalid answer is a failure like any other (it never silently becomes HOLD). For the circuit
// breaker (breaker.hpp): auth, quota and bad request take the provider out for a long cooldown
// (time does not cure them); everything else, a safety block included (it depends on the
// prompt, not on the provider's health), counts as an ordinary failure; cancelled counts not.
enum class FailureClass : std::uint8_t { retryable, non_retryable, invalid_answer };

enum class FailureKind : std::uint8_t {
  // retryable
  timeout,       // connect, first byte, read or the analysis deadline
  connection,    // refused, reset, TLS, DNS
  server_error,  // 5xx
  overloaded,    // Gemini 503 UNAVAILABLE, Anthropic 529 overloaded_error
  rate_limited,  // 429 that clears (per-minute limits); retry_after when the server said so
  // non-retryable
  auth,             // 401, 403
  bad_request,      // other 4xx, a request we built wrongly
  quota_exhausted,  // OpenAI insufficient_quota, Anthropic enforced_spend_limit_reached, daily
                    // quota
  safety_block,  // Gemini SAFETY / blockReason, OpenAI content_filter or refusal, Anthropic refusal
  // invalid answer (HTTP 200 that is no usable decision)
  unparseable,       // not JSON, or the envelope is not the provider's shape
  truncated,         // finish reason length / MAX_TOKENS / max_tokens
  empty_answer,      // no candidates / no content / prose instead of the forced tool call
  schema_violation,  // wrong type, unknown action, missing field
  out_of_range,      // a number outside its range by more than clamping allows (e.g. NaN)
  // ours
  cancelled,  // the pool cancelled it (hedge lost, deadline, shutdown)
};

FailureClass failure_class(FailureKind kind);
std::string_view to_string(FailureKind kind);    // snake_case, stable (metric labels)
std::string_view to_string(FailureClass klass);  // "retryable", "non_retryable", "invalid_answer"

struct Failure {
  FailureKind kind = FailureKind::server_error;
  int http_status = 0;  // 0 when no HTTP response arrived
  // The server's own retry hint (Retry-After, retry-after-ms, Gemini RetryInfo.retryDelay,
  // "Please try again in 2.5s"), when it gave one.
  std::optional<std::chrono::milliseconds> retry_after;
  std::string message;  // short, for logs and the API; never holds a key or a whole body

  FailureClass klass() const { return failure_class(kind); }
};

}  // namespace autotrader::llm
