// Gemini generateContent: the decision schema as generationConfig.responseSchema, the answer as a
// JSON string in candidates[0].content.parts[].text (thought parts skipped), errors in the Google
// RPC shape with RetryInfo and QuotaFailure details.
#include <algorithm>
#include <array>
#include <cctype>

#include "llm/codec_detail.hpp"
#include "llm/validate.hpp"

namespace autotrader::llm::detail {
namespace {

// finishReason values that mean the content was withheld by a policy (js-genai FinishReason).
constexpr std::array<std::string_view, 6> kBlockedFinishReasons{
    "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"};

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// {"error":{"code","message","status","details"}}; status is the HTTP status, or error.code when
// the error arrived in a 2xx body.
Failure gemini_error(const ProviderSettings& provider, const net::ClientResponse& response,
                     const nlohmann::json* body) {
  const nlohmann::json* error = nullptr;
  if (body && body->is_object()) {
    auto it = body->find("error");
    if (it != body->end() && it->is_object()) error = &*it;
  }
  int status = response.status;
  if (error && (status < 300 || status > 599)) {
    auto code = error->find("code");
    std::int64_t value =
        code != error->end() && code->is_number_integer() ? code->get<std::int64_t>() : 500;
    status = value >= 400 && value <= 599 ? static_cast<int>(value) : 500;
  }
  Failure failure = make_failure(kind_for_status(status), status, {});
  std::string_view rpc_status;
  std::string_view message;
  std::optional<std::chrono::milliseconds> body_hint;
  bool daily_quota = false;
  if (error) {
    rpc_status = string_field(*error, "status");
    message = string_field(*error, "message");
    if (rpc_status == "UNAVAILABLE") failure.kind = FailureKind::overloaded;
    if (rpc_status == "UNAUTHENTICATED" || rpc_status == "PERMISSION_DENIED") {
      failure.kind = FailureKind::auth;
    }
    auto details = error->find("details");
    if (details != error->end() && details->is_array()) {
      for (const nlohmann::json& detail : *details) {
        if (!detail.is_object()) continue;
        std::string_view type = string_field(detail, "@type");
        if (ends_with(type, "google.rpc.RetryInfo")) {
          body_hint = parse_proto_duration(string_field(detail, "retryDelay"));
        } else if (ends_with(type, "google.rpc.QuotaFailure")) {
          auto violations = detail.find("violations");
          if (violations == detail.end() || !violations->is_array()) continue;
          for (const nlohmann::json& violation : *violations) {
            if (!violation.is_object()) continue;
            // quotaId names the window, e.g. GenerateRequestsPerDayPerProjectPerModel-FreeTier
            // (daily: waiting minutes does not clear it) vs ...PerMinute... (clears by itself).
            if (string_field(violation, "quotaId").find("PerDay") != std::string_view::npos) {
              daily_quota = true;
            }
          }
        } else if (ends_with(type, "google.rpc.ErrorInfo")) {
          // A bad key is a 400 INVALID_ARGUMENT whose ErrorInfo.reason says so.
          if (string_field(detail, "reason") == "API_KEY_INVALID") {
            failure.kind = FailureKind::auth;
          }
        }
      }
    }
  }
  if (status == 429 && daily_quota) failure.kind = FailureKind::quota_exhausted;
  failure.retry_after = retry_hint_from_headers(response);
  if (!failure.retry_after) failure.retry_after = body_hint;
  if (!failure.retry_after) failure.retry_after = retry_hint_from_message(message);
  failure.message = status_message(status, provider_label(rpc_status, provider),
                                   provider_message(message, provider));
  if (daily_quota) failure.message += " (daily quota)";
  apply_should_retry(failure, response);
  return failure;
}

}  // namespace

net::ClientRequest build_gemini_request(const ProviderSettings& provider,
                                        const Conversation& conversation) {
  std::string_view model = provider.model;
  if (model.substr(0, 7) == "models/") model.remove_prefix(7);
  net::ClientRequest request;
  request.method = "POST";
  request.url =
      join_url(provider.base_url, "/v1beta/models/" + percent_encode(model) + ":generateContent");
  request.headers.emplace_back("content-type", "application/json");
  if (!provider.api_key.empty()) {
    request.headers.emplace_back("x-goog-api-key", provider.api_key.reveal());
  }
  nlohmann::json contents = nlohmann::json::array();
  for (const Message& message : conversation.messages) {
    contents.push_back({{"role", message.role == Role::user ? "user" : "model"},
                        {"parts", {{{"text", message.text}}}}});
  }
  nlohmann::json body = {{"contents", std::move(contents)},
                         {"generationConfig",
                          {{"temperature", provider.temperature},
                           {"maxOutputTokens", provider.max_tokens},
                           {"responseMimeType", "application/json"},
                           {"responseSchema", decision_gemini_schema()}}}};
  if (!conversation.system.empty()) {
    body["systemInstruction"] = {{"parts", {{{"text", conversation.system}}}}};
  }
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return request;
}

ReplyResult parse_gemini_response(const ProviderSettings& provider,
                                  const net::ClientResponse& response) {
  auto body = parse_json(response.body);
  if (response.status < 200 || response.status > 299) {
    return gemini_error(provider, response, body ? &*body : nullptr);
  }
  if (!body || !body->is_object()) {
    return make_failure(FailureKind::unparseable, response.status,
                        "the response body is not a JSON object");
  }
  if (body->contains("error") && !body->contains("candidates")) {
    return gemini_error(provider, response, &*body);
  }
  Usage usage;
  auto metadata = body->find("usageMetadata");
  if (metadata != body->end() && metadata->is_object()) {
    usage.input_tokens = count_field(*metadata, "promptTokenCount");
    // Thinking tokens are billed as output.
    usage.output_tokens = count_field(*metadata, "candidatesTokenCount") +
                          count_field(*metadata, "thoughtsTokenCount");
  }
  std::string model = provider_message(string_field(*body, "modelVersion"), provider, 100);

  auto candidates = body->find("candidates");
  if (candidates == body->end() || !candidates->is_array() || candidates->empty()) {
    auto feedback = body->find("promptFeedback");
    if (feedback != body->end() && feedback->is_object()) {
      std::string_view reason = string_field(*feedback, "blockReason");
      if (!reason.empty()) {
        return make_failure(FailureKind::safety_block, response.status,
                            "prompt blocked: " + provider_label(reason, provider));
      }
    }
    return make_failure(FailureKind::empty_answer, response.status, "no candidates");
  }
  const nlohmann::json& candidate = candidates->front();
  if (!candidate.is_object()) {
    return make_failure(FailureKind::unparseable, response.status, "candidate is not an object");
  }
  std::string_view finish = string_field(candidate, "finishReason");
  if (finish == "MAX_TOKENS") {
    return make_failure(FailureKind::truncated, response.status, "finishReason MAX_TOKENS");
  }
  if (std::find(kBlockedFinishReasons.begin(), kBlockedFinishReasons.end(), finish) !=
      kBlockedFinishReasons.end()) {
    return make_failure(FailureKind::safety_block, response.status,
                        "finishReason " + std::string{finish});
  }
  if (!finish.empty() && finish != "STOP") {
    return make_failure(FailureKind::empty_answer, response.status,
                        "finishReason " + provider_label(finish, provider));
  }
  std::string text;
  auto content = candidate.find("content");
  if (content != candidate.end() && content->is_object()) {
    auto parts = content->find("parts");
    if (parts != content->end() && parts->is_array()) {
      for (const nlohmann::json& part : *parts) {
        if (!part.is_object()) continue;
        auto thought = part.find("thought");
        if (thought != part.end() && thought->is_boolean() && thought->get<bool>()) continue;
        text += string_field(part, "text");
      }
    }
  }
  if (text.empty()) {
    return make_failure(FailureKind::empty_answer, response.status, "no text in the candidate");
  }
  return reply_from_text(text, usage, std::move(model));
}

}  // namespace autotrader::llm::detail
