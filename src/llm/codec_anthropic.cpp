// Anthropic messages: the decision schema as the input_schema of a tool the model is forced to
// call (tool_choice {"type":"tool"}), which works on every tool-capable model; the answer is the
// tool_use block's input, an object. Errors {"type":"error","error":{"type","message"}}, 529
// overloaded_error, 429 rate_limit_error with enforced_spend_limit_reached as a billing stop.
#include "llm/codec_detail.hpp"
#include "llm/validate.hpp"

namespace autotrader::llm::detail {
namespace {

constexpr const char* kToolName = "emit_decision";
constexpr const char* kApiVersion = "2023-06-01";

// The status an error type stands for when it arrives in a 2xx body (docs.claude.com errors).
int status_for_error_type(std::string_view type) {
  if (type == "invalid_request_error") return 400;
  if (type == "authentication_error") return 401;
  if (type == "permission_error") return 403;
  if (type == "not_found_error") return 404;
  if (type == "request_too_large") return 413;
  if (type == "rate_limit_error") return 429;
  if (type == "overloaded_error") return 529;
  return 500;
}

Failure anthropic_error(const ProviderSettings& provider, const net::ClientResponse& response,
                        const nlohmann::json* body) {
  const nlohmann::json* error = nullptr;
  if (body && body->is_object()) {
    auto it = body->find("error");
    if (it != body->end() && it->is_object()) error = &*it;
  }
  std::string_view type = error ? string_field(*error, "type") : std::string_view{};
  std::string_view message = error ? string_field(*error, "message") : std::string_view{};
  int status = response.status;
  if (status < 300 || status > 599) status = status_for_error_type(type);
  Failure failure = make_failure(kind_for_status(status), status, {});
  if (type == "overloaded_error") failure.kind = FailureKind::overloaded;
  if (error) {
    auto details = error->find("details");
    if (details != error->end() &&
        string_field(*details, "error_code") == "enforced_spend_limit_reached") {
      failure.kind = FailureKind::quota_exhausted;
    }
  }
  failure.retry_after = retry_hint_from_headers(response);
  if (!failure.retry_after) failure.retry_after = retry_hint_from_message(message);
  failure.message =
      status_message(status, provider_label(type, provider), provider_message(message, provider));
  if (failure.kind == FailureKind::quota_exhausted) failure.message += " (spend limit)";
  apply_should_retry(failure, response);
  return failure;
}

}  // namespace

net::ClientRequest build_anthropic_request(const ProviderSettings& provider,
                                           const Conversation& conversation) {
  net::ClientRequest request;
  request.method = "POST";
  request.url = join_url(provider.base_url, "/v1/messages");
  request.headers.emplace_back("content-type", "application/json");
  request.headers.emplace_back("anthropic-version", kApiVersion);
  if (!provider.api_key.empty()) {
    request.headers.emplace_back("x-api-key", provider.api_key.reveal());
  }
  nlohmann::json messages = nlohmann::json::array();
  for (const Message& message : conversation.messages) {
    messages.push_back(
        {{"role", message.role == Role::user ? "user" : "assistant"}, {"content", message.text}});
  }
  nlohmann::json body = {{"model", provider.model},
                         {"max_tokens", provider.max_tokens},
                         {"temperature", provider.temperature},
                         {"messages", std::move(messages)},
                         {"tools",
                          {{{"name", kToolName},
                            {"description", "Return the trade decision."},
                            {"input_schema", decision_json_schema()}}}},
                         // Forcing the tool is incompatible with extended thinking, which is
                         // therefore never asked for.
                         {"tool_choice", {{"type", "tool"}, {"name", kToolName}}}};
  if (!conversation.system.empty()) body["system"] = conversation.system;
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return request;
}

ReplyResult parse_anthropic_response(const ProviderSettings& provider,
                                     const net::ClientResponse& response) {
  auto body = parse_json(response.body);
  if (response.status < 200 || response.status > 299) {
    return anthropic_error(provider, response, body ? &*body : nullptr);
  }
  if (!body || !body->is_object()) {
    return make_failure(FailureKind::unparseable, response.status,
                        "the response body is not a JSON object");
  }
  if (string_field(*body, "type") == "error") return anthropic_error(provider, response, &*body);
  Usage usage;
  auto usage_json = body->find("usage");
  if (usage_json != body->end()) {
    // Cached input is reported apart from input_tokens but is input all the same.
    usage.input_tokens = count_field(*usage_json, "input_tokens") +
                         count_field(*usage_json, "cache_creation_input_tokens") +
                         count_field(*usage_json, "cache_read_input_tokens");
    usage.output_tokens = count_field(*usage_json, "output_tokens");
  }
  std::string model = provider_message(string_field(*body, "model"), provider, 100);

  std::string_view stop = string_field(*body, "stop_reason");
  if (stop == "max_tokens" || stop == "model_context_window_exceeded") {
    return make_failure(FailureKind::truncated, response.status,
                        "stop_reason " + std::string{stop});
  }
  if (stop == "refusal") {
    return make_failure(FailureKind::safety_block, response.status, "stop_reason refusal");
  }
  auto content = body->find("content");
  if (content == body->end() || !content->is_array()) {
    return make_failure(FailureKind::unparseable, response.status, "no content array");
  }
  for (const nlohmann::json& block : *content) {
    if (string_field(block, "type") != "tool_use" || string_field(block, "name") != kToolName) {
      continue;
    }
    auto input = block.find("input");
    if (input == block.end() || !input->is_object()) {
      return make_failure(FailureKind::schema_violation, response.status,
                          "tool_use.input is not an object");
    }
    return reply_from_object(*input, usage, std::move(model));
  }
  return make_failure(FailureKind::empty_answer, response.status,
                      "prose instead of the emit_decision tool call (stop_reason " +
                          provider_label(stop, provider) + ")");
}

}  // namespace autotrader::llm::detail
