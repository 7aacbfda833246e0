// Anthropic messages: x-api-key and anthropic-version headers, max_tokens required, the decision
// as the forced tool's tool_use.input (an object, not a string), {"type":"error","error":{type,
// message},"request_id"} errors, 529 overloaded_error, retry-after (reference §3).
#include <array>
#include <regex>
#include <string>

#include "tests/fakes/llm/wire_util.hpp"

namespace autotrader::fakes::llm {
namespace {

using wire::json;

// A fixed instant for anthropic-ratelimit-*-reset (RFC 3339): answers are reproducible.
constexpr std::string_view kReset = "2025-01-01T00:01:00Z";

HeaderList base_headers(std::uint64_t sequence) {
  return {{"request-id", "req_fake_" + std::to_string(sequence)},
          {"anthropic-organization-id", "org-fake"}};
}

Reply error_reply(int status, std::string_view type, std::string_view message,
                  std::uint64_t sequence, json details = nullptr, HeaderList extra = {}) {
  json error{{"type", type}, {"message", message}};
  if (!details.is_null()) error["details"] = std::move(details);
  json body{{"type", "error"},
            {"error", std::move(error)},
            {"request_id", "req_fake_" + std::to_string(sequence)}};
  auto headers = base_headers(sequence);
  headers.insert(headers.end(), extra.begin(), extra.end());
  return wire::json_reply(status, body, std::move(headers));
}

Reply invalid_request(std::string_view message) {
  return error_reply(400, "invalid_request_error", message, 0);
}

constexpr std::array<std::string_view, 17> kRequestFields{"model",
                                                          "messages",
                                                          "max_tokens",
                                                          "system",
                                                          "metadata",
                                                          "stop_sequences",
                                                          "stream",
                                                          "temperature",
                                                          "top_p",
                                                          "top_k",
                                                          "tools",
                                                          "tool_choice",
                                                          "thinking",
                                                          "service_tier",
                                                          "container",
                                                          "output_config",
                                                          "context_management"};

std::string keep(const std::string& key) {
  return key;
}

bool is_text_block_list(const json& blocks) {
  if (!blocks.is_array()) return false;
  for (const auto& block : blocks) {
    if (!block.is_object() || !block.contains("type")) return false;
  }
  return true;
}

std::optional<Reply> check_messages(const json& body) {
  auto messages = body.find("messages");
  if (messages == body.end()) return invalid_request("messages: Field required");
  if (!messages->is_array() || messages->empty()) {
    return invalid_request("messages: at least one message is required");
  }
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const auto& message = (*messages)[i];
    auto at = "messages." + std::to_string(i);
    auto role = message.is_object() ? message.value("role", json{}) : json{};
    if (role != "user" && role != "assistant") {
      return invalid_request(at + ".role: Input should be 'user' or 'assistant'");
    }
    auto content = message.find("content");
    if (content == message.end()) return invalid_request(at + ".content: Field required");
    if (content->is_string()) {
      if (content->get<std::string>().empty()) {
        return invalid_request("messages: text content blocks must be non-empty");
      }
    } else if (!is_text_block_list(*content)) {
      return invalid_request(at + ".content: Input should be a valid list");
    }
  }
  return std::nullopt;
}

std::optional<Reply> check_tools(const json& body) {
  auto tools = body.find("tools");
  auto choice = body.find("tool_choice");
  static const std::regex kName{"^[a-zA-Z0-9_-]{1,128}$"};
  if (tools != body.end()) {
    if (!tools->is_array()) return invalid_request("tools: Input should be a valid list");
    for (std::size_t i = 0; i < tools->size(); ++i) {
      const auto& tool = (*tools)[i];
      auto at = "tools." + std::to_string(i);
      auto name = tool.is_object() ? tool.value("name", json{}) : json{};
      if (!name.is_string() || !std::regex_match(name.get<std::string>(), kName)) {
        return invalid_request(at + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
      }
      auto schema = tool.find("input_schema");
      if (schema == tool.end()) return invalid_request(at + ".input_schema: Field required");
      if (!schema->is_object() || schema->value("type", json{}) != "object") {
        return invalid_request(at + ".input_schema.type: Input should be 'object'");
      }
    }
  }
  if (choice == body.end()) return std::nullopt;
  auto type = choice->is_object() ? choice->value("type", json{}) : json{};
  if (type != "auto" && type != "any" && type != "tool" && type != "none") {
    return invalid_request(
        "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', "
        "'none'");
  }
  if (tools == body.end() || tools->empty()) {
    return invalid_request("tool_choice may only be specified while providing tools.");
  }
  if (type == "tool") {
    auto name = choice->value("name", json{});
    bool found = false;
    for (const auto& tool : *tools) found = found || tool.value("name", json{}) == name;
    if (!found) {
      return invalid_request("tool_choice.name: tool " + name.dump() +
                             " not found in the tools provided");
    }
  }
  auto thinking = body.find("thinking");
  bool thinking_on = thinking != body.end() && thinking->is_object() &&
                     thinking->value("type", json{}) == "enabled";
  if (thinking_on && (type == "any" || type == "tool")) {
    return invalid_request("Thinking may not be enabled when tool_choice forces tool use.");
  }
  return std::nullopt;
}

std::optional<Reply> check_body(const json& body, const ProviderConfig& config) {
  if (!body.is_object()) return invalid_request("Input should be a valid dictionary");
  if (config.reject_unknown_fields) {
    if (auto unknown = wire::first_unknown_field(body, kRequestFields, keep)) {
      return invalid_request(*unknown + ": Extra inputs are not permitted");
    }
  }
  if (!body.contains("model")) return invalid_request("model: Field required");
  if (!body["model"].is_string()) return invalid_request("model: Input should be a valid string");
  auto max_tokens = body.find("max_tokens");
  if (max_tokens == body.end()) return invalid_request("max_tokens: Field required");
  if (!max_tokens->is_number_integer() || max_tokens->get<long long>() < 1) {
    return invalid_request("max_tokens: Input should be greater than or equal to 1");
  }
  if (auto bad = check_messages(body)) return bad;
  if (auto system = body.find("system"); system != body.end()) {
    if (!system->is_string() && !is_text_block_list(*system)) {
      return invalid_request("system: Input should be a valid string");
    }
  }
  if (auto t = body.find("temperature"); t != body.end()) {
    if (!t->is_number() || t->get<double>() < 0 || t->get<double>() > 1) {
      return invalid_request("temperature: Input should be less than or equal to 1");
    }
  }
  if (auto bad = check_tools(body)) return bad;
  if (wire::is_true(body, "stream")) {
    return invalid_request("stream: the fake LLM server does not stream.");
  }
  return std::nullopt;
}

// The tool the model calls: the forced one, else (tools offered, choice auto/any) the first tool;
// none when no tools were offered or tool_choice is "none".
std::string answering_tool(const json& body) {
  if (!body.is_object()) return {};
  auto tools = body.find("tools");
  if (tools == body.end() || !tools->is_array() || tools->empty()) return {};
  auto choice = body.value("tool_choice", json::object());
  if (!choice.is_object()) return {};
  auto type = choice.value("type", json("auto"));
  if (type == "none") return {};
  if (type == "tool") return wire::string_field(choice, "name");
  return wire::string_field((*tools)[0], "name");
}

HeaderList limit_headers(long long remaining_requests) {
  return {{"anthropic-ratelimit-requests-limit", "50"},
          {"anthropic-ratelimit-requests-remaining", std::to_string(remaining_requests)},
          {"anthropic-ratelimit-requests-reset", std::string{kReset}},
          {"anthropic-ratelimit-tokens-limit", "40000"},
          {"anthropic-ratelimit-tokens-remaining", "39000"},
          {"anthropic-ratelimit-tokens-reset", std::string{kReset}}};
}

class AnthropicDialect final : public Dialect {
 public:
  CheckResult check(const Incoming& request, const std::string&,
                    const ProviderConfig& config) const override {
    CheckResult result;
    auto body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    result.facts.model = wire::string_field(body, "model");
    result.facts.tool_name = answering_tool(body);
    auto key = request.header("x-api-key");
    if (key.empty()) {
      result.auth = AuthOutcome::missing;
      if (config.key_required) {
        result.rejection =
            error_reply(401, "authentication_error", "x-api-key header is required", 0);
        return result;
      }
    } else if (!config.api_key.empty() && key != config.api_key) {
      result.auth = AuthOutcome::wrong;
      result.rejection = error_reply(401, "authentication_error", "invalid x-api-key", 0);
      return result;
    }
    if (request.method != "POST") {
      result.rejection = error_reply(405, "invalid_request_error", "Method not allowed", 0);
      return result;
    }
    if (!config.validate_requests) return result;
    auto version = request.header("anthropic-version");
    if (version.empty()) {
      result.rejection = invalid_request("anthropic-version: header is required");
    } else if (version != "2023-06-01" && version != "2023-01-01") {
      result.rejection =
          invalid_request("anthropic-version: " + version + " is not a valid version");
    } else if (body.is_discarded()) {
      result.rejection = invalid_request("There was an error parsing the body of your request");
    } else if (auto bad = check_body(body, config)) {
      result.rejection = std::move(bad);
    }
    return result;
  }

  Reply answer(const Answer& answer, const RequestFacts& facts, const ProviderConfig&,
               std::uint64_t sequence) const override {
    // A string decision is text the model wrote: a text block, never a tool call.
    if (!facts.tool_name.empty() && !answer.decision.is_string()) {
      return message(answer, facts, sequence,
                     json::array({tool_use(answer.decision, facts, sequence)}), "tool_use");
    }
    auto text =
        answer.decision.is_string() ? answer.decision.get<std::string>() : answer.decision.dump();
    return message(answer, facts, sequence, json::array({text_block(text)}), "end_turn");
  }

  Reply fault(const Fault& fault, const Answer& base, const RequestFacts& facts,
              const ProviderConfig& config, std::uint64_t sequence) const override {
    switch (fault.kind) {
      case FaultKind::server_error: {
        int status = fault.status >= 500 && fault.status <= 599 ? fault.status : 500;
        if (status == 529) return with_retry_flag(overloaded(sequence), fault);
        return with_retry_flag(error_reply(status, "api_error", "Internal server error", sequence),
                               fault);
      }
      case FaultKind::overloaded:
        return with_retry_flag(overloaded(sequence), fault);
      case FaultKind::rate_limited: {
        HeaderList extra = limit_headers(0);
        if (fault.retry_after.count() > 0) {
          extra.emplace_back("retry-after",
                             std::to_string(wire::whole_seconds_up(fault.retry_after)));
        }
        return with_retry_flag(
            error_reply(429, "rate_limit_error",
                        "This request would exceed the rate limit for your organization of 50 "
                        "requests per minute. For details, refer to: "
                        "https://docs.claude.com/en/api/rate-limits. You can see the response "
                        "headers for current usage. Please reduce the prompt length or the "
                        "maximum tokens requested, or try again later.",
                        sequence, nullptr, std::move(extra)),
            fault);
      }
      case FaultKind::quota_exhausted:
        return with_retry_flag(
            error_reply(429, "rate_limit_error",
                        "You have reached your specified API usage limits. You will regain "
                        "access on the first of next month or when the limit is raised.",
                        sequence, {{"error_code", "enforced_spend_limit_reached"}}),
            fault);
      case FaultKind::unauthorized:
        return with_retry_flag(
            error_reply(401, "authentication_error", "invalid x-api-key", sequence), fault);
      case FaultKind::bad_request:
        return with_retry_flag(
            error_reply(400, "invalid_request_error", "Invalid request.", sequence), fault);
      case FaultKind::malformed_body: {
        auto whole = answer(base, facts, config, sequence);
        whole.body = wire::cut_in_half(whole.body);
        return whole;
      }
      case FaultKind::schema_violation: {
        Answer bad = base;
        bad.decision = wire::schema_violating_decision();
        return answer(bad, facts, config, sequence);
      }
      case FaultKind::empty_answer:
        return message(base, facts, sequence, json::array(), "end_turn");
      case FaultKind::blocked_prompt:
      case FaultKind::safety_block:
        return message(base, facts, sequence, json::array(), "refusal");
      case FaultKind::truncated: {
        // Cut inside the tool input: the block arrives with only the fields written so far.
        if (!facts.tool_name.empty() && base.decision.is_object() && !base.decision.empty()) {
          json partial = json::object();
          partial[base.decision.begin().key()] = base.decision.begin().value();
          return message(base, facts, sequence, json::array({tool_use(partial, facts, sequence)}),
                         "max_tokens");
        }
        auto text =
            base.decision.is_string() ? base.decision.get<std::string>() : base.decision.dump();
        return message(base, facts, sequence, json::array({text_block(wire::cut_in_half(text))}),
                       "max_tokens");
      }
      case FaultKind::prose:
        return message(base, facts, sequence, json::array({text_block(std::string{wire::kProse})}),
                       "end_turn");
      case FaultKind::timeout:
      case FaultKind::reset:
      case FaultKind::delay:
      case FaultKind::trickle:
        break;
    }
    return answer(base, facts, config, sequence);
  }

 private:
  static json text_block(const std::string& text) { return {{"type", "text"}, {"text", text}}; }

  static json tool_use(const json& input, const RequestFacts& facts, std::uint64_t sequence) {
    return {{"type", "tool_use"},
            {"id", "toolu_fake_" + std::to_string(sequence)},
            {"name", facts.tool_name},
            {"input", input}};
  }

  static Reply message(const Answer& answer, const RequestFacts& facts, std::uint64_t sequence,
                       json content, std::string_view stop_reason) {
    json body{{"id", "msg_fake_" + std::to_string(sequence)},
              {"type", "message"},
              {"role", "assistant"},
              {"model", answer.model.empty() ? facts.model : answer.model},
              {"content", std::move(content)},
              {"stop_reason", stop_reason},
              {"stop_sequence", nullptr},
              {"usage",
               {{"input_tokens", answer.usage.input_tokens},
                {"cache_creation_input_tokens", 0},
                {"cache_read_input_tokens", 0},
                {"output_tokens", answer.usage.output_tokens},
                {"service_tier", "standard"}}}};
    auto headers = base_headers(sequence);
    auto limits = limit_headers(49);
    headers.insert(headers.end(), limits.begin(), limits.end());
    return wire::json_reply(200, body, std::move(headers));
  }

  static Reply overloaded(std::uint64_t sequence) {
    return error_reply(529, "overloaded_error", "Overloaded", sequence);
  }

  static Reply with_retry_flag(Reply reply, const Fault& fault) {
    if (fault.should_retry) {
      reply.headers.emplace_back("x-should-retry", *fault.should_retry ? "true" : "false");
    }
    return reply;
  }
};

}  // namespace

const Dialect& anthropic_dialect() {
  static const AnthropicDialect dialect;
  return dialect;
}

}  // namespace autotrader::fakes::llm
