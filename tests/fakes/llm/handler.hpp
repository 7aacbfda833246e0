#pragma once
// Internal: what the fake does with one parsed HTTP request, as a Plan the server carries out.
// Routes the path, records the request (keys redacted), lets the provider's dialect check auth
// and shape, takes the next behaviour from the script and renders it. No I/O: the server only
// reads requests and executes plans, so all of this is testable without a socket.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/fakes/llm/state.hpp"
#include "tests/fakes/llm/wire.hpp"

namespace autotrader::fakes::llm {

struct Plan {
  enum class Mode : std::uint8_t {
    respond,  // send `reply` (after `delay`, trickled when `trickle` is set)
    hang,     // send nothing; hold the connection until the client closes it or the server stops
    reset,    // (after `delay`) reset the connection
  };
  Mode mode = Mode::respond;
  Reply reply;
  std::chrono::milliseconds delay{0};
  std::optional<Trickle> trickle;
};

struct Route {
  Provider provider = Provider::gemini;
  std::string model;  // Gemini: from the path
};

// "/v1beta/models/{model}:generateContent", "/v1/chat/completions", "/v1/messages",
// "/together/v1/chat/completions", "/local/v1/chat/completions".
std::optional<Route> match_route(std::string_view path);

// The record of a request with its keys redacted: the authorization, x-api-key, x-goog-api-key
// and api-key headers (the Authorization scheme is kept) and a key= query parameter.
RecordedRequest redacted_record(const Incoming& request);

Plan handle_request(State& state, bool control_api, const Incoming& request);

}  // namespace autotrader::fakes::llm
