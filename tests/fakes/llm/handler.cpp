#include "tests/fakes/llm/handler.hpp"

#include <array>

#include "tests/fakes/llm/control_api.hpp"
#include "tests/fakes/llm/wire_util.hpp"

namespace autotrader::fakes::llm {
namespace {

constexpr std::string_view kRedacted = "<redacted>";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string redact_query(std::string_view query) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    auto amp = query.find('&', start);
    auto pair = query.substr(start, amp == std::string_view::npos ? amp : amp - start);
    if (start > 0) out += '&';
    if (starts_with(pair, "key=")) {
      out += "key=";
      out += kRedacted;
    } else {
      out += pair;
    }
    if (amp == std::string_view::npos) return out;
    start = amp + 1;
  }
}

Plan respond(Reply reply) {
  Plan plan;
  plan.reply = std::move(reply);
  return plan;
}

Reply no_route(const Incoming& request) {
  return wire::json_reply(
      404, {{"error",
             {{"message", "fake LLM server: no route for " + request.method + " " + request.path},
              {"type", "not_found_error"}}}});
}

}  // namespace

std::optional<Route> match_route(std::string_view path) {
  constexpr std::string_view kGeminiPrefix = "/v1beta/models/";
  constexpr std::string_view kGeminiSuffix = ":generateContent";
  if (starts_with(path, kGeminiPrefix) && ends_with(path, kGeminiSuffix) &&
      path.size() > kGeminiPrefix.size() + kGeminiSuffix.size()) {
    auto model = path.substr(kGeminiPrefix.size(),
                             path.size() - kGeminiPrefix.size() - kGeminiSuffix.size());
    return Route{Provider::gemini, std::string{model}};
  }
  if (path == "/v1/chat/completions") return Route{Provider::openai, {}};
  if (path == "/v1/messages") return Route{Provider::anthropic, {}};
  if (path == "/together/v1/chat/completions") return Route{Provider::together, {}};
  if (path == "/local/v1/chat/completions") return Route{Provider::local, {}};
  return std::nullopt;
}

RecordedRequest redacted_record(const Incoming& request) {
  static constexpr std::array<std::string_view, 5> kKeyHeaders{
      "authorization", "proxy-authorization", "x-api-key", "x-goog-api-key", "api-key"};
  RecordedRequest record;
  record.method = request.method;
  record.path = request.path;
  record.query = redact_query(request.query);
  record.body = request.body;
  record.tls = request.tls;
  for (const auto& [name, value] : request.headers) {
    bool secret = false;
    for (auto key_header : kKeyHeaders) secret = secret || name == key_header;
    if (!secret) {
      record.headers[name] = value;
      continue;
    }
    // Keep the scheme ("Bearer <redacted>") so a test can see which auth form was used.
    auto space = value.find(' ');
    record.headers[name] = name == "authorization" && space != std::string::npos
                               ? value.substr(0, space + 1) + std::string{kRedacted}
                               : std::string{kRedacted};
  }
  return record;
}

Plan handle_request(State& state, bool control_api, const Incoming& request) {
  if (control_api) {
    if (auto reply = handle_control(state, request)) return respond(std::move(*reply));
  }
  auto record = redacted_record(request);
  record.sequence = state.next_sequence();
  auto route = match_route(request.path);
  if (!route) {
    record.outcome = "no_route";
    auto plan = respond(no_route(request));
    record.status = plan.reply.status;
    state.record(std::move(record));
    return plan;
  }
  const auto provider = route->provider;
  const auto& dialect = dialect_for(provider);
  record.provider = provider;
  auto checked = dialect.check(request, route->model, state.config(provider));
  record.auth = checked.auth;
  record.model = checked.facts.model;
  if (checked.rejection) {
    auto plan = respond(std::move(*checked.rejection));
    plan.delay = state.config(provider).response_delay;
    record.outcome = "rejected";
    record.status = plan.reply.status;
    state.record(std::move(record));
    return plan;
  }

  auto turn = state.take(provider);
  Plan plan;
  plan.delay = turn.behaviour.delay + turn.config.response_delay;
  plan.trickle = turn.behaviour.trickle;
  if (const auto* answer = turn.behaviour.as_answer()) {
    plan.reply = dialect.answer(*answer, checked.facts, turn.config, record.sequence);
    record.outcome = "answer";
  } else {
    const auto& fault = *turn.behaviour.as_fault();
    record.outcome = std::string{to_string(fault.kind)};
    if (fault.kind == FaultKind::timeout) {
      plan.mode = Plan::Mode::hang;
    } else if (fault.kind == FaultKind::reset) {
      plan.mode = Plan::Mode::reset;
    } else {
      const auto* base = turn.config.default_behaviour.as_answer();
      plan.reply = dialect.fault(fault, base ? *base : Answer{}, checked.facts, turn.config,
                                 record.sequence);
    }
  }
  record.status = plan.mode == Plan::Mode::respond ? plan.reply.status : 0;
  state.record(std::move(record));
  return plan;
}

}  // namespace autotrader::fakes::llm
