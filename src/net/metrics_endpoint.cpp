#include "net/metrics_endpoint.hpp"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace autotrader::net {

std::string serialize_metrics(const prometheus::Registry& registry) {
  return prometheus::TextSerializer{}.Serialize(registry.Collect());
}

Handler metrics_handler(std::shared_ptr<prometheus::Registry> registry) {
  return [registry = std::move(registry)](const HttpRequest&, Responder respond) {
    HttpResponse response = HttpResponse::text(200, serialize_metrics(*registry),
                                               "text/plain; version=0.0.4; charset=utf-8");
    // Scrapes must always see fresh values.
    response.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(response));
  };
}

}  // namespace autotrader::net
