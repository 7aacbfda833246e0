#include "actors/binance_feed/binance_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace autotrader::binance_feed {
namespace {

constexpr std::array<Endpoint, 3> kEndpoints{Endpoint::time, Endpoint::exchange_info,
                                             Endpoint::klines};
constexpr std::array<RestFailure, 7> kFailures{RestFailure::transport,    RestFailure::rate_limited,
                                               RestFailure::banned,       RestFailure::client_error,
                                               RestFailure::server_error, RestFailure::api_error,
                                               RestFailure::malformed};

}  // namespace

const char* to_string(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::time:
      return "time";
    case Endpoint::exchange_info:
      return "exchange_info";
    case Endpoint::klines:
      return "klines";
  }
  return "unknown";
}

const char* to_string(RestFailure failure) {
  switch (failure) {
    case RestFailure::transport:
      return "transport";
    case RestFailure::rate_limited:
      return "rate_limited";
    case RestFailure::banned:
      return "banned";
    case RestFailure::client_error:
      return "client_error";
    case RestFailure::server_error:
      return "server_error";
    case RestFailure::api_error:
      return "api_error";
    case RestFailure::malformed:
      return "malformed";
  }
  return "unknown";
}

BinanceMetrics::BinanceMetrics(prometheus::Registry& registry, std::string venue) {
  const prometheus::Labels labels{{"venue", venue}};
  state_ = &prometheus::BuildGauge()
                .Name("autotrader_binance_rate_limit_state")
                .Help(
                    "REST rate-limit state: 0 open, 1 own budget exhausted, 2 rate limited "
                    "(429), 3 IP banned (418)")
                .Register(registry)
                .Add(labels);
  used_weight_ = &prometheus::BuildGauge()
                      .Name("autotrader_binance_used_weight")
                      .Help(
                          "REST request weight used in the current minute (ours or, when "
                          "higher, as Binance reports it)")
                      .Register(registry)
                      .Add(labels);
  malformed_ = &prometheus::BuildCounter()
                    .Name("autotrader_binance_malformed_frames_total")
                    .Help("WebSocket frames dropped because they did not decode")
                    .Register(registry)
                    .Add(labels);
  auto& failures = prometheus::BuildCounter()
                       .Name("autotrader_binance_rest_failures_total")
                       .Help("REST requests that brought no usable answer, by endpoint and reason")
                       .Register(registry);
  for (auto endpoint : kEndpoints) {
    for (auto failure : kFailures) {
      failures_[{endpoint, failure}] = &failures.Add(
          {{"venue", venue}, {"endpoint", to_string(endpoint)}, {"reason", to_string(failure)}});
    }
  }
}

void BinanceMetrics::set_rate_limit(binance::RateLimitState state, std::int64_t used_weight) {
  state_->Set(static_cast<double>(static_cast<int>(state)));
  used_weight_->Set(static_cast<double>(used_weight));
}

void BinanceMetrics::rest_failure(Endpoint endpoint, RestFailure failure) {
  failures_.at({endpoint, failure})->Increment();
}

void BinanceMetrics::malformed_frame() {
  malformed_->Increment();
}

double BinanceMetrics::rate_limit_state() const {
  return state_->Value();
}
double BinanceMetrics::used_weight() const {
  return used_weight_->Value();
}
double BinanceMetrics::rest_failures(Endpoint endpoint, RestFailure failure) const {
  return failures_.at({endpoint, failure})->Value();
}
double BinanceMetrics::malformed_frames() const {
  return malformed_->Value();
}

}  // namespace autotrader::binance_feed
