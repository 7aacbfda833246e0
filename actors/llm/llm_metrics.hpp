#pragma once
// The AI-provider pool's Prometheus metrics, fed by the Router's observer interface
// (llm/router.hpp says when each call happens):
//   autotrader_llm_requests_total{provider,outcome}      calls by outcome: success or the
//                                                         failure kind (timeout, auth, ...)
//   autotrader_llm_request_duration_seconds{provider}    histogram of call latency (both turns)
//   autotrader_llm_tokens_total{provider,kind}           kind = input | output
//   autotrader_llm_breaker_state{provider}               0 ACTIVE, 1 OPEN, 2 HALF_OPEN, 3 DISABLED
//   autotrader_llm_fallbacks_total{from,to}              a decision moved on from one provider
//   autotrader_llm_provider_needs_operator{provider,reason}  1 while the breaker is open for a
//                                                         reason time does not cure (auth, quota,
//                                                         bad_request): the alerting metric
//   autotrader_llm_analyses_total{result}                analyses answered: provider (an LLM),
//                                                         technical (every LLM failed or none is
//                                                         configured), deadline (the deadline
//                                                         passed first)
//   autotrader_llm_hedges_total                          analyses that sent a hedged request
// Thread-safe (prometheus-cpp is); the observer calls arrive under the pool's lock.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llm/router.hpp"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace autotrader::llm_actors {

class LlmMetrics final : public llm::RouterObserver {
 public:
  explicit LlmMetrics(prometheus::Registry& registry);

  // Creates every series of these providers at 0 (and their current breaker state), so that
  // dashboards and rate() see them before the first call.
  void preregister(const llm::Router& router);

  void on_request(const llm::RequestEvent& event) override;
  void on_breaker_state(std::string_view provider, llm::BreakerState state,
                        llm::OpenReason reason) override;
  void on_fallback(std::string_view from, std::string_view to) override;

  void count_analysis(std::string_view result);  // "provider", "technical", "deadline"
  void count_hedge();

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& tokens_;
  prometheus::Family<prometheus::Gauge>& breaker_state_;
  prometheus::Family<prometheus::Counter>& fallbacks_;
  prometheus::Family<prometheus::Gauge>& needs_operator_;
  prometheus::Family<prometheus::Counter>& analyses_;
  prometheus::Counter& hedges_;
};

}  // namespace autotrader::llm_actors
