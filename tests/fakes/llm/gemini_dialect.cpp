// Gemini generateContent: proto3 JSON (lowerCamelCase and snake_case field names both accepted),
// the decision as a string in candidates[0].content.parts[].text, google.rpc.Status errors with
// QuotaFailure / RetryInfo details (reference §1).
#include <array>
#include <cctype>
#include <string>

#include "tests/fakes/llm/wire_util.hpp"

namespace autotrader::fakes::llm {
namespace {

using wire::json;

constexpr std::string_view kRateLimitsUrl = "https://ai.google.dev/gemini-api/docs/rate-limits";

// "system_instruction" -> "systemInstruction"; camelCase stays as it is.
std::string camel(const std::string& key) {
  std::string out;
  bool upper = false;
  for (char c : key) {
    if (c == '_') {
      upper = true;
    } else {
      out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
  }
  return out;
}

// The field under its camelCase or snake_case name.
const json* field(const json& object, std::string_view camel_name) {
  if (!object.is_object()) return nullptr;
  for (const auto& [key, value] : object.items()) {
    if (camel(key) == camel_name) return &value;
  }
  return nullptr;
}

json rpc_error(int code, std::string_view status, std::string_view message,
               json details = nullptr) {
  json error{{"code", code}, {"message", message}, {"status", status}};
  if (!details.is_null()) error["details"] = std::move(details);
  return {{"error", std::move(error)}};
}

Reply error_reply(int code, std::string_view status, std::string_view message,
                  json details = nullptr) {
  return wire::json_reply(code, rpc_error(code, status, message, std::move(details)),
                          {{"content-type", "application/json; charset=UTF-8"}});
}

Reply invalid_argument(const std::string& message) {
  return error_reply(400, "INVALID_ARGUMENT", message);
}

Reply unknown_name(const std::string& name, const std::string& at) {
  std::string message = "Invalid JSON payload received. Unknown name \"" + name + "\"";
  if (!at.empty()) message += " at '" + at + "'";
  return invalid_argument(message + ": Cannot find field.");
}

constexpr std::array<std::string_view, 9> kRequestFields{
    "contents",         "systemInstruction", "tools",  "toolConfig", "safetySettings",
    "generationConfig", "cachedContent",     "labels", "model"};

constexpr std::array<std::string_view, 24> kGenerationConfigFields{"stopSequences",
                                                                   "responseMimeType",
                                                                   "responseSchema",
                                                                   "responseJsonSchema",
                                                                   "responseModalities",
                                                                   "candidateCount",
                                                                   "maxOutputTokens",
                                                                   "temperature",
                                                                   "topP",
                                                                   "topK",
                                                                   "seed",
                                                                   "presencePenalty",
                                                                   "frequencyPenalty",
                                                                   "responseLogprobs",
                                                                   "logprobs",
                                                                   "enableEnhancedCivicAnswers",
                                                                   "speechConfig",
                                                                   "thinkingConfig",
                                                                   "mediaResolution",
                                                                   "imageConfig",
                                                                   "routingConfig",
                                                                   "audioTimestamp",
                                                                   "modelSelectionConfig",
                                                                   "enableAffectiveDialog"};

constexpr std::array<std::string_view, 22> kSchemaFields{
    "type",      "format",    "title",      "description", "nullable",      "enum",
    "maxItems",  "minItems",  "properties", "required",    "minProperties", "maxProperties",
    "minLength", "maxLength", "pattern",    "example",     "anyOf",         "propertyOrdering",
    "default",   "items",     "minimum",    "maximum"};

constexpr std::array<std::string_view, 8> kSchemaTypes{
    "TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"};

bool known_type(const json& type) {
  if (!type.is_string()) return false;
  std::string upper = type.get<std::string>();
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto name : kSchemaTypes) {
    if (upper == name) return true;
  }
  return false;
}

// responseSchema is Gemini's OpenAPI subset (Schema): JSON-Schema-only keywords such as
// additionalProperties or $ref are unknown fields there (they belong in responseJsonSchema).
std::optional<Reply> check_schema(const json& schema, const std::string& at) {
  if (!schema.is_object()) {
    return invalid_argument("Invalid value at '" + at + "' (type.googleapis.com/" +
                            "google.ai.generativelanguage.v1beta.Schema), " + schema.dump());
  }
  if (auto unknown = wire::first_unknown_field(schema, kSchemaFields, camel)) {
    return unknown_name(*unknown, at);
  }
  if (const auto* type = field(schema, "type"); type && !known_type(*type)) {
    return invalid_argument("Invalid value at '" + at + ".type' (type.googleapis.com/" +
                            "google.ai.generativelanguage.v1beta.Type), " + type->dump());
  }
  if (const auto* properties = field(schema, "properties")) {
    if (!properties->is_object()) return invalid_argument("'" + at + ".properties' is not a map");
    for (const auto& [name, sub] : properties->items()) {
      if (auto bad = check_schema(sub, at + ".properties[" + name + "].value")) return bad;
    }
  }
  if (const auto* items = field(schema, "items")) {
    if (auto bad = check_schema(*items, at + ".items")) return bad;
  }
  if (const auto* any_of = field(schema, "anyOf")) {
    if (!any_of->is_array()) return invalid_argument("'" + at + ".any_of' is not a list");
    for (std::size_t i = 0; i < any_of->size(); ++i) {
      if (auto bad = check_schema((*any_of)[i], at + ".any_of[" + std::to_string(i) + "]")) {
        return bad;
      }
    }
  }
  return std::nullopt;
}

std::optional<Reply> check_parts(const json& content, const std::string& at) {
  const auto* parts = field(content, "parts");
  if (!parts || !parts->is_array() || parts->empty()) {
    return invalid_argument("* GenerateContentRequest." + at + ".parts: contents.parts must not " +
                            "be empty.\n");
  }
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const auto& part = (*parts)[i];
    const auto* text = field(part, "text");
    if (!part.is_object() || (text && !text->is_string())) {
      return invalid_argument("Invalid value at '" + at + ".parts[" + std::to_string(i) +
                              "]' (type.googleapis.com/google.ai.generativelanguage.v1beta.Part)");
    }
  }
  return std::nullopt;
}

std::optional<Reply> check_generation_config(const json& config) {
  if (!config.is_object()) {
    return invalid_argument("Invalid value at 'generation_config' (type.googleapis.com/" +
                            std::string{"google.ai.generativelanguage.v1beta.GenerationConfig"} +
                            "), " + config.dump());
  }
  if (auto unknown = wire::first_unknown_field(config, kGenerationConfigFields, camel)) {
    return unknown_name(*unknown, "generation_config");
  }
  const auto* schema = field(config, "responseSchema");
  const auto* json_schema = field(config, "responseJsonSchema");
  const auto* mime = field(config, "responseMimeType");
  if (schema && json_schema) {
    return invalid_argument("response_schema and response_json_schema cannot both be set.");
  }
  if ((schema || json_schema) &&
      (!mime || !mime->is_string() || mime->get<std::string>() != "application/json")) {
    return invalid_argument(
        "Setting a response schema requires response_mime_type to be application/json.");
  }
  if (schema) {
    if (auto bad = check_schema(*schema, "generation_config.response_schema")) return bad;
  }
  if (json_schema && !json_schema->is_object()) {
    return invalid_argument("response_json_schema must be a JSON object.");
  }
  if (const auto* t = field(config, "temperature")) {
    if (!t->is_number() || t->get<double>() < 0 || t->get<double>() > 2) {
      return invalid_argument("* GenerateContentRequest.generation_config.temperature: " +
                              std::string{"temperature must be between 0 and 2.\n"});
    }
  }
  if (const auto* m = field(config, "maxOutputTokens")) {
    if (!m->is_number_integer() || m->get<long long>() < 1) {
      return invalid_argument("* GenerateContentRequest.generation_config.max_output_tokens: " +
                              std::string{"max_output_tokens must be positive.\n"});
    }
  }
  return std::nullopt;
}

std::optional<Reply> check_body(const json& body, const ProviderConfig& config) {
  if (!body.is_object()) {
    return invalid_argument("Invalid JSON payload received. Expected an object.");
  }
  if (config.reject_unknown_fields) {
    if (auto unknown = wire::first_unknown_field(body, kRequestFields, camel)) {
      return unknown_name(*unknown, "");
    }
  }
  const auto* contents = field(body, "contents");
  if (!contents || !contents->is_array() || contents->empty()) {
    return invalid_argument("* GenerateContentRequest.contents: contents is not specified\n");
  }
  for (std::size_t i = 0; i < contents->size(); ++i) {
    const auto& content = (*contents)[i];
    const auto* role = field(content, "role");
    if (role && (!role->is_string() ||
                 (role->get<std::string>() != "user" && role->get<std::string>() != "model"))) {
      return invalid_argument("Please use a valid role: user, model.");
    }
    if (auto bad = check_parts(content, "contents[" + std::to_string(i) + "]")) return bad;
  }
  if (const auto* system = field(body, "systemInstruction")) {
    if (auto bad = check_parts(*system, "system_instruction")) return bad;
  }
  if (const auto* generation = field(body, "generationConfig")) {
    if (auto bad = check_generation_config(*generation)) return bad;
  }
  return std::nullopt;
}

json usage_metadata(const Usage& usage, bool with_output, std::uint64_t thoughts) {
  json meta{{"promptTokenCount", usage.input_tokens}};
  auto output = with_output ? usage.output_tokens : 0;
  if (with_output) meta["candidatesTokenCount"] = output;
  if (thoughts) meta["thoughtsTokenCount"] = thoughts;
  meta["totalTokenCount"] = usage.input_tokens + output + thoughts;
  return meta;
}

std::string answer_text(const json& decision) {
  return decision.is_string() ? decision.get<std::string>() : decision.dump();
}

json envelope(json candidates, const json& usage, const std::string& model,
              std::uint64_t sequence) {
  json body;
  if (!candidates.is_null()) body["candidates"] = std::move(candidates);
  body["usageMetadata"] = usage;
  body["modelVersion"] = model;
  body["responseId"] = "fake-gemini-" + std::to_string(sequence);
  return body;
}

json text_candidate(const std::string& text, std::string_view finish_reason,
                    const std::string& thought = {}) {
  json parts = json::array();
  if (!thought.empty()) parts.push_back({{"text", thought}, {"thought", true}});
  parts.push_back({{"text", text}});
  return {{"content", {{"parts", std::move(parts)}, {"role", "model"}}},
          {"finishReason", finish_reason},
          {"index", 0}};
}

json safety_ratings(bool blocked) {
  json dangerous{{"category", "HARM_CATEGORY_DANGEROUS_CONTENT"}, {"probability", "HIGH"}};
  if (blocked) dangerous["blocked"] = true;
  return json::array(
      {dangerous,
       {{"category", "HARM_CATEGORY_HARASSMENT"}, {"probability", "NEGLIGIBLE"}},
       {{"category", "HARM_CATEGORY_HATE_SPEECH"}, {"probability", "NEGLIGIBLE"}},
       {{"category", "HARM_CATEGORY_SEXUALLY_EXPLICIT"}, {"probability", "NEGLIGIBLE"}}});
}

std::string_view status_name(int code) {
  switch (code) {
    case 501:
      return "UNIMPLEMENTED";
    case 502:
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return "INTERNAL";
  }
}

json quota_failure(std::string_view metric, std::string_view quota_id, std::string_view value,
                   const std::string& model) {
  return {
      {"@type", "type.googleapis.com/google.rpc.QuotaFailure"},
      {"violations", json::array({{{"quotaMetric", metric},
                                   {"quotaId", quota_id},
                                   {"quotaDimensions", {{"location", "global"}, {"model", model}}},
                                   {"quotaValue", value}}})}};
}

json help_link() {
  return {{"@type", "type.googleapis.com/google.rpc.Help"},
          {"links", json::array({{{"description", "Learn more about Gemini API quotas"},
                                  {"url", kRateLimitsUrl}}})}};
}

class GeminiDialect final : public Dialect {
 public:
  CheckResult check(const Incoming& request, const std::string& model,
                    const ProviderConfig& config) const override {
    CheckResult result;
    result.facts.model = model;
    auto key = request.header("x-goog-api-key");
    if (key.empty()) key = wire::query_param(request.query, "key").value_or("");
    if (key.empty()) {
      result.auth = AuthOutcome::missing;
      if (config.key_required) {
        result.rejection = error_reply(
            403, "PERMISSION_DENIED",
            "Method doesn't allow unregistered callers (callers without established identity). "
            "Please use API Key or other form of API consumer identity to call this API.");
        return result;
      }
    } else if (!config.api_key.empty() && key != config.api_key) {
      // Gemini answers a wrong key with 400, not 401.
      result.auth = AuthOutcome::wrong;
      result.rejection = error_reply(
          400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
          json::array({{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                        {"reason", "API_KEY_INVALID"},
                        {"domain", "googleapis.com"},
                        {"metadata", {{"service", "generativelanguage.googleapis.com"}}}}}));
      return result;
    }
    if (request.method != "POST") {
      result.rejection = error_reply(404, "NOT_FOUND", "Method not found.");
      return result;
    }
    if (!config.validate_requests) return result;
    auto body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      result.rejection = invalid_argument("Invalid JSON payload received. Unexpected token.");
    } else if (auto bad = check_body(body, config)) {
      result.rejection = std::move(bad);
    }
    return result;
  }

