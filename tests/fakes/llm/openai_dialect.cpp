// OpenAI chat completions, also served as Together and a local OpenAI-compatible server: Bearer
// auth, the decision as a string in choices[0].message.content, {"error":{message,type,param,
// code}} errors, x-ratelimit-* / retry-after / retry-after-ms headers (reference §2, §4, §5).
#include <array>
#include <regex>
#include <string>

#include "tests/fakes/llm/wire_util.hpp"

namespace autotrader::fakes::llm {
namespace {

using wire::json;

constexpr std::string_view kCreated = "1735689600";  // a fixed clock: answers are reproducible

Reply error_reply(int status, std::string_view message, std::string_view type,
                  const json& param = nullptr, const json& code = nullptr,
                  HeaderList headers = {}) {
  json body{{"error", {{"message", message}, {"type", type}, {"param", param}, {"code", code}}}};
  return wire::json_reply(status, body, std::move(headers));
}

Reply invalid_request(std::string_view message, const json& param = nullptr,
                      const json& code = nullptr) {
  return error_reply(400, message, "invalid_request_error", param, code);
}

constexpr std::array<std::string_view, 34> kRequestFields{"model",
                                                          "messages",
                                                          "audio",
                                                          "frequency_penalty",
                                                          "function_call",
                                                          "functions",
                                                          "logit_bias",
                                                          "logprobs",
                                                          "max_completion_tokens",
                                                          "max_tokens",
                                                          "metadata",
                                                          "modalities",
                                                          "n",
                                                          "parallel_tool_calls",
                                                          "prediction",
                                                          "presence_penalty",
                                                          "prompt_cache_key",
                                                          "reasoning_effort",
                                                          "response_format",
                                                          "safety_identifier",
                                                          "seed",
                                                          "service_tier",
                                                          "stop",
                                                          "store",
                                                          "stream",
                                                          "stream_options",
                                                          "temperature",
                                                          "tool_choice",
                                                          "tools",
                                                          "top_logprobs",
                                                          "top_p",
                                                          "user",
                                                          "verbosity",
                                                          "web_search_options"};

constexpr std::array<std::string_view, 6> kRoles{"system",    "developer", "user",
                                                 "assistant", "tool",      "function"};

std::string keep(const std::string& key) {
  return key;
}

// Strict structured outputs: every object lists all its properties in "required" and sets
// additionalProperties false, all the way down (reference §2).
std::optional<std::string> strict_schema_problem(const json& schema, const std::string& context) {
  if (!schema.is_object()) return std::nullopt;
  if (schema.value("type", json{}) == "object" || schema.contains("properties")) {
    auto extra = schema.find("additionalProperties");
    if (extra == schema.end() || *extra != false) {
      return "In context=(" + context +
             "), 'additionalProperties' is required to be supplied and to be false.";
    }
    const auto properties = schema.value("properties", json::object());
    const auto required = schema.value("required", json::array());
    for (const auto& [name, sub] : properties.items()) {
      bool listed = false;
      for (const auto& r : required) listed = listed || r == name;
      if (!listed) {
        return "In context=(" + context +
               "), 'required' is required to be supplied and to be an array including every key "
               "in properties. Missing '" +
               name + "'.";
      }
      auto sub_context = context.empty() ? "'properties', '" + name + "'"
                                         : context + ", 'properties', '" + name + "'";
      if (auto problem = strict_schema_problem(sub, sub_context)) return problem;
    }
  }
  if (auto items = schema.find("items"); items != schema.end()) {
    return strict_schema_problem(*items, context.empty() ? "'items'" : context + ", 'items'");
  }
  return std::nullopt;
}

std::optional<Reply> check_response_format(const json& format) {
  if (!format.is_object() || !format.contains("type")) {
    return invalid_request("Missing required parameter: 'response_format.type'.",
                           "response_format.type", "missing_required_parameter");
  }
  const auto& type = format["type"];
  if (type == "text" || type == "json_object") return std::nullopt;
  if (type != "json_schema") {
    return invalid_request("Invalid value: " + type.dump() +
                               ". Supported values are: 'json_object', 'json_schema', and 'text'.",
                           "response_format.type", "invalid_value");
  }
  // The flat {"type":"json_schema","schema":{...}} form is refused here; llama.cpp would
  // silently ignore it (reference §5).
  auto nested = format.find("json_schema");
  if (nested == format.end() || !nested->is_object()) {
    return invalid_request("Missing required parameter: 'response_format.json_schema'.",
                           "response_format.json_schema", "missing_required_parameter");
  }
  auto name = nested->find("name");
  if (name == nested->end()) {
    return invalid_request("Missing required parameter: 'response_format.json_schema.name'.",
                           "response_format.json_schema.name", "missing_required_parameter");
  }
  static const std::regex kName{"^[a-zA-Z0-9_-]{1,64}$"};
  if (!name->is_string() || !std::regex_match(name->get<std::string>(), kName)) {
    return invalid_request(
        "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a "
        "string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        "response_format.json_schema.name", "invalid_value");
  }
  auto schema = nested->find("schema");
  if (schema != nested->end() && !schema->is_object()) {
    return invalid_request(
        "Invalid type for 'response_format.json_schema.schema': expected an "
        "object, but got " +
            std::string{wire::type_name(*schema)} + " instead.",
        "response_format.json_schema.schema", "invalid_type");
  }
  if (wire::is_true(*nested, "strict") && schema != nested->end()) {
    if (auto problem = strict_schema_problem(*schema, "")) {
      return invalid_request(
          "Invalid schema for response_format '" + name->get<std::string>() + "': " + *problem,
          "response_format", "invalid_json_schema");
    }
  }
  return std::nullopt;
}

std::optional<Reply> check_messages(const json& body) {
  auto messages = body.find("messages");
  if (messages == body.end()) {
    return invalid_request("Missing required parameter: 'messages'.", "messages",
                           "missing_required_parameter");
  }
  if (!messages->is_array() || messages->empty()) {
    return invalid_request(
        "Invalid 'messages': empty array. Expected an array with minimum "
        "length 1, but got an empty array instead.",
        "messages", "empty_array");
  }
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const auto& message = (*messages)[i];
    auto at = "messages[" + std::to_string(i) + "]";
    if (!message.is_object()) {
      return invalid_request("Invalid type for '" + at + "': expected an object, but got " +
                                 std::string{wire::type_name(message)} + " instead.",
                             at, "invalid_type");
    }
    auto role = message.value("role", json{});
    bool known = false;
    for (auto r : kRoles) known = known || role == r;
    if (!known) {
      return invalid_request("Invalid value: " + role.dump() +
                                 ". Supported values are: 'system', 'assistant', 'user', "
                                 "'function', 'tool', and 'developer'.",
                             at + ".role", "invalid_value");
    }
    auto content = message.find("content");
    bool may_be_null = role == "assistant";
    if (content == message.end() || (content->is_null() && !may_be_null)) {
      return invalid_request("Missing required parameter: '" + at + ".content'.", at + ".content",
                             "missing_required_parameter");
    }
    if (!content->is_null() && !content->is_string() && !content->is_array()) {
      return invalid_request("Invalid type for '" + at +
                                 ".content': expected one of a string or "
                                 "array of objects, but got " +
                                 std::string{wire::type_name(*content)} + " instead.",
                             at + ".content", "invalid_type");
    }
  }
  return std::nullopt;
}

std::optional<Reply> check_body(const json& body, const ProviderConfig& config) {
  if (!body.is_object()) {
    return invalid_request("Invalid type for request body: expected an object.");
  }
  if (config.reject_unknown_fields) {
    if (auto unknown = wire::first_unknown_field(body, kRequestFields, keep)) {
      return invalid_request("Unrecognized request argument supplied: " + *unknown);
    }
  }
  if (!body.contains("model") || !body["model"].is_string() || body["model"] == "") {
    return invalid_request("you must provide a model parameter");
  }
  if (auto bad = check_messages(body)) return bad;
  if (auto t = body.find("temperature"); t != body.end()) {
    if (!t->is_number()) {
      return invalid_request("Invalid type for 'temperature': expected a decimal, but got " +
                                 std::string{wire::type_name(*t)} + " instead.",
                             "temperature", "invalid_type");
    }
    if (t->get<double>() < 0 || t->get<double>() > 2) {
      auto bound = t->get<double>() < 0 ? "is less than the minimum of 0"
                                        : "is greater than the maximum of 2";
      return invalid_request(t->dump() + " " + bound + " - 'temperature'", "temperature",
                             "invalid_value");
    }
  } else if (config.require_temperature) {
    return invalid_request(
        "temperature is required by this fake: local servers default it to 1.0 (Ollama's shim), "
        "so the client must always send it.",
        "temperature", "missing_required_parameter");
  }
  for (const char* name : {"max_tokens", "max_completion_tokens"}) {
    auto m = body.find(name);
    if (m != body.end() && (!m->is_number_integer() || m->get<long long>() < 1)) {
      return invalid_request("Invalid '" + std::string{name} +
                                 "': integer below minimum value. Expected a value >= 1.",
                             name, "integer_below_min_value");
    }
  }
  if (auto format = body.find("response_format"); format != body.end()) {
    if (auto bad = check_response_format(*format)) return bad;
  }
  if (wire::is_true(body, "stream")) {
    return invalid_request("stream: the fake LLM server does not stream.", "stream");
  }
  return std::nullopt;
}

HeaderList rate_headers(long long remaining_requests, long long remaining_tokens,
                        std::string_view reset_tokens, std::uint64_t sequence) {
  return {{"x-request-id", "req_fake_" + std::to_string(sequence)},
          {"openai-processing-ms", "12"},
          {"x-ratelimit-limit-requests", "500"},
          {"x-ratelimit-limit-tokens", "200000"},
          {"x-ratelimit-remaining-requests", std::to_string(remaining_requests)},
          {"x-ratelimit-remaining-tokens", std::to_string(remaining_tokens)},
          {"x-ratelimit-reset-requests", "120ms"},
          {"x-ratelimit-reset-tokens", std::string{reset_tokens}}};
}

std::string answer_text(const json& decision) {
  return decision.is_string() ? decision.get<std::string>() : decision.dump();
}

class OpenAiDialect final : public Dialect {
 public:
  CheckResult check(const Incoming& request, const std::string&,
                    const ProviderConfig& config) const override {
    CheckResult result;
    auto body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    result.facts.model = wire::string_field(body, "model");
    auto key = wire::bearer_token(request);
    if (!key) {
      result.auth = AuthOutcome::missing;
      if (config.key_required) {
        result.rejection = error_reply(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization "
            "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            "invalid_request_error");
        return result;
      }
    } else if (!config.api_key.empty() && *key != config.api_key) {
      result.auth = AuthOutcome::wrong;
      result.rejection = wrong_key();
      return result;
    }
    if (request.method != "POST") {
      result.rejection =
          invalid_request("Invalid URL (" + request.method + " " + request.path + ")");
      result.rejection->status = 404;
      return result;
    }
    if (!config.validate_requests) return result;
    if (body.is_discarded()) {
      result.rejection = invalid_request(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
          "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
          "sent was not valid JSON.)");
    } else if (auto bad = check_body(body, config)) {
      result.rejection = std::move(bad);
    }
    return result;
  }

  Reply answer(const Answer& answer, const RequestFacts& facts, const ProviderConfig& config,
               std::uint64_t sequence) const override {
    return completion(answer, facts, sequence, answer_text(answer.decision), nullptr,
                      config.stop_finish_reason);
  }

  Reply fault(const Fault& fault, const Answer& base, const RequestFacts& facts,
              const ProviderConfig& config, std::uint64_t sequence) const override {
    const auto& stop = config.stop_finish_reason;
    switch (fault.kind) {
      case FaultKind::server_error: {
        int status = fault.status >= 500 && fault.status <= 599 ? fault.status : 500;
        return with_retry_flag(
            error_reply(status,
                        "The server had an error while processing your request. Sorry about "
                        "that!",
                        "server_error"),
            fault);
      }
      case FaultKind::overloaded:
        return with_retry_flag(
            error_reply(503, "The engine is currently overloaded, please try again later.",
                        "server_error"),
            fault);
      case FaultKind::rate_limited:
        return with_retry_flag(rate_limited(fault.retry_after, facts.model, sequence), fault);
      case FaultKind::quota_exhausted:
        return with_retry_flag(
            error_reply(429,
                        "You exceeded your current quota, please check your plan and billing "
                        "details. For more information on this error, read the docs: "
                        "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                        "insufficient_quota", nullptr, "insufficient_quota",
                        rate_headers(499, 199'000, "300ms", sequence)),
            fault);
      case FaultKind::unauthorized:
        return with_retry_flag(wrong_key(), fault);
      case FaultKind::bad_request:
        return with_retry_flag(invalid_request("Invalid request."), fault);
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
        return completion(base, facts, sequence, std::string{}, nullptr, stop);
      case FaultKind::blocked_prompt:
        return completion(base, facts, sequence, nullptr, nullptr, "content_filter");
      case FaultKind::safety_block:
        return completion(base, facts, sequence, nullptr, "I'm sorry, I can't help with that.",
                          stop);
      case FaultKind::truncated:
        return completion(base, facts, sequence, wire::cut_in_half(answer_text(base.decision)),
                          nullptr, "length");
      case FaultKind::prose:
        return completion(base, facts, sequence, std::string{wire::kProse}, nullptr, stop);
      case FaultKind::timeout:
      case FaultKind::reset:
      case FaultKind::delay:
      case FaultKind::trickle:
        break;
    }
    return answer(base, facts, config, sequence);
  }

 private:
  static Reply completion(const Answer& answer, const RequestFacts& facts, std::uint64_t sequence,
                          const json& content, const json& refusal,
                          std::string_view finish_reason) {
    const auto& model = answer.model.empty() ? facts.model : answer.model;
    json body{{"id", "chatcmpl-fake-" + std::to_string(sequence)},
              {"object", "chat.completion"},
              {"created", std::stoll(std::string{kCreated}) + static_cast<long long>(sequence)},
              {"model", model},
              {"choices", json::array({{{"index", 0},
                                        {"message",
                                         {{"role", "assistant"},
                                          {"content", content},
                                          {"refusal", refusal},
                                          {"annotations", json::array()}}},
                                        {"logprobs", nullptr},
                                        {"finish_reason", finish_reason}}})},
              {"usage",
               {{"prompt_tokens", answer.usage.input_tokens},
                {"completion_tokens", answer.usage.output_tokens},
                {"total_tokens", answer.usage.input_tokens + answer.usage.output_tokens}}},
              {"service_tier", "default"},
              {"system_fingerprint", "fp_fake"}};
    return wire::json_reply(200, body, rate_headers(499, 199'000, "300ms", sequence));
  }

  static Reply wrong_key() {
    return error_reply(401,
                       "Incorrect API key provided. You can find your API key at "
                       "https://platform.openai.com/account/api-keys.",
                       "invalid_request_error", nullptr, "invalid_api_key");
  }

  // With a hint: "Please try again in Xs." and retry-after (whole seconds, rounded up) plus
  // retry-after-ms (exact). Without: the request-per-minute message and no retry headers.
  static Reply rate_limited(std::chrono::milliseconds retry_after, const std::string& model,
                            std::uint64_t sequence) {
    if (retry_after.count() <= 0) {
      return error_reply(429,
                         "Rate limit reached for " + model +
                             " in organization org-fake on requests per min (RPM): Limit 3, "
                             "Used 3, Requested 1.",
                         "requests", nullptr, "rate_limit_exceeded",
                         rate_headers(0, 199'000, "300ms", sequence));
    }
    auto seconds = wire::decimal_seconds(retry_after);
    auto headers = rate_headers(499, 0, seconds + "s", sequence);
    headers.emplace_back("retry-after", std::to_string(wire::whole_seconds_up(retry_after)));
    headers.emplace_back("retry-after-ms", std::to_string(retry_after.count()));
    return error_reply(429,
                       "Rate limit reached for " + model +
                           " in organization org-fake on tokens per min (TPM): Limit 10000, Used "
                           "6630, Requested 3787. Please try again in " +
                           seconds +
                           "s. Visit https://platform.openai.com/account/rate-limits to learn "
                           "more.",
                       "tokens", nullptr, "rate_limit_exceeded", std::move(headers));
  }

  static Reply with_retry_flag(Reply reply, const Fault& fault) {
    if (fault.should_retry) {
      reply.headers.emplace_back("x-should-retry", *fault.should_retry ? "true" : "false");
    }
    return reply;
  }
};

}  // namespace

const Dialect& openai_dialect() {
  static const OpenAiDialect dialect;
  return dialect;
}

}  // namespace autotrader::fakes::llm
