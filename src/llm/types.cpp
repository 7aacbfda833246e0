#include "llm/types.hpp"

namespace autotrader::llm {

std::string_view to_string(Action action) {
  switch (action) {
    case Action::buy:
      return "BUY";
    case Action::sell:
      return "SELL";
    case Action::hold:
      return "HOLD";
  }
  return "HOLD";
}

std::optional<Action> parse_action(std::string_view text) {
  if (text == "BUY") return Action::buy;
  if (text == "SELL") return Action::sell;
  if (text == "HOLD") return Action::hold;
  return std::nullopt;
}

FailureClass failure_class(FailureKind kind) {
  switch (kind) {
    case FailureKind::timeout:
    case FailureKind::connection:
    case FailureKind::server_error:
    case FailureKind::overloaded:
    case FailureKind::rate_limited:
    case FailureKind::cancelled:
      return FailureClass::retryable;
    case FailureKind::auth:
    case FailureKind::bad_request:
    case FailureKind::quota_exhausted:
    case FailureKind::safety_block:
      return FailureClass::non_retryable;
    case FailureKind::unparseable:
    case FailureKind::truncated:
    case FailureKind::empty_answer:
    case FailureKind::schema_violation:
    case FailureKind::out_of_range:
      return FailureClass::invalid_answer;
  }
  return FailureClass::retryable;
}

std::string_view to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::timeout:
      return "timeout";
    case FailureKind::connection:
      return "connection";
    case FailureKind::server_error:
      return "server_error";
    case FailureKind::overloaded:
      return "overloaded";
    case FailureKind::rate_limited:
      return "rate_limited";
    case FailureKind::auth:
      return "auth";
    case FailureKind::bad_request:
      return "bad_request";
    case FailureKind::quota_exhausted:
      return "quota_exhausted";
    case FailureKind::safety_block:
      return "safety_block";
    case FailureKind::unparseable:
      return "unparseable";
    case FailureKind::truncated:
      return "truncated";
    case FailureKind::empty_answer:
      return "empty_answer";
    case FailureKind::schema_violation:
      return "schema_violation";
    case FailureKind::out_of_range:
      return "out_of_range";
    case FailureKind::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string_view to_string(FailureClass klass) {
  switch (klass) {
    case FailureClass::retryable:
      return "retryable";
    case FailureClass::non_retryable:
      return "non_retryable";
    case FailureClass::invalid_answer:
      return "invalid_answer";
  }
  return "unknown";
}

}  // namespace autotrader::llm
