#include "tests/fakes/llm/behaviour.hpp"

#include <utility>

namespace autotrader::fakes::llm {
namespace {

constexpr std::array<std::string_view, kProviderCount> kProviderNames{
    "gemini", "openai", "anthropic", "together", "local"};

constexpr std::array<std::string_view, kFaultKindCount> kFaultNames{
    "server_error", "overloaded",     "rate_limited", "quota_exhausted", "unauthorized",
    "bad_request",  "timeout",        "reset",        "malformed_body",  "schema_violation",
    "empty_answer", "blocked_prompt", "safety_block", "truncated",       "prose",
    "delay",        "trickle"};

}  // namespace

std::string_view to_string(Provider provider) {
  return kProviderNames[static_cast<std::size_t>(provider)];
}

std::optional<Provider> parse_provider(std::string_view text) {
  for (auto provider : kProviders) {
    if (to_string(provider) == text) return provider;
  }
  return std::nullopt;
}

bool is_openai_shaped(Provider provider) {
  return provider == Provider::openai || provider == Provider::together ||
         provider == Provider::local;
}

std::string_view to_string(FaultKind kind) {
  return kFaultNames[static_cast<std::size_t>(kind)];
}

std::optional<FaultKind> parse_fault_kind(std::string_view text) {
  for (std::size_t i = 0; i < kFaultKindCount; ++i) {
    if (kFaultNames[i] == text) return static_cast<FaultKind>(i);
  }
  return std::nullopt;
}

nlohmann::json default_decision() {
  return {{"action", "HOLD"},
          {"confidence", 0.5},
          {"reasoning", "fake LLM server default answer"},
          {"factors", {"fake"}},
          {"position_size", 0.0},
          {"stop_loss_pct", 2.0},
          {"take_profit_pct", 4.0}};
}

Behaviour Behaviour::answer(nlohmann::json decision, Usage usage) {
  Answer a;
  a.decision = std::move(decision);
  a.usage = usage;
  return answer(std::move(a));
}

Behaviour Behaviour::answer(Answer answer) {
  Behaviour b;
  b.what = std::move(answer);
  return b;
}

Behaviour Behaviour::fault(Fault fault) {
  Behaviour b;
  b.what = fault;
  return b;
}

Behaviour Behaviour::after(std::chrono::milliseconds wait) const {
  Behaviour b = *this;
  b.delay = wait;
  return b;
}

Behaviour Behaviour::trickled(std::size_t chunk_bytes, std::chrono::milliseconds interval) const {
  Behaviour b = *this;
  b.trickle = Trickle{chunk_bytes == 0 ? 1 : chunk_bytes, interval};
  return b;
}

ProviderConfig default_config(Provider provider) {
  ProviderConfig config;
  if (provider == Provider::together) config.stop_finish_reason = "eos";
  if (provider == Provider::local) {
    config.key_required = false;
    config.require_temperature = true;
  }
  return config;
}

}  // namespace autotrader::fakes::llm
