#pragma once
// Internal to the codecs (codec*.cpp): the per-format functions codec.cpp dispatches to, and the
// pieces they share - bounded JSON parsing, the decision JSON inside a text answer, status
// classification, retry hints and provider messages that are safe to log. Not a public API;
// tests include it to check the hint parsers directly.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "llm/codec.hpp"

namespace autotrader::llm::detail {

// Deeper nesting than any provider envelope or decision needs; refusing it up front keeps the
// recursive parts of nlohmann::json (dump, comparisons) away from hostile input.
inline constexpr int kMaxJsonDepth = 64;
// A decision is a few hundred bytes; a longer answer is not one.
inline constexpr std::size_t kMaxAnswerBytes = 64 * 1024;
// Failure::message budget for the provider's own words.
inline constexpr std::size_t kMaxProviderMessageBytes = 160;

// Whether the text's arrays and objects nest deeper than kMaxJsonDepth (strings are skipped).
bool nests_too_deep(std::string_view text);

// The text as JSON, or nullopt when it is not JSON or nests deeper than kMaxJsonDepth. Never
// throws.
std::optional<nlohmann::json> parse_json(std::string_view text);

// The model's decision from the text it answered (JSON inside a string: Gemini, OpenAI-style).
// Surrounding whitespace and one Markdown code fence (```json ... ```) are tolerated. model is
// the reported model name, already through provider_label/provider_message.
ReplyResult reply_from_text(std::string_view text, Usage usage, std::string model);
// The model's decision from an object it produced (Anthropic tool_use.input).
ModelReply reply_from_object(nlohmann::json decision, Usage usage, std::string model);

// Lenient field access on an object: "" when absent or not a string, 0 when absent or not a
// non-negative integer.
std::string_view string_field(const nlohmann::json& object, const char* key);
std::uint64_t count_field(const nlohmann::json& object, const char* key);

Failure make_failure(FailureKind kind, int http_status, std::string message);

// The kind an HTTP error status means before the body is read: 401/403 auth, 408 timeout,
// 409 server_error (the SDKs retry it), 429 rate_limited, 503/529 overloaded, other 5xx
// server_error, everything else bad_request.
FailureKind kind_for_status(int status);

// Any text from a response that we keep (an error message or code, a finish reason, the model
// name): cleaned (clean_text), capped at max_bytes, the configured key and anything shaped like
// an API key ("sk-...", "AIza...") replaced by "[redacted]".
std::string provider_message(std::string_view text, const ProviderSettings& provider,
                             std::size_t max_bytes = kMaxProviderMessageBytes);
// The same for short labels (codes, types, finish reasons): at most 40 bytes.
inline std::string provider_label(std::string_view text, const ProviderSettings& provider) {
  return provider_message(text, provider, 40);
}

// "HTTP 429 rate_limit_exceeded: <provider message>" (label and message optional, both already
// through provider_label / provider_message).
std::string status_message(int status, std::string_view label, std::string_view message);

// Retry hints. Durations are capped at kMaxRetryHint so that absurd hints cannot overflow.
inline constexpr std::chrono::milliseconds kMaxRetryHint{24 * 3600 * 1000};
// retry-after-ms (milliseconds), else retry-after: delay-seconds, or an HTTP-date measured from
// the response's own Date header (the server's clock; without Date the date is ignored, since a
// pure codec has no clock).
std::optional<std::chrono::milliseconds> retry_hint_from_headers(
    const net::ClientResponse& response);
// "try again in 2.502s", "try again in 20ms", "retry in 26.4s", "in 1m30s" in a message.
std::optional<std::chrono::milliseconds> retry_hint_from_message(std::string_view message);
// Go-style durations as OpenAI prints them: "2.502s", "20ms", "1m30s", "6m0s", "1h2m".
std::optional<std::chrono::milliseconds> parse_go_duration(std::string_view text);
// A protobuf Duration in JSON: "26s", "1.5s".
std::optional<std::chrono::milliseconds> parse_proto_duration(std::string_view text);
// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as Unix seconds.
std::optional<std::int64_t> parse_http_date(std::string_view text);

// Applies the server's x-should-retry header (OpenAI and Anthropic SDK semantics): "false"
// turns a retryable failure non-retryable (429 -> quota_exhausted, else bad_request); "true"
// makes a generic bad_request retryable (server_error). Auth, quota and safety outcomes stay.
void apply_should_retry(Failure& failure, const net::ClientResponse& response);

// base_url without trailing slashes, then path.
std::string join_url(std::string_view base_url, std::string_view path);

// Per wire format. The OpenAI functions also serve Together and local servers.
net::ClientRequest build_gemini_request(const ProviderSettings& provider,
                                        const Conversation& conversation);
ReplyResult parse_gemini_response(const ProviderSettings& provider,
                                  const net::ClientResponse& response);
net::ClientRequest build_openai_request(const ProviderSettings& provider,
                                        const Conversation& conversation);
ReplyResult parse_openai_response(const ProviderSettings& provider,
                                  const net::ClientResponse& response);
net::ClientRequest build_anthropic_request(const ProviderSettings& provider,
                                           const Conversation& conversation);
ReplyResult parse_anthropic_response(const ProviderSettings& provider,
                                     const net::ClientResponse& response);

}  // namespace autotrader::llm::detail
