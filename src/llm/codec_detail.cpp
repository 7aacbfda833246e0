#include "llm/codec_detail.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/calendar.hpp"
#include "core/secret.hpp"
#include "llm/text.hpp"

namespace autotrader::llm::detail {
namespace {

std::string_view trim(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

// A non-negative decimal number at the start of text (no sign, no exponent), advancing text.
std::optional<double> take_number(std::string_view& text) {
  std::size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
    ++end;
  }
  if (end == 0) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
  if (ec != std::errc{} || ptr != text.data() + end || !std::isfinite(value)) return std::nullopt;
  text.remove_prefix(end);
  return value;
}

std::chrono::milliseconds capped_ms(double milliseconds) {
  if (!(milliseconds > 0)) return std::chrono::milliseconds{0};
  double cap = static_cast<double>(kMaxRetryHint.count());
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::min(milliseconds, cap))};
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

using core::days_from_civil;

std::optional<int> take_int(std::string_view text, std::size_t at, std::size_t digits) {
  if (at + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + digits; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool key_shaped(std::string_view token) {
  return token.size() >= 12 && (starts_with(token, "sk-") || starts_with(token, "AIza"));
}

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '*' ||
         c == '.';
}

}  // namespace

bool nests_too_deep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

std::optional<nlohmann::json> parse_json(std::string_view text) {
  if (nests_too_deep(text)) return std::nullopt;
  try {
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded()) return std::nullopt;
    return json;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

ReplyResult reply_from_text(std::string_view text, Usage usage, std::string model) {
  text = trim(text);
  if (starts_with(text, "```")) {
    auto newline = text.find('\n');
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    text = trim(text);
    if (text.size() >= 3 && text.substr(text.size() - 3) == "```") text.remove_suffix(3);
    text = trim(text);
  }
  if (text.empty()) return make_failure(FailureKind::empty_answer, 200, "the answer is empty");
  if (text.size() > kMaxAnswerBytes) {
    return make_failure(
        FailureKind::unparseable, 200,
        fmt::format("the answer is {} bytes, longer than any decision", text.size()));
  }
  auto json = parse_json(text);
  if (!json) return make_failure(FailureKind::unparseable, 200, "the answer is not JSON");
  return reply_from_object(std::move(*json), usage, std::move(model));
}

ModelReply reply_from_object(nlohmann::json decision, Usage usage, std::string model) {
  ModelReply reply;
  // Parsed JSON holds valid UTF-8 only, so dump() cannot throw here.
  reply.text = decision.dump();
  reply.decision = std::move(decision);
  reply.usage = usage;
  reply.model = std::move(model);
  return reply;
}

std::string_view string_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

std::uint64_t count_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  if (!it->is_number_unsigned() && it->get<std::int64_t>() < 0) return 0;
  return it->get<std::uint64_t>();
}

Failure make_failure(FailureKind kind, int http_status, std::string message) {
  Failure failure;
  failure.kind = kind;
  failure.http_status = http_status;
  failure.message = std::move(message);
  return failure;
}

FailureKind kind_for_status(int status) {
  if (status == 401 || status == 403) return FailureKind::auth;
  if (status == 408) return FailureKind::timeout;
  if (status == 409) return FailureKind::server_error;
  if (status == 429) return FailureKind::rate_limited;
  if (status == 503 || status == 529) return FailureKind::overloaded;
  if (status >= 500 && status <= 599) return FailureKind::server_error;
  return FailureKind::bad_request;
}

std::string provider_message(std::string_view text, const ProviderSettings& provider,
                             std::size_t max_bytes) {
  // Redact before cutting, so that no prefix of a key survives the cut.
  std::string cleaned = clean_text(text, 4096);
  core::Redactor redactor;
  redactor.add(provider.api_key.reveal());
  if (!redactor.empty()) cleaned = redactor.apply(cleaned);
  std::string masked;
  masked.reserve(cleaned.size());
  for (std::size_t at = 0; at < cleaned.size();) {
    std::size_t end = at;
    while (end < cleaned.size() && token_char(cleaned[end])) ++end;
    if (end == at) {
      masked.push_back(cleaned[at++]);
      continue;
    }
    std::string_view token{cleaned.data() + at, end - at};
    masked.append(key_shaped(token) ? std::string_view{core::redacted_text} : token);
    at = end;
  }
  return clean_text(masked, max_bytes);
}

std::string status_message(int status, std::string_view label, std::string_view message) {
  std::string text = fmt::format("HTTP {}", status);
  if (!label.empty()) text += fmt::format(" {}", label);
  if (!message.empty()) text += fmt::format(": {}", message);
  return text;
}

std::optional<std::chrono::milliseconds> retry_hint_from_headers(
    const net::ClientResponse& response) {
  if (auto ms = response.header("retry-after-ms")) {
    std::string_view text = trim(*ms);
    if (auto value = take_number(text); value && text.empty()) return capped_ms(*value);
  }
  auto after = response.header("retry-after");
  if (!after) return std::nullopt;
  std::string_view text = trim(*after);
  std::string_view rest = text;
  if (auto seconds = take_number(rest); seconds && rest.empty()) return capped_ms(*seconds * 1000);
  auto until = parse_http_date(text);
  auto date = response.header("date");
  if (!until || !date) return std::nullopt;
  auto now = parse_http_date(trim(*date));
  if (!now) return std::nullopt;
  return capped_ms(static_cast<double>(*until - *now) * 1000);
}

std::optional<std::chrono::milliseconds> retry_hint_from_message(std::string_view message) {
  static constexpr std::array<std::string_view, 2> kPhrases{"try again in ", "retry in "};
  for (std::size_t at = 0; at < message.size(); ++at) {
    for (std::string_view phrase : kPhrases) {
      if (iequals_prefix(message.substr(at), phrase)) {
        if (auto hint = parse_go_duration(message.substr(at + phrase.size()))) return hint;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_go_duration(std::string_view text) {
  double total_ms = 0;
  bool any = false;
  while (true) {
    std::string_view rest = text;
    auto number = take_number(rest);
    if (!number) break;
    double unit_ms = 0;
    if (starts_with(rest, "ms")) {
      unit_ms = 1, rest.remove_prefix(2);
    } else if (starts_with(rest, "s")) {
      unit_ms = 1000, rest.remove_prefix(1);
    } else if (starts_with(rest, "m")) {
      unit_ms = 60'000, rest.remove_prefix(1);
    } else if (starts_with(rest, "h")) {
      unit_ms = 3'600'000, rest.remove_prefix(1);
    } else {
      break;
    }
    total_ms += *number * unit_ms;
    any = true;
    text = rest;
  }
  if (!any) return std::nullopt;
  return capped_ms(total_ms);
}

std::optional<std::chrono::milliseconds> parse_proto_duration(std::string_view text) {
  text = trim(text);
  auto seconds = take_number(text);
  if (!seconds || text != "s") return std::nullopt;
  return capped_ms(*seconds * 1000);
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  // IMF-fixdate, fixed width: "Sun, 06 Nov 1994 08:49:37 GMT".
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto day = take_int(text, 5, 2);
  auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  auto year = take_int(text, 12, 4);
  auto hour = take_int(text, 17, 2);
  auto minute = take_int(text, 20, 2);
  auto second = take_int(text, 23, 2);
  if (!day || month == kMonths.end() || !year || !hour || !minute || !second || text[7] != ' ' ||
      text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':' || *day < 1 ||
      *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  auto month_number = static_cast<unsigned>(month - kMonths.begin() + 1);
  std::int64_t days = days_from_civil(*year, month_number, static_cast<unsigned>(*day));
  return days * 86400 + *hour * 3600 + *minute * 60 + *second;
}

void apply_should_retry(Failure& failure, const net::ClientResponse& response) {
  auto header = response.header("x-should-retry");
  if (!header) return;
  std::string_view value = trim(*header);
  if (value == "false" && failure.klass() == FailureClass::retryable) {
    failure.kind =
        failure.http_status == 429 ? FailureKind::quota_exhausted : FailureKind::bad_request;
    failure.message += " (x-should-retry: false)";
  } else if (value == "true" && failure.kind == FailureKind::bad_request) {
    failure.kind = FailureKind::server_error;
    failure.message += " (x-should-retry: true)";
  }
}

std::string join_url(std::string_view base_url, std::string_view path) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  return std::string{base_url} + std::string{path};
}

}  // namespace autotrader::llm::detail
