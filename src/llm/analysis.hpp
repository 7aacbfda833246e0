#pragma once
// The multi-turn analysis with one provider, as a pure state machine: phase 1 asks for an
// initial decision, phase 2 challenges it (prompts.hpp) and asks for the refined decision, which
// is the result. The caller moves the bytes: it sends first_request(), hands every HTTP result
// (with the latency it measured) to on_result(), and sends the next request it gets back until
// a Decision or a Failure comes out.
//
// Every answer is validated (validate.hpp). A failure in either phase, of any class (transport,
// HTTP error, safety block, truncation, unparseable or invalid answer), ends the analysis with
// that Failure, its message prefixed by the phase ("refinement: HTTP 529 ..."); it never turns
// into a HOLD. The final Decision carries the provider's configured name, the model (the version
// the provider reported, else the configured model) and the transcript of both turns.
//
// No I/O and no clock. Not thread-safe: one owner (the pool actor) drives it.
#include <chrono>
#include <variant>
#include <vector>

#include "llm/codec.hpp"
#include "llm/types.hpp"
#include "net/https_client.hpp"

namespace autotrader::llm {

class Analysis {
 public:
  // The next request to send, the final decision, or why the analysis failed.
  using Step = std::variant<net::ClientRequest, Decision, Failure>;

  Analysis(ProviderSettings provider, DecisionInput input);

  // The phase-1 request; the same bytes every call.
  net::ClientRequest first_request() const;
  // The outcome of the request sent last. Calling it after a Decision or Failure was returned is
  // a programmer error (asserted; a bad_request Failure in release builds).
  Step on_result(const net::HttpResult& result, std::chrono::milliseconds latency);

  bool finished() const { return phase_ == Phase::done; }
  // "initial", "refinement" or "done".
  const char* phase_name() const;
  const ProviderSettings& provider() const { return provider_; }
  // The conversation as sent last (system prompt, user and assistant turns).
  const Conversation& conversation() const { return conversation_; }
  // The turns completed so far (kept after a failure, for the log and the audit trail).
  const std::vector<TranscriptTurn>& transcript() const { return transcript_; }

 private:
  enum class Phase { initial, refinement, done };

  Step fail(Failure failure);

  ProviderSettings provider_;
  DecisionInput input_;
  Conversation conversation_;
  std::vector<TranscriptTurn> transcript_;
  Phase phase_ = Phase::initial;
};

}  // namespace autotrader::llm
