#pragma once
// The plain request and reply types the fake's API classes (RestApi, SignedApi) share with the
// server: decoded parameters, one HTTP call as received, and the reply with how to deliver it.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/fakes/binance/fault.hpp"
#include "tests/fakes/binance/klines.hpp"

namespace autotrader::fakes::binance {

using Params = std::map<std::string, std::string>;

// How the server hands a reply over. The non-answers stand for an exchange that executed the
// request and then failed to say so (order faults).
enum class Delivery {
  answer,          // write the reply
  hold_silently,   // write nothing, keep the connection open until the client gives up
  drop_connection  // write nothing, close the TCP connection
};

struct Reply {
  using Headers = std::vector<std::pair<std::string, std::string>>;
  Reply() = default;
  Reply(int status_code, std::string body_text, Headers extra_headers = {})
      : status(status_code), body(std::move(body_text)), headers(std::move(extra_headers)) {}

  int status = 200;
  std::string body;
  Headers headers;  // beyond Content-Type and the weight; a Content-Type here replaces it
  Delivery delivery = Delivery::answer;
  std::vector<FaultKind> faults;  // faults injected while producing this reply, to be counted
};

// One HTTP request as the API sees it.
struct HttpCall {
  std::string method;
  std::string path;
  std::string query;  // after '?', as sent (the signature covers it verbatim)
  std::string body;   // as sent
  Params params;      // query and form body decoded and merged; the query wins on a clash
  std::optional<std::string> api_key;  // the X-MBX-APIKEY header
};

}  // namespace autotrader::fakes::binance