  Reply answer(const Answer& answer, const RequestFacts& facts, const ProviderConfig&,
               std::uint64_t sequence) const override {
    const auto& model = answer.model.empty() ? facts.model : answer.model;
    std::uint64_t thoughts = answer.thought.empty() ? 0 : answer.usage.output_tokens / 2 + 1;
    auto candidates =
        json::array({text_candidate(answer_text(answer.decision), "STOP", answer.thought)});
    return ok(envelope(std::move(candidates), usage_metadata(answer.usage, true, thoughts), model,
                       sequence));
  }

  Reply fault(const Fault& fault, const Answer& base, const RequestFacts& facts,
              const ProviderConfig& config, std::uint64_t sequence) const override {
    const auto& model = facts.model;
    const auto usage = usage_metadata(base.usage, true, 0);
    switch (fault.kind) {
      case FaultKind::server_error: {
        int code = fault.status >= 500 && fault.status <= 599 ? fault.status : 500;
        if (code == 503) return overloaded();
        return error_reply(code, status_name(code),
                           "An internal error has occurred. Please retry or report in "
                           "https://developers.generativeai.google/guide/troubleshooting");
      }
      case FaultKind::overloaded:
        return overloaded();
      case FaultKind::rate_limited:
        return rate_limited(fault.retry_after, model);
      case FaultKind::quota_exhausted:
        return error_reply(
            429, "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details. For "
            "more information on this error, head to: " +
                std::string{kRateLimitsUrl} + ".",
            json::array(
                {quota_failure(
                     "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                     "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "250", model),
                 help_link()}));
      case FaultKind::unauthorized:
        return error_reply(
            401, "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential.",
            json::array({{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                          {"reason", "ACCESS_TOKEN_TYPE_UNSUPPORTED"},
                          {"domain", "googleapis.com"}}}));
      case FaultKind::bad_request:
        return invalid_argument("Request contains an invalid argument.");
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
        return ok(envelope(
            json::array(
                {{{"content", {{"role", "model"}}}, {"finishReason", "STOP"}, {"index", 0}}}),
            usage_metadata(base.usage, false, 0), model, sequence));
      case FaultKind::blocked_prompt: {
        auto body = envelope(nullptr, usage_metadata(base.usage, false, 0), model, sequence);
        body["promptFeedback"] = {{"blockReason", "SAFETY"},
                                  {"safetyRatings", safety_ratings(true)}};
        return ok(std::move(body));
      }
      case FaultKind::safety_block:
        return ok(envelope(json::array({{{"finishReason", "SAFETY"},
                                         {"index", 0},
                                         {"safetyRatings", safety_ratings(true)}}}),
                           usage_metadata(base.usage, false, 0), model, sequence));
      case FaultKind::truncated:
        return ok(envelope(json::array({text_candidate(
                               wire::cut_in_half(answer_text(base.decision)), "MAX_TOKENS")}),
                           usage, model, sequence));
      case FaultKind::prose:
        return ok(envelope(json::array({text_candidate(std::string{wire::kProse}, "STOP")}), usage,
                           model, sequence));
      case FaultKind::timeout:
      case FaultKind::reset:
      case FaultKind::delay:
      case FaultKind::trickle:
        break;
    }
    return answer(base, facts, config, sequence);
  }

