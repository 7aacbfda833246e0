#pragma once
// The routing policy of the AI-provider pool: which provider a decision asks next, what each
// outcome does to that provider's circuit breaker and figures, when a hedged second request is
// allowed, and the status the API serves. The pool actor owns one Router and only translates
// messages into these calls (it makes the HTTP calls, the Router decides and keeps the books).
//
// Order. Providers are asked in the configured order (the default configuration lists gemini,
// openai, anthropic, together, local), then the technical-analysis provider, which is always
// available and always last. With enable_backup_apis = false only the first configured provider
// (the primary) and the technical provider are in the rotation; the others are listed as DISABLED
// (reason "backup_apis_disabled"). A cloud provider (any kind but local) without an API key is
// never called: DISABLED, reason "no_api_key". Empty, duplicate and reserved ("technical") names
// are left out and listed by rejected().
//
// One decision, step by step (reference llm-providers.md §12 item 3: each provider at most once
// per decision, so fallback can never loop):
//   tried = {}
//   loop: c = next_candidate(tried)          // skips open breakers: they cost no call
//         if c.technical(): technical_decision(...), record_success("technical", ...), done
//         call c; record_success / record_failure(c.name, ...)   // always, cancelled included
//         on success: done; else tried.push_back(c.name), and record_fallback(c.name, next.name)
//         when the next candidate is asked
// next_candidate may admit a half-open breaker's single probe (Candidate::probe): its outcome
// must be reported, or the provider stays out until the breaker's probe_timeout.
//
// Hedging (off by default; reference §11, The Tail at Scale): when the first call of a decision
// has been outstanding for hedge_delay(name) (its p95 latency, unknown until enough samples) and
// may_hedge() says the budget allows, the actor asks next_candidate(tried + first) for a second
// provider, calls record_hedge(), takes whichever answers first and reports the loser as
// cancelled. may_hedge() keeps hedged decisions at or below max_fraction of the last
// decision_window decisions. Hedging doubles the cost of the hedged fraction: LLM calls are
// billed per token.
//
// Metrics (the actor owns prometheus; the Router reports through RouterObserver):
//   autotrader_llm_requests_total{provider,outcome}   +1 per on_request; outcome is "success" or
//                                                      the FailureKind name (timeout, auth, ...,
//                                                      cancelled): request_outcomes() lists them
//   autotrader_llm_request_duration_seconds{provider} observe RequestEvent::latency
//   autotrader_llm_tokens_total{provider,kind}        + usage.input_tokens (kind="input") and
//                                                      usage.output_tokens (kind="output")
//   autotrader_llm_breaker_state{provider}            on_breaker_state: 0 ACTIVE, 1 OPEN,
//                                                      2 HALF_OPEN, 3 DISABLED (the enum value)
//   autotrader_llm_fallbacks_total{from,to}           +1 per on_fallback
// The alerting metric (say autotrader_llm_provider_disabled{provider,reason}) follows
// on_breaker_state with needs_operator(reason). Initial values come from names() and state().
// The OPEN → HALF_OPEN move happens when next_candidate admits the probe, so the gauge shows
// OPEN until then.
//
// Time comes from the injected clock: steady time for breakers, wall time for "last used".
// Plain class, not thread-safe: owned by the pool actor.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "llm/breaker.hpp"
#include "llm/codec.hpp"
#include "llm/latency.hpp"
#include "llm/types.hpp"

namespace autotrader::llm {

struct HedgeOptions {
  bool enabled = false;
  double max_fraction = 0.05;  // hedged decisions / decisions, over the window
  std::size_t decision_window = 100;
};

struct RouterOptions {
  bool enable_backup_apis = true;
  BreakerOptions breaker;
  FiguresOptions figures;
  HedgeOptions hedge;
};

struct Candidate {
  std::string name;
  const ProviderSettings* settings = nullptr;  // owned by the Router; null for "technical"
  bool probe = false;  // the half-open breaker's one probe: its outcome must be reported
  bool technical() const { return settings == nullptr; }
};

struct RequestEvent {
  std::string_view provider;
  std::string_view outcome;  // "success" or to_string(FailureKind)
  std::chrono::milliseconds latency{0};
  Usage usage;  // zero for failures
};

class RouterObserver {
 public:
  virtual ~RouterObserver() = default;
  virtual void on_request(const RequestEvent& /*event*/) {}
  // Every change of a provider's status, with why it is not ACTIVE (none when it is).
  virtual void on_breaker_state(std::string_view /*provider*/, BreakerState /*state*/,
                                OpenReason /*reason*/) {}
  virtual void on_fallback(std::string_view /*from*/, std::string_view /*to*/) {}
};

// Every outcome label of autotrader_llm_requests_total, for pre-registration.
std::vector<std::string_view> request_outcomes();

// Formats a wall time as ISO-8601 UTC with milliseconds: 2023-11-14T22:13:20.000Z.
std::string iso8601_utc(std::chrono::system_clock::time_point time);

class Router {
 public:
  Router(std::vector<ProviderSettings> providers, RouterOptions options,
         std::shared_ptr<const core::Clock> clock);

