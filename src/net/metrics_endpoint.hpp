#pragma once
// Serving a Prometheus registry from the operator endpoint (we do not run prometheus-cpp's own
// Exposer: it needs a second port and has no TLS).
#include <memory>
#include <string>

#include "net/http_message.hpp"

namespace prometheus {
class Registry;
}

namespace autotrader::net {

// The text exposition format (0.0.4) of everything in `registry`.
std::string serialize_metrics(const prometheus::Registry& registry);

// A GET handler answering 200 with serialize_metrics() as
// "text/plain; version=0.0.4; charset=utf-8".
Handler metrics_handler(std::shared_ptr<prometheus::Registry> registry);

}  // namespace autotrader::net
