#include "tests/fakes/llm/wire_util.hpp"

#include <cctype>
#include <cstdio>

namespace autotrader::fakes::llm {

std::string Incoming::header(const std::string& lower_case_name) const {
  auto found = headers.find(lower_case_name);
  return found == headers.end() ? std::string{} : found->second;
}

const Dialect& dialect_for(Provider provider) {
  switch (provider) {
    case Provider::gemini:
      return gemini_dialect();
    case Provider::anthropic:
      return anthropic_dialect();
    case Provider::openai:
    case Provider::together:
    case Provider::local:
      break;
  }
  return openai_dialect();
}

namespace wire {

Reply json_reply(int status, const json& body, HeaderList headers) {
  Reply reply;
  reply.status = status;
  reply.headers = std::move(headers);
  bool typed = false;
  for (const auto& [name, value] : reply.headers) typed = typed || name == "content-type";
  if (!typed) reply.headers.emplace_back("content-type", std::string{kJsonType});
  reply.body = body.dump();
  return reply;
}

std::string cut_in_half(const std::string& text) {
  return text.substr(0, text.size() / 2);
}

json schema_violating_decision() {
  return {{"action", "MAYBE"},
          {"confidence", 1.7},
          {"reasoning", 42},
          {"factors", "none"},
          {"position_size", -1}};
}

std::optional<std::string> bearer_token(const Incoming& request) {
  auto value = request.header("authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return std::nullopt;
  }
  auto token = value.substr(kScheme.size());
  if (token.empty()) return std::nullopt;
  return token;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    auto key = pair.substr(0, eq);
    if (percent_decode(key) != name) continue;
    return eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

long long whole_seconds_up(std::chrono::milliseconds ms) {
  auto seconds = (ms.count() + 999) / 1000;
  return seconds < 1 ? 1 : seconds;
}

std::string decimal_seconds(std::chrono::milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ms.count() / 1000),
                static_cast<long long>(ms.count() % 1000));
  std::string out{text};
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string string_field(const json& object, std::string_view name) {
  if (!object.is_object()) return {};
  auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

bool is_true(const json& object, std::string_view name) {
  if (!object.is_object()) return false;
  auto found = object.find(name);
  return found != object.end() && *found == true;
}

std::string_view type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "value";
  }
}

}  // namespace wire
}  // namespace autotrader::fakes::llm
