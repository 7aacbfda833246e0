#pragma once
// The Prometheus instruments of an HttpServer, registered in an injected registry:
//   autotrader_http_requests_total{route,code}          every response sent (code: exact status)
//   autotrader_http_request_duration_seconds{route}     request read -> response ready to send
//   autotrader_http_rejected_requests_total{reason}     every request refused or failed, by cause
//   autotrader_http_open_connections                    connections being served now
//   autotrader_http_late_responses_total                responders called after their request was
//                                                       answered (timeout) or its connection closed
//   autotrader_http_accept_errors_total                 accept() failures (e.g. out of descriptors)
// `route` is a registered path or "unmatched", never a raw path, so label sets stay bounded.
// Every reason, every route's duration and the unmatched 404 are pre-registered and export 0.
// Thread-safe: prometheus-cpp instruments are atomic and the child cache is behind a mutex.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace autotrader::net {

enum class RejectReason {
  bad_request,           // malformed request line, header or target (400)
  header_too_large,      // over max_header_bytes (431)
  body_too_large,        // over max_body_bytes (413)
  timeout,               // request not received, answered or written within request_timeout
  too_many_connections,  // over max_connections (503)
  handler_error,         // a handler threw or returned an invalid status (500)
  internal_error,        // an exception escaped to the I/O loop; the connection was dropped
};
inline constexpr RejectReason kAllRejectReasons[] = {
    RejectReason::bad_request,   RejectReason::header_too_large,     RejectReason::body_too_large,
    RejectReason::timeout,       RejectReason::too_many_connections, RejectReason::handler_error,
    RejectReason::internal_error};

// The metric label value, e.g. "body_too_large".
const char* to_string(RejectReason reason);

class HttpMetrics {
 public:
  // Shares ownership of `registry`: a Responder that outlives its server and the registry's
  // other owners still counts into live instruments.
  explicit HttpMetrics(std::shared_ptr<prometheus::Registry> registry);

  // Creates the duration series of a registered route, so that it exports 0.
  void preregister_route(const std::string& route);
  void response_sent(const std::string& route, int status);
  void observe_duration(const std::string& route, double seconds);
  void rejected(RejectReason reason);
  void late_response();
  void accept_error();
  void connection_opened();
  void connection_closed();

 private:
  prometheus::Histogram& duration(const std::string& route);

  const std::shared_ptr<prometheus::Registry> registry_;  // first: outlives the references below
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Gauge& open_connections_;
  prometheus::Counter& late_responses_;
  prometheus::Counter& accept_errors_;

  std::mutex mutex_;
  std::map<std::pair<std::string, int>, prometheus::Counter*> request_cache_;
  std::map<std::string, prometheus::Histogram*> duration_cache_;
  std::map<RejectReason, prometheus::Counter*> rejected_cache_;
};

}  // namespace autotrader::net
