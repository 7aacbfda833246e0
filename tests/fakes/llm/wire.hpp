#pragma once
// The fake's three wire formats (dialects) as pure functions: check a request's auth and shape
// the way the provider does, and write an answer or a fault the way the provider does. No I/O and
// no state: the handler picks what to serve, a dialect writes the bytes, the server sends them.
//
// Gemini: POST /v1beta/models/{model}:generateContent, google.rpc.Status errors.
// OpenAI-shaped (openai, together, local): POST .../v1/chat/completions, {"error":{message,type,
// param,code}} errors. Anthropic: POST /v1/messages, {"type":"error","error":{type,message}}.
// The facts behind every literal are in shared/reference/llm-providers.md §1-§5.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/fakes/llm/behaviour.hpp"
#include "tests/fakes/llm/fake_llm.hpp"

namespace autotrader::fakes::llm {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 200;
  HeaderList headers;  // content-type included
  std::string body;
};

struct Incoming {
  std::string method;
  std::string path;                            // the target before '?'
  std::string query;                           // after '?', as sent
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool tls = false;

  std::string header(const std::string& lower_case_name) const;  // "" when absent
};

// What the answer depends on in the request.
struct RequestFacts {
  std::string model;
  // Anthropic: the tool the answer calls (the forced tool, or the first tool); empty: the answer
  // is JSON text in a text block (output_config, or no tools).
  std::string tool_name;
};

struct CheckResult {
  AuthOutcome auth = AuthOutcome::ok;
  std::optional<Reply> rejection;  // the provider's own 4xx when auth or the shape is wrong
  RequestFacts facts;
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  // Auth first, then (with config.validate_requests) the method and the body's shape. The facts
  // are filled in as far as the body allows, valid or not. `model` comes from the path (Gemini)
  // and is empty for the others.
  virtual CheckResult check(const Incoming& request, const std::string& model,
                            const ProviderConfig& config) const = 0;
  // A 200 answer. `sequence` makes ids unique.
  virtual Reply answer(const Answer& answer, const RequestFacts& facts,
                       const ProviderConfig& config, std::uint64_t sequence) const = 0;
  // A fault that has an HTTP response (every kind but timeout and reset). `base` is the answer
  // the content faults (truncated, malformed_body, ...) are made from.
  virtual Reply fault(const Fault& fault, const Answer& base, const RequestFacts& facts,
                      const ProviderConfig& config, std::uint64_t sequence) const = 0;
};

const Dialect& gemini_dialect();
const Dialect& openai_dialect();
const Dialect& anthropic_dialect();
const Dialect& dialect_for(Provider provider);

}  // namespace autotrader::fakes::llm
