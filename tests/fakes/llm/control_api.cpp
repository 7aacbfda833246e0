#include "tests/fakes/llm/control_api.hpp"

#include "tests/fakes/llm/wire_util.hpp"

namespace autotrader::fakes::llm {
namespace {

using nlohmann::json;
using Parsed = std::variant<Behaviour, std::string>;

constexpr std::string_view kPrefix = "/_fake/";
constexpr long long kMaxMs = 600'000;
constexpr long long kMaxTimes = 10'000;

// Bodies and headers are bytes from the wire: never let invalid UTF-8 throw.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Reply ok(const json& body) {
  Reply reply;
  reply.headers.emplace_back("content-type", "application/json");
  reply.body = dump(body);
  return reply;
}

Reply error(int status, const std::string& message) {
  auto reply = ok({{"error", message}});
  reply.status = status;
  return reply;
}

// An integer field in [min, max]; nullopt with `problem` set when present but wrong.
std::optional<long long> integer(const json& object, const char* name, long long min, long long max,
                                 std::string& problem) {
  auto found = object.find(name);
  if (found == object.end()) return std::nullopt;
  if (!found->is_number_integer() || found->get<long long>() < min ||
      found->get<long long>() > max) {
    problem = std::string{name} + " must be an integer in [" + std::to_string(min) + ", " +
              std::to_string(max) + "]";
    return std::nullopt;
  }
  return found->get<long long>();
}

std::optional<Provider> provider_of(const json& body, std::string& problem) {
  auto name = wire::string_field(body, "provider");
  auto provider = parse_provider(name);
  if (!provider) {
    problem = "\"provider\" must be one of gemini, openai, anthropic, together, local";
  }
  return provider;
}

Parsed parse_fault(const json& object) {
  auto name = wire::string_field(object, "fault");
  auto kind = parse_fault_kind(name);
  if (!kind || *kind == FaultKind::delay || *kind == FaultKind::trickle) {
    return "unknown fault \"" + name + "\" (delay and trickle are the delay_ms and trickle fields)";
  }
  auto fault = Fault::of(*kind);
  std::string problem;
  fault.status = kind == FaultKind::server_error ? 500 : 0;
  if (auto status = integer(object, "status", 500, 599, problem)) {
    fault.status = static_cast<int>(*status);
  }
  if (auto ms = integer(object, "retry_after_ms", 0, 86'400'000, problem)) {
    fault.retry_after = std::chrono::milliseconds{*ms};
  }
  if (auto flag = object.find("should_retry"); flag != object.end()) {
    if (!flag->is_boolean())
      problem = "should_retry must be a boolean";
    else
      fault.should_retry = flag->get<bool>();
  }
  if (!problem.empty()) return problem;
  return Behaviour::fault(fault);
}

Parsed parse_answer(const json& object) {
  Answer answer;
  if (auto decision = object.find("answer"); decision != object.end()) answer.decision = *decision;
  std::string problem;
  if (auto usage = object.find("usage"); usage != object.end()) {
    if (!usage->is_object()) return "usage must be an object";
    if (auto n = integer(*usage, "input_tokens", 0, 10'000'000, problem))
      answer.usage.input_tokens = *n;
    if (auto n = integer(*usage, "output_tokens", 0, 10'000'000, problem)) {
      answer.usage.output_tokens = *n;
    }
  }
  answer.model = wire::string_field(object, "model");
  answer.thought = wire::string_field(object, "thought");
  if (!problem.empty()) return problem;
  return Behaviour::answer(std::move(answer));
}

json config_to_json(const ProviderConfig& config) {
  return {{"api_key_set", !config.api_key.empty()},
          {"key_required", config.key_required},
          {"stop_finish_reason", config.stop_finish_reason},
          {"require_temperature", config.require_temperature},
          {"validate_requests", config.validate_requests},
          {"reject_unknown_fields", config.reject_unknown_fields},
          {"response_delay_ms", config.response_delay.count()},
          {"default", to_json(config.default_behaviour)}};
}

std::optional<std::string> patch_config(ProviderConfig& config, const json& body) {
  for (const auto& [key, value] : body.items()) {
    if (key == "provider") continue;
    bool is_flag = key == "key_required" || key == "require_temperature" ||
                   key == "validate_requests" || key == "reject_unknown_fields";
    if (is_flag) {
      if (!value.is_boolean()) return key + " must be a boolean";
      bool flag = value.get<bool>();
      if (key == "key_required") config.key_required = flag;
      if (key == "require_temperature") config.require_temperature = flag;
      if (key == "validate_requests") config.validate_requests = flag;
      if (key == "reject_unknown_fields") config.reject_unknown_fields = flag;
    } else if (key == "api_key" || key == "stop_finish_reason") {
      if (!value.is_string()) return key + " must be a string";
      (key == "api_key" ? config.api_key : config.stop_finish_reason) = value.get<std::string>();
    } else if (key == "response_delay_ms") {
      std::string problem;
      auto ms = integer(body, "response_delay_ms", 0, kMaxMs, problem);
      if (!ms) return problem;
      config.response_delay = std::chrono::milliseconds{*ms};
    } else {
      return "unknown config field \"" + key + "\"";
    }
  }
  return std::nullopt;
}

Reply post_script(State& state, const json& body) {
  std::string problem;
  auto provider = provider_of(body, problem);
  if (!provider) return error(400, problem);
  auto list = body.find("behaviours");
  if (list == body.end() || !list->is_array()) return error(400, "\"behaviours\" must be a list");
  std::vector<std::pair<Behaviour, std::size_t>> parsed;
  for (const auto& item : *list) {
    auto behaviour = behaviour_from_json(item);
    if (auto* why = std::get_if<std::string>(&behaviour)) return error(400, *why);
    auto times = item.is_object() ? integer(item, "times", 1, kMaxTimes, problem) : std::nullopt;
    if (!problem.empty()) return error(400, problem);
    parsed.emplace_back(std::get<Behaviour>(std::move(behaviour)), times.value_or(1));
  }
  std::size_t queued = 0;
  for (auto& [behaviour, times] : parsed) {
    state.enqueue(*provider, std::move(behaviour), times);
    queued += times;
  }
  return ok({{"queued", queued}, {"scripted", state.scripted(*provider)}});
}

Reply post_default(State& state, const json& body) {
  std::string problem;
  auto provider = provider_of(body, problem);
  if (!provider) return error(400, problem);
  auto behaviour = behaviour_from_json(body.value("behaviour", json::object()));
  if (auto* why = std::get_if<std::string>(&behaviour)) return error(400, *why);
  state.set_default(*provider, std::get<Behaviour>(std::move(behaviour)));
  return ok({{"ok", true}});
}

Reply post_config(State& state, const json& body) {
  std::string problem;
  auto provider = provider_of(body, problem);
  if (!provider) return error(400, problem);
  auto config = state.config(*provider);
  if (auto why = patch_config(config, body)) return error(400, *why);
  state.configure(*provider, std::move(config));
  return ok({{"ok", true}});
}

Reply get_config(const State& state) {
  json all = json::object();
  for (auto p : kProviders) all[std::string{to_string(p)}] = config_to_json(state.config(p));
  return ok(all);
}

Reply get_requests(const State& state, const Incoming& request) {
  auto filter = wire::query_param(request.query, "provider");
  std::optional<Provider> provider;
  if (filter) {
    provider = parse_provider(*filter);
    if (!provider) return error(400, "unknown provider \"" + *filter + "\"");
  }
  json list = json::array();
  for (const auto& record : state.requests()) {
    if (!provider || record.provider == provider) list.push_back(to_json(record));
  }
  return ok({{"requests", std::move(list)}});
}

Reply get_stats(const State& state) {
  json requests = json::object();
  json scripted = json::object();
  for (auto p : kProviders) {
    requests[std::string{to_string(p)}] = state.request_count(p);
    scripted[std::string{to_string(p)}] = state.scripted(p);
  }
  json faults = json::object();
  for (std::size_t i = 0; i < kFaultKindCount; ++i) {
    auto kind = static_cast<FaultKind>(i);
    faults[std::string{to_string(kind)}] = state.fault_count(kind);
  }
  return ok({{"requests", std::move(requests)},
             {"faults", std::move(faults)},
             {"faults_total", state.faults_total()},
             {"scripted", std::move(scripted)}});
}

}  // namespace

