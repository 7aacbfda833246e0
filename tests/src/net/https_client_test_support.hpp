#pragma once
// Helpers for the HttpsClient connection and proxy tests: one request sent and its callback
// awaited with a deadline, and the result read as a response or an error with a test failure
// (not a crash) when it is the other one.
#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "net/https_client.hpp"
#include "tests/src/net/client_test_support.hpp"

namespace autotrader::net::test {

inline HttpResult exchange(HttpsClient& client, ClientRequest request) {
  Latch<HttpResult> done;
  const std::string url = request.url;
  client.send(std::move(request), [&](HttpResult result) { done.set(std::move(result)); });
  auto result = done.wait();
  EXPECT_TRUE(result) << "no callback for " << url;
  return result ? *result : HttpResult{ClientError{client_errc::io_error, "no callback"}};
}

inline HttpResult get(HttpsClient& client, const std::string& url) {
  return exchange(client, ClientRequest{"GET", url, {}, {}});
}

inline ClientResponse response_of(const HttpResult& result) {
  if (const auto* error = std::get_if<ClientError>(&result)) {
    ADD_FAILURE() << to_string(error->code) << ": " << error->message;
    return {};
  }
  return std::get<ClientResponse>(result);
}

inline ClientError error_of(const HttpResult& result) {
  if (const auto* error = std::get_if<ClientError>(&result)) return *error;
  ADD_FAILURE() << "expected an error, got status " << std::get<ClientResponse>(result).status;
  return ClientError{client_errc::io_error, "a response"};
}

// Counts the callbacks of one request, to prove there is exactly one.
struct CallbackCount {
  std::atomic<int> calls{0};
  Latch<HttpResult> first;

  HttpCallback callback() {
    return [this](HttpResult result) {
      ++calls;
      first.set(std::move(result));
    };
  }
};

}  // namespace autotrader::net::test
