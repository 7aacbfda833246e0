#include "actors/llm/llm_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace autotrader::llm_actors {
namespace {

// LLM calls take from a few hundred milliseconds to the 20 s timeout, two turns included.
const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{0.05, 0.1, 0.25, 0.5, 1,  2,
                                                               3,    5,   8,    13,  21, 34};
  return buckets;
}

constexpr llm::OpenReason kOperatorReasons[] = {llm::OpenReason::auth, llm::OpenReason::quota,
                                                llm::OpenReason::bad_request};

}  // namespace

LlmMetrics::LlmMetrics(prometheus::Registry& registry)
    : requests_{prometheus::BuildCounter()
                    .Name("autotrader_llm_requests_total")
                    .Help("Calls to AI providers by outcome: success or the failure kind")
                    .Register(registry)},
      duration_{prometheus::BuildHistogram()
                    .Name("autotrader_llm_request_duration_seconds")
                    .Help("Latency of AI-provider calls (both turns of the analysis)")
                    .Register(registry)},
      tokens_{prometheus::BuildCounter()
                  .Name("autotrader_llm_tokens_total")
                  .Help("Tokens used by AI-provider calls, by kind (input, output)")
                  .Register(registry)},
      breaker_state_{prometheus::BuildGauge()
                         .Name("autotrader_llm_breaker_state")
                         .Help("Circuit breaker of each AI provider: 0 ACTIVE, 1 OPEN, "
                               "2 HALF_OPEN, 3 DISABLED")
                         .Register(registry)},
      fallbacks_{prometheus::BuildCounter()
                     .Name("autotrader_llm_fallbacks_total")
                     .Help("Analyses that moved on from one provider to the next")
                     .Register(registry)},
      needs_operator_{prometheus::BuildGauge()
                          .Name("autotrader_llm_provider_needs_operator")
                          .Help("1 while a provider is out for a reason that time does not "
                                "cure: auth (bad key), quota (billing), bad_request")
                          .Register(registry)},
      analyses_{prometheus::BuildCounter()
                    .Name("autotrader_llm_analyses_total")
                    .Help("Analyses answered, by who answered: provider (an LLM), technical, "
                          "deadline (the analysis deadline passed first)")
                    .Register(registry)},
      hedges_{prometheus::BuildCounter()
                  .Name("autotrader_llm_hedges_total")
                  .Help("Analyses that also asked a second provider because the first was slow")
                  .Register(registry)
                  .Add({})} {
  for (const char* result : {"provider", "technical", "deadline"}) {
    analyses_.Add({{"result", result}});
  }
}

void LlmMetrics::preregister(const llm::Router& router) {
  const auto names = router.names();  // priority order, technical last
  // A decision moves down the list (each provider at most once): these pairs export 0 from the
  // start. An upward pair (a provider's cooldown ending in the middle of a decision) appears when
  // it first happens.
  for (std::size_t from = 0; from < names.size(); ++from) {
    for (std::size_t to = from + 1; to < names.size(); ++to) {
      fallbacks_.Add({{"from", names[from]}, {"to", names[to]}});
    }
  }
  for (const auto& name : names) {
    for (auto outcome : llm::request_outcomes()) {
      requests_.Add({{"provider", name}, {"outcome", std::string{outcome}}});
    }
    duration_.Add({{"provider", name}}, latency_buckets());
    tokens_.Add({{"provider", name}, {"kind", "input"}});
    tokens_.Add({{"provider", name}, {"kind", "output"}});
    on_breaker_state(name, router.state(name), router.open_reason(name));
  }
}

void LlmMetrics::on_request(const llm::RequestEvent& event) {
  const std::string provider{event.provider};
  requests_.Add({{"provider", provider}, {"outcome", std::string{event.outcome}}}).Increment();
  duration_.Add({{"provider", provider}}, latency_buckets())
      .Observe(std::chrono::duration<double>(event.latency).count());
  if (event.usage.input_tokens > 0) {
    tokens_.Add({{"provider", provider}, {"kind", "input"}})
        .Increment(static_cast<double>(event.usage.input_tokens));
  }
  if (event.usage.output_tokens > 0) {
    tokens_.Add({{"provider", provider}, {"kind", "output"}})
        .Increment(static_cast<double>(event.usage.output_tokens));
  }
}

void LlmMetrics::on_breaker_state(std::string_view provider, llm::BreakerState state,
                                  llm::OpenReason reason) {
  const std::string name{provider};
  breaker_state_.Add({{"provider", name}}).Set(static_cast<double>(state));
  for (auto candidate : kOperatorReasons) {
    const bool on = state != llm::BreakerState::active && reason == candidate;
    needs_operator_.Add({{"provider", name}, {"reason", std::string{llm::to_string(candidate)}}})
        .Set(on ? 1 : 0);
  }
}

void LlmMetrics::on_fallback(std::string_view from, std::string_view to) {
  fallbacks_.Add({{"from", std::string{from}}, {"to", std::string{to}}}).Increment();
}

void LlmMetrics::count_analysis(std::string_view result) {
  analyses_.Add({{"result", std::string{result}}}).Increment();
}

void LlmMetrics::count_hedge() {
  hedges_.Increment();
}

}  // namespace autotrader::llm_actors