  // Not owned; must outlive the Router or be reset to null. Null: no reports.
  void set_observer(RouterObserver* observer) { observer_ = observer; }

  // The first provider in order that is in the rotation, not in already_tried, and whose breaker
  // allows a call now; else the technical provider. A call with already_tried empty starts a
  // decision (it counts towards the hedging budget).
  Candidate next_candidate(const std::vector<std::string>& already_tried);

  // Outcomes of calls to a provider (the technical provider included). False for an unknown name.
  bool record_success(std::string_view name, std::chrono::milliseconds latency, const Usage& usage);
  bool record_failure(std::string_view name, const Failure& failure,
                      std::chrono::milliseconds latency);
  // A decision moved on from `from` to `to`.
  void record_fallback(std::string_view from, std::string_view to);
  std::uint64_t fallbacks(std::string_view from, std::string_view to) const;

  // The wait before hedging a call to `name`: its p95 latency. Nullopt when hedging is off, the
  // name is unknown or there are too few samples yet.
  std::optional<std::chrono::milliseconds> hedge_delay(std::string_view name) const;
  // Whether one more hedged decision stays within max_fraction of the decision window.
  bool may_hedge() const;
  // The current decision was hedged (counted once per decision).
  void record_hedge();
  std::uint64_t hedges_total() const { return hedges_total_; }
  std::uint64_t decisions_total() const { return decisions_total_; }

  // Every provider in the configured order (those out of the rotation too), technical last.
  std::vector<std::string> names() const;
  // Why configured providers were left out ("duplicate provider name: x", ...).
  const std::vector<std::string>& rejected() const { return rejected_; }
  BreakerState state(std::string_view name) const;  // DISABLED for an unknown name
  OpenReason open_reason(std::string_view name) const;
  const CircuitBreaker* breaker(std::string_view name) const;   // null for technical / unknown
  const ProviderFigures* figures(std::string_view name) const;  // null for unknown
  bool backups_enabled() const { return options_.enable_backup_apis; }

  // GET /api/backup-services-status: {enabled, services: [{name, status, success_rate, last_used,
  // error_count, ...}], total_services, active_services}. Times are ISO-8601 UTC or null.
  nlohmann::json status_json() const;

 private:
  struct Entry {
    ProviderSettings settings;
    bool technical = false;
    std::string excluded;  // non-empty: out of the rotation, and why
    CircuitBreaker breaker;
    ProviderFigures figures;
    BreakerState reported = BreakerState::active;  // last state told to the observer
  };

  Entry* find(std::string_view name);
  const Entry* find(std::string_view name) const;
  BreakerState status_of(const Entry& entry) const;
  void report_state(Entry& entry);
  void begin_decision();
  nlohmann::json service_json(const Entry& entry, std::size_t priority) const;

  RouterOptions options_;
  std::shared_ptr<const core::Clock> clock_;
  RouterObserver* observer_ = nullptr;
  std::vector<Entry> entries_;  // configured order, technical last
  std::vector<std::string> rejected_;
  std::map<std::pair<std::string, std::string>, std::uint64_t, std::less<>> fallbacks_;

  // Ring over the last decision_window decisions: was each one hedged?
  std::vector<bool> hedged_;
  std::size_t hedged_next_ = 0;
  std::size_t hedged_count_ = 0;
  std::size_t hedged_in_window_ = 0;
  std::uint64_t hedges_total_ = 0;
  std::uint64_t decisions_total_ = 0;
};

}  // namespace autotrader::llm
