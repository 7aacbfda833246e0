#include "net/http_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "net/router.hpp"

namespace autotrader::net {
namespace {

// Operator requests take microseconds to a few seconds when an actor is slow; 10 s is the
// default request timeout.
const prometheus::Histogram::BucketBoundaries kDurationBuckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

}  // namespace

const char* to_string(RejectReason reason) {
  switch (reason) {
    case RejectReason::bad_request:
      return "bad_request";
    case RejectReason::header_too_large:
      return "header_too_large";
    case RejectReason::body_too_large:
      return "body_too_large";
    case RejectReason::timeout:
      return "timeout";
    case RejectReason::too_many_connections:
      return "too_many_connections";
    case RejectReason::handler_error:
      return "handler_error";
    case RejectReason::internal_error:
      return "internal_error";
  }
  return "unknown";
}

HttpMetrics::HttpMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_{std::move(registry)},
      requests_{prometheus::BuildCounter()
                    .Name("autotrader_http_requests_total")
                    .Help("HTTP responses sent by the operator endpoint, by route and status")
                    .Register(*registry_)},
      durations_{prometheus::BuildHistogram()
                     .Name("autotrader_http_request_duration_seconds")
                     .Help("Time from a request read to its response ready to send")
                     .Register(*registry_)},
      rejected_{prometheus::BuildCounter()
                    .Name("autotrader_http_rejected_requests_total")
                    .Help("HTTP requests refused or failed by the server, by reason")
                    .Register(*registry_)},
      open_connections_{prometheus::BuildGauge()
                            .Name("autotrader_http_open_connections")
                            .Help("HTTP connections being served")
                            .Register(*registry_)
                            .Add({})},
      late_responses_{prometheus::BuildCounter()
                          .Name("autotrader_http_late_responses_total")
                          .Help("Responders called after their request was answered or closed")
                          .Register(*registry_)
                          .Add({})},
      accept_errors_{prometheus::BuildCounter()
                         .Name("autotrader_http_accept_errors_total")
                         .Help("Failures to accept an HTTP connection")
                         .Register(*registry_)
                         .Add({})} {
  for (const RejectReason reason : kAllRejectReasons) {
    rejected_cache_[reason] = &rejected_.Add({{"reason", to_string(reason)}});
  }
  duration(kUnmatchedRoute);
  request_cache_[{kUnmatchedRoute, 404}] =
      &requests_.Add({{"route", kUnmatchedRoute}, {"code", "404"}});
}

void HttpMetrics::preregister_route(const std::string& route) {
  std::lock_guard lock{mutex_};
  duration(route);
}

void HttpMetrics::response_sent(const std::string& route, int status) {
  prometheus::Counter* counter = nullptr;
  {
    std::lock_guard lock{mutex_};
    auto& slot = request_cache_[{route, status}];
    if (slot == nullptr)
      slot = &requests_.Add({{"route", route}, {"code", std::to_string(status)}});
    counter = slot;
  }
  counter->Increment();
}

void HttpMetrics::observe_duration(const std::string& route, double seconds) {
  prometheus::Histogram* histogram = nullptr;
  {
    std::lock_guard lock{mutex_};
    histogram = &duration(route);
  }
  histogram->Observe(seconds);
}

prometheus::Histogram& HttpMetrics::duration(const std::string& route) {
  auto& slot = duration_cache_[route];
  if (slot == nullptr) slot = &durations_.Add({{"route", route}}, kDurationBuckets);
  return *slot;
}

void HttpMetrics::rejected(RejectReason reason) {
  rejected_cache_.at(reason)->Increment();
}

void HttpMetrics::late_response() {
  late_responses_.Increment();
}

void HttpMetrics::accept_error() {
  accept_errors_.Increment();
}

void HttpMetrics::connection_opened() {
  open_connections_.Increment();
}

void HttpMetrics::connection_closed() {
  open_connections_.Decrement();
}

}  // namespace autotrader::net
