// OpenAI chat completions and the servers that speak it: OpenAI (strict json_schema,
// max_completion_tokens), Together (json_schema with a name, max_tokens, finish_reason "eos")
// and local servers (Ollama, llama.cpp, vLLM: the nested response_format.json_schema.schema that
// llama.cpp requires, temperature and top_p always sent, no auth header without a key).
#include "llm/codec_detail.hpp"
#include "llm/validate.hpp"

namespace autotrader::llm::detail {
namespace {

// Sent explicitly to local servers: Ollama's OpenAI shim uses 1.0 for an omitted temperature or
// top_p, llama.cpp 0.95 for top_p. 1.0 means no nucleus cut (OpenAI's default), so the
// configured temperature alone narrows the sampling and every server samples alike.
constexpr double kLocalTopP = 1.0;

// {"error":{"message","type","param","code"}}; code is a string or null.
Failure openai_error(const ProviderSettings& provider, const net::ClientResponse& response,
                     const nlohmann::json* body) {
  const nlohmann::json* error = nullptr;
  if (body && body->is_object()) {
    auto it = body->find("error");
    if (it != body->end() && it->is_object()) error = &*it;
  }
  int status = response.status;
  if (status < 300 || status > 599) status = 500;  // an error object in a 2xx body
  Failure failure = make_failure(kind_for_status(status), status, {});
  std::string_view message;
  std::string_view label;
  if (error) {
    message = string_field(*error, "message");
    std::string_view code = string_field(*error, "code");
    std::string_view type = string_field(*error, "type");
    label = code.empty() ? type : code;
    // A billing failure, not a rate: it does not clear by waiting.
    if (code == "insufficient_quota" || type == "insufficient_quota") {
      failure.kind = FailureKind::quota_exhausted;
    }
  }
  failure.retry_after = retry_hint_from_headers(response);
  if (!failure.retry_after) failure.retry_after = retry_hint_from_message(message);
  failure.message =
      status_message(status, provider_label(label, provider), provider_message(message, provider));
  apply_should_retry(failure, response);
  return failure;
}

bool finish_is_complete(ProviderKind kind, std::string_view finish) {
  if (finish == "stop") return true;
  // Together reports "eos"; local servers pass their engine's reason through.
  return finish == "eos" && kind != ProviderKind::openai;
}

}  // namespace

net::ClientRequest build_openai_request(const ProviderSettings& provider,
                                        const Conversation& conversation) {
  net::ClientRequest request;
  request.method = "POST";
  request.url = join_url(provider.base_url, "/chat/completions");
  request.headers.emplace_back("content-type", "application/json");
  if (!provider.api_key.empty()) {
    request.headers.emplace_back("authorization", "Bearer " + provider.api_key.reveal());
  }
  nlohmann::json messages = nlohmann::json::array();
  if (!conversation.system.empty()) {
    messages.push_back({{"role", "system"}, {"content", conversation.system}});
  }
  for (const Message& message : conversation.messages) {
    messages.push_back(
        {{"role", message.role == Role::user ? "user" : "assistant"}, {"content", message.text}});
  }
  // Always the nested form: llama.cpp reads only response_format.json_schema.schema and silently
  // ignores a flat "schema". strict is OpenAI's and Together's switch; local servers ignore it.
  nlohmann::json json_schema = {
      {"name", kDecisionSchemaName}, {"strict", true}, {"schema", decision_json_schema()}};
  nlohmann::json body = {
      {"model", provider.model},
      {"messages", std::move(messages)},
      {"temperature", provider.temperature},
      {"response_format", {{"type", "json_schema"}, {"json_schema", std::move(json_schema)}}}};
  if (provider.kind == ProviderKind::openai) {
    // max_tokens is deprecated on OpenAI and rejected by its reasoning models.
    body["max_completion_tokens"] = provider.max_tokens;
  } else {
    body["max_tokens"] = provider.max_tokens;
  }
  if (provider.kind == ProviderKind::local) body["top_p"] = kLocalTopP;
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return request;
}

ReplyResult parse_openai_response(const ProviderSettings& provider,
                                  const net::ClientResponse& response) {
  auto body = parse_json(response.body);
  if (response.status < 200 || response.status > 299) {
    return openai_error(provider, response, body ? &*body : nullptr);
  }
  if (!body || !body->is_object()) {
    return make_failure(FailureKind::unparseable, response.status,
                        "the response body is not a JSON object");
  }
  if (body->contains("error") && !body->contains("choices")) {
    return openai_error(provider, response, &*body);
  }
  Usage usage;
  auto usage_json = body->find("usage");
  if (usage_json != body->end()) {
    usage.input_tokens = count_field(*usage_json, "prompt_tokens");
    usage.output_tokens = count_field(*usage_json, "completion_tokens");
  }
  std::string model = provider_message(string_field(*body, "model"), provider, 100);

  auto choices = body->find("choices");
  if (choices == body->end() || !choices->is_array() || choices->empty()) {
    return make_failure(FailureKind::empty_answer, response.status, "no choices");
  }
  const nlohmann::json& choice = choices->front();
  auto message = choice.is_object() ? choice.find("message") : choice.end();
  if (!choice.is_object() || message == choice.end() || !message->is_object()) {
    return make_failure(FailureKind::unparseable, response.status, "choice without a message");
  }
  std::string_view refusal = string_field(*message, "refusal");
  if (!refusal.empty()) {
    return make_failure(FailureKind::safety_block, response.status,
                        "refusal: " + provider_message(refusal, provider));
  }
  std::string_view finish = string_field(choice, "finish_reason");
  if (finish == "length") {
    return make_failure(FailureKind::truncated, response.status, "finish_reason length");
  }
  if (finish == "content_filter") {
    return make_failure(FailureKind::safety_block, response.status, "finish_reason content_filter");
  }
  // Some local servers omit finish_reason; the content decides then.
  if (!finish.empty() && !finish_is_complete(provider.kind, finish)) {
    return make_failure(FailureKind::empty_answer, response.status,
                        "finish_reason " + provider_label(finish, provider));
  }
  std::string_view content = string_field(*message, "content");
  if (content.empty()) {
    return make_failure(FailureKind::empty_answer, response.status, "no content");
  }
  return reply_from_text(content, usage, std::move(model));
}

}  // namespace autotrader::llm::detail
