#pragma once
// Drives the fake's request handling (handle_request) without a socket, for the unit tests.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "tests/fakes/llm/fake_llm_fixture.hpp"
#include "tests/fakes/llm/handler.hpp"

namespace autotrader::fakes::llm::test {

inline Incoming incoming_of(const Call& call) {
  Incoming in;
  in.method = call.method;
  auto mark = call.target.find('?');
  in.path = call.target.substr(0, mark);
  in.query = mark == std::string::npos ? std::string{} : call.target.substr(mark + 1);
  for (const auto& [name, value] : call.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    in.headers[lower] = value;
  }
  in.body = call.body.is_null() ? std::string{} : call.body.dump();
  return in;
}

inline FakeLlmOptions keyed_options() {
  FakeLlmOptions options;
  for (auto p : kProviders) options.provider(p).api_key = kKey;
  return options;
}

// The decision inside a 200 answer, whatever the envelope.
inline json decision_in(Provider provider, const Plan& plan) {
  auto body = json::parse(plan.reply.body);
  if (provider == Provider::gemini) {
    return json::parse(body["candidates"][0]["content"]["parts"].back()["text"].get<std::string>());
  }
  if (provider == Provider::anthropic) return body["content"][0]["input"];
  return json::parse(body["choices"][0]["message"]["content"].get<std::string>());
}

class FakeLlmHandler : public ::testing::Test {
 protected:
  Plan serve(const Call& call) { return handle_request(state, true, incoming_of(call)); }
  Plan serve(Provider provider) { return serve(valid_call(provider)); }

  FakeLlmOptions options = keyed_options();
  State state{options};
};

}  // namespace autotrader::fakes::llm::test
