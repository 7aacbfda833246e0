#include "llm/analysis.hpp"

#include <cassert>
#include <utility>

#include "llm/prompts.hpp"
#include "llm/validate.hpp"

namespace autotrader::llm {

Analysis::Analysis(ProviderSettings provider, DecisionInput input)
    : provider_{std::move(provider)}, input_{std::move(input)} {
  conversation_.system = system_prompt();
  conversation_.messages.push_back({Role::user, initial_prompt(input_)});
}

net::ClientRequest Analysis::first_request() const {
  // Built from the phase-1 conversation even when called later, so that it never resends turns.
  Conversation initial{conversation_.system, {conversation_.messages.front()}};
  return build_request(provider_, initial);
}

const char* Analysis::phase_name() const {
  switch (phase_) {
    case Phase::initial:
      return kInitialPhase;
    case Phase::refinement:
      return kRefinementPhase;
    case Phase::done:
      return "done";
  }
  return "done";
}

Analysis::Step Analysis::fail(Failure failure) {
  failure.message = std::string{phase_name()} + ": " + failure.message;
  phase_ = Phase::done;
  return failure;
}

Analysis::Step Analysis::on_result(const net::HttpResult& result,
                                   std::chrono::milliseconds latency) {
  assert(phase_ != Phase::done && "on_result after the analysis finished");
  if (phase_ == Phase::done) {
    Failure failure;
    failure.kind = FailureKind::bad_request;
    failure.message = "the analysis has already finished";
    return failure;
  }
  if (const auto* error = std::get_if<net::ClientError>(&result)) {
    return fail(classify_transport_error(*error));
  }
  ReplyResult parsed = parse_response(provider_, std::get<net::ClientResponse>(result));
  if (auto* failure = std::get_if<Failure>(&parsed)) return fail(std::move(*failure));
  ModelReply& reply = std::get<ModelReply>(parsed);
  auto validated = validate_decision(reply.decision);
  if (auto* failure = std::get_if<Failure>(&validated)) {
    failure->http_status = std::get<net::ClientResponse>(result).status;
    return fail(std::move(*failure));
  }
  Decision& decision = std::get<Decision>(validated);

  transcript_.push_back(TranscriptTurn{phase_name(), conversation_.messages.back().text, reply.text,
                                       reply.usage, latency});
  if (phase_ == Phase::initial) {
    conversation_.messages.push_back({Role::assistant, reply.text});
    conversation_.messages.push_back({Role::user, refinement_prompt(input_, decision)});
    phase_ = Phase::refinement;
    return build_request(provider_, conversation_);
  }
  decision.provider = provider_.name;
  decision.model = reply.model.empty() ? provider_.model : reply.model;
  decision.transcript = transcript_;
  phase_ = Phase::done;
  return std::move(decision);
}

}  // namespace autotrader::llm
