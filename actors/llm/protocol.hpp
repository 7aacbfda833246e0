#pragma once
// The messages of the AI-provider pool (pool_actor.hpp) and its provider children
// (provider_actor.hpp). Process-local types, hence the unsafe-message declarations at the end.
//
//   client -> pool:      (llm_analyze_atom, DecisionInput) -> PoolReply
//                        The reply always comes: a provider's refined decision, or the
//                        technical-analysis provider's when every provider failed or the
//                        analysis deadline passed. Ask with a timeout above the deadline.
//   pool -> provider:    (llm_call_atom, ProviderCall)       the provider answers the pool with
//   provider -> pool:    (llm_done_atom, ProviderOutcome)    exactly one outcome per call, unless
//   pool -> provider:    (llm_cancel_atom, std::uint64_t id) the call was cancelled first (the
//                        cancelled call's HTTP request is aborted and its socket closed).
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "llm/types.hpp"

namespace autotrader::llm_actors {

using llm_analyze_atom = caf::atom_constant<caf::atom("llm_anlz")>;
using llm_call_atom = caf::atom_constant<caf::atom("llm_call")>;
using llm_done_atom = caf::atom_constant<caf::atom("llm_done")>;
using llm_cancel_atom = caf::atom_constant<caf::atom("llm_cancel")>;

struct ProviderCall {
  std::uint64_t id = 0;  // unique per pool instance
  llm::DecisionInput input;
};

struct ProviderOutcome {
  std::uint64_t id = 0;
  std::string provider;
  std::variant<llm::Decision, llm::Failure> result;
  std::chrono::milliseconds latency{0};  // the whole call, both turns
  llm::Usage usage;                      // both turns
};

// One provider the pool asked while deciding, in order, with how it went.
struct Attempt {
  std::string provider;
  // "success", a FailureKind name ("cancelled": a hedge that lost), or "not_running" (the
  // provider's child is restarting: skipped)
  std::string outcome;
  std::chrono::milliseconds latency{0};
  std::string message;  // the failure, short; empty on success
  bool hedge = false;   // started as a hedge of the call before it
};

struct PoolReply {
  llm::Decision decision;
  std::vector<Attempt> attempts;  // technical included when it answered
  bool deadline_passed = false;
  std::chrono::milliseconds elapsed{0};
};

}  // namespace autotrader::llm_actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::llm::DecisionInput)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::llm_actors::ProviderCall)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::llm_actors::ProviderOutcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::llm_actors::PoolReply)