std::optional<Reply> handle_control(State& state, const Incoming& request) {
  if (request.path.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  const auto name = request.path.substr(kPrefix.size());
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (get && name == "config") return get_config(state);
  if (get && name == "requests") return get_requests(state, request);
  if (get && name == "stats") return get_stats(state);
  if (post && name == "clear") {
    state.clear_scripts();
    return ok({{"ok", true}});
  }
  if (post && name == "reset") {
    state.reset();
    return ok({{"ok", true}});
  }
  if (post && (name == "script" || name == "default" || name == "config")) {
    auto body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) return error(400, "the body must be a JSON object");
    if (name == "script") return post_script(state, body);
    if (name == "default") return post_default(state, body);
    return post_config(state, body);
  }
  bool known = name == "config" || name == "requests" || name == "stats" || name == "clear" ||
               name == "reset" || name == "script" || name == "default";
  return known ? error(405, request.method + " is not allowed on " + request.path)
               : error(404, "no control endpoint " + request.path);
}

std::variant<Behaviour, std::string> behaviour_from_json(const json& object) {
  if (!object.is_object()) return std::string{"a behaviour must be a JSON object"};
  if (object.contains("answer") && object.contains("fault")) {
    return std::string{"a behaviour has an \"answer\" or a \"fault\", not both"};
  }
  auto parsed = object.contains("fault") ? parse_fault(object) : parse_answer(object);
  auto* behaviour = std::get_if<Behaviour>(&parsed);
  if (!behaviour) return parsed;
  std::string problem;
  if (auto ms = integer(object, "delay_ms", 0, kMaxMs, problem)) {
    behaviour->delay = std::chrono::milliseconds{*ms};
  }
  if (auto trickle = object.find("trickle"); trickle != object.end()) {
    if (!trickle->is_object()) return std::string{"trickle must be an object"};
    Trickle t;
    if (auto n = integer(*trickle, "chunk_bytes", 1, 1 << 20, problem)) t.chunk_bytes = *n;
    if (auto ms = integer(*trickle, "interval_ms", 0, 60'000, problem)) {
      t.interval = std::chrono::milliseconds{*ms};
    }
    behaviour->trickle = t;
  }
  if (!problem.empty()) return problem;
  return parsed;
}

json to_json(const Behaviour& behaviour) {
  json out = json::object();
  if (const auto* answer = behaviour.as_answer()) {
    out["answer"] = answer->decision;
    out["usage"] = {{"input_tokens", answer->usage.input_tokens},
                    {"output_tokens", answer->usage.output_tokens}};
    if (!answer->model.empty()) out["model"] = answer->model;
    if (!answer->thought.empty()) out["thought"] = answer->thought;
  } else {
    const auto& fault = *behaviour.as_fault();
    out["fault"] = to_string(fault.kind);
    if (fault.status) out["status"] = fault.status;
    if (fault.retry_after.count()) out["retry_after_ms"] = fault.retry_after.count();
    if (fault.should_retry) out["should_retry"] = *fault.should_retry;
  }
  if (behaviour.delay.count()) out["delay_ms"] = behaviour.delay.count();
  if (behaviour.trickle) {
    out["trickle"] = {{"chunk_bytes", behaviour.trickle->chunk_bytes},
                      {"interval_ms", behaviour.trickle->interval.count()}};
  }
  return out;
}

json to_json(const RecordedRequest& request) {
  json out{{"sequence", request.sequence},
           {"provider", request.provider ? json(to_string(*request.provider)) : json(nullptr)},
           {"method", request.method},
           {"path", request.path},
           {"query", request.query},
           {"headers", request.headers},
           {"body", request.body},
           {"model", request.model},
           {"tls", request.tls},
           {"auth", to_string(request.auth)},
           {"outcome", request.outcome},
           {"status", request.status}};
  auto body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_discarded()) out["body_json"] = std::move(body);
  return out;
}

}  // namespace autotrader::fakes::llm
