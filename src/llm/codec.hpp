#pragma once
// One provider's wire format as pure functions: build the HTTP request for a conversation, turn
// the HTTP response (or the transport error) into the model's decision JSON or a classified
// Failure. No I/O and no state, so every format is tested against documented fixtures and the
// pool actor only moves bytes.
//
// Formats: Gemini generateContent (response schema), OpenAI chat completions (strict
// json_schema), Anthropic messages (forced tool use), Together (OpenAI-compatible, finish
// reason "eos") and a local OpenAI-compatible server (Ollama, llama.cpp, vLLM: nested
// json_schema, temperature always sent, key optional). ../shared/reference/llm-providers.md has
// the facts and pitfalls.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/secret.hpp"
#include "llm/types.hpp"
#include "net/client_error.hpp"
#include "net/https_client.hpp"

namespace autotrader::llm {

enum class ProviderKind : std::uint8_t { gemini, openai, anthropic, together, local };
std::string_view to_string(ProviderKind kind);  // "gemini", "openai", ...
std::optional<ProviderKind> parse_provider_kind(std::string_view text);

struct ProviderSettings {
  std::string name;  // unique in the pool; metric label and Decision::provider
  ProviderKind kind = ProviderKind::gemini;
  // Without the path the codec appends: https://generativelanguage.googleapis.com,
  // https://api.openai.com/v1, https://api.anthropic.com, https://api.together.xyz/v1,
  // http://127.0.0.1:11434/v1.
  std::string base_url;
  std::string model;
  double temperature = 0.2;
  int max_tokens = 1024;
  std::chrono::milliseconds timeout{20'000};  // one HTTP round trip
  core::Secret api_key;                       // empty: no auth header (local servers)
};

// The model's answer to one turn, before validation.
struct ModelReply {
  nlohmann::json decision;  // the decision object as the model produced it
  std::string text;         // decision.dump(): what goes back into the conversation
  Usage usage;
  std::string model;  // the model version the provider reports, if any
};

using ReplyResult = std::variant<ModelReply, Failure>;

// The request for this conversation, with the decision schema in the provider's own
// structured-output mechanism and the key in the provider's auth header.
net::ClientRequest build_request(const ProviderSettings& provider,
                                 const Conversation& conversation);

// Any status: 2xx bodies are parsed (and may still be a Failure: safety block, truncation, prose,
// bad JSON); error statuses are classified with the provider's error body and retry hints.
ReplyResult parse_response(const ProviderSettings& provider, const net::ClientResponse& response);

// A transport error (no HTTP response) as a Failure: timeout, connection, cancelled.
Failure classify_transport_error(const net::ClientError& error);

}  // namespace autotrader::llm