 private:
  static Reply ok(const json& body) {
    return wire::json_reply(200, body, {{"content-type", "application/json; charset=UTF-8"}});
  }

  static Reply overloaded() {
    return error_reply(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
  }

  // With a hint: the per-minute quota, "Please retry in Xs." and RetryInfo.retryDelay (a
  // google.protobuf.Duration, "26s" or "2.5s": the scripted hint exactly, so tests can compare).
  // Without: the bare RESOURCE_EXHAUSTED of older responses.
  static Reply rate_limited(std::chrono::milliseconds retry_after, const std::string& model) {
    if (retry_after.count() <= 0) {
      return error_reply(429, "RESOURCE_EXHAUSTED",
                         "Resource has been exhausted (e.g. check quota).");
    }
    auto message =
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on this error, head to: " +
        std::string{kRateLimitsUrl} + ". Please retry in " + wire::decimal_seconds(retry_after) +
        "s.";
    auto details = json::array(
        {quota_failure(
             "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count",
             "GenerateContentInputTokensPerModelPerMinute-FreeTier", "250000", model),
         help_link(),
         {{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
          {"retryDelay", wire::decimal_seconds(retry_after) + "s"}}});
    return error_reply(429, "RESOURCE_EXHAUSTED", message, std::move(details));
  }
};

}  // namespace

const Dialect& gemini_dialect() {
  static const GeminiDialect dialect;
  return dialect;
}

}  // namespace autotrader::fakes::llm
