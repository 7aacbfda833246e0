#include "net/http_message.hpp"

#include <nlohmann/json.hpp>

namespace autotrader::net {

HttpResponse HttpResponse::json(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  // Request paths and bodies echoed into errors can hold any bytes: replace invalid UTF-8 rather
  // than let dump() throw on the I/O thread.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse HttpResponse::text(int status, std::string body, std::string content_type) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::error(int status, const std::string& message) {
  return json(status, nlohmann::json{{"error", message}});
}

}  // namespace autotrader::net
