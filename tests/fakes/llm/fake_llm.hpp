#pragma once
// FakeLlm: an LLM provider server for tests, on 127.0.0.1 (port 0 by default), speaking the real
// wire formats of the provider pool: Gemini generateContent, OpenAI chat completions (also as
// Together and a local OpenAI-compatible server, each on its own path prefix) and Anthropic
// messages, their error bodies and retry hints included. It checks auth and the request's shape
// like the provider would (400/401/403 in the provider's format), so it catches our client's
// mistakes.
//
// Tests script it per provider: a FIFO of behaviours (an answer, a fault, a delay, a trickle),
// and a default behaviour once the FIFO is empty. The same scripting is reachable over HTTP on
// the same port (/_fake/..., see control_api.hpp) for fake_llm_server and node tests. Every
// request is recorded (keys redacted) and counted per provider; every injected fault is counted.
//
// Threading: the server runs on its own I/O thread; every public method may be called from any
// other thread. Delays, trickles and hung connections are timers and held sockets: nothing ever
// blocks the I/O thread. Beast and Asio stay in the .cpp files.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fakes/binance/tls_identity.hpp"
#include "tests/fakes/llm/behaviour.hpp"

namespace autotrader::fakes::llm {

// Shared with fake_binance: a self-signed certificate for localhost and 127.0.0.1.
using binance::make_self_signed_identity;
using binance::TlsIdentity;

struct FakeLlmOptions {
  std::uint16_t port = 0;
  std::optional<TlsIdentity> tls;  // serve https too (plain http keeps working on the same port)
  bool control_api = true;         // serve /_fake/...
  std::array<ProviderConfig, kProviderCount> providers{
      default_config(Provider::gemini), default_config(Provider::openai),
      default_config(Provider::anthropic), default_config(Provider::together),
      default_config(Provider::local)};

  ProviderConfig& provider(Provider p) { return providers[static_cast<std::size_t>(p)]; }
};

enum class AuthOutcome : std::uint8_t {
  ok,       // the expected key (or any key when none is configured)
  missing,  // no key (served anyway when the route does not require one)
  wrong,    // refused
  none,     // no provider route, or a control request
};
std::string_view to_string(AuthOutcome outcome);

struct RecordedRequest {
  std::uint64_t sequence = 0;        // 1, 2, ... in arrival order, control requests excluded
  std::optional<Provider> provider;  // nullopt: the path matched no provider route
  std::string method;
  std::string path;   // before '?'
  std::string query;  // after '?', with a key= value replaced by "<redacted>"
  std::map<std::string, std::string> headers;  // lower-case names; key headers "<redacted>"
  std::string body;
  std::string model;  // from the path (Gemini) or the body
  bool tls = false;
  AuthOutcome auth = AuthOutcome::none;
  // What the fake did: "answer", a fault name (to_string(FaultKind)), "rejected" (auth or
  // shape), "no_route". status is the HTTP status sent, 0 for timeout and reset.
  std::string outcome;
  int status = 0;
};

class FakeLlm {
 public:
  explicit FakeLlm(FakeLlmOptions options = {});
  ~FakeLlm();  // stop()
  FakeLlm(const FakeLlm&) = delete;
  FakeLlm& operator=(const FakeLlm&) = delete;

  // Binds 127.0.0.1:port and starts the I/O thread; an error message on failure.
  std::optional<std::string> start();
  // Closes every connection (hung ones included) and joins the I/O thread. Idempotent.
  void stop();
  std::uint16_t port() const;
  bool tls() const;
  // "https://127.0.0.1:<port>" with TLS, else "http://...".
  std::string origin() const;
  // The base URL a client (or an official SDK) is configured with: gemini and anthropic the
  // origin, openai origin + "/v1", together origin + "/together/v1", local origin + "/local/v1".
  std::string base_url(Provider provider) const;

  // Scripts: `times` copies at the back of the provider's FIFO.
  void enqueue(Provider provider, Behaviour behaviour, std::size_t times = 1);
  void answer(Provider provider, nlohmann::json decision, Usage usage = {});
  void fail(Provider provider, Fault fault, std::size_t times = 1);
  // What an empty FIFO serves (a persistent fault makes a provider "down").
  void set_default(Provider provider, Behaviour behaviour);
  void configure(Provider provider, ProviderConfig config);
  ProviderConfig config(Provider provider) const;
  std::size_t scripted(Provider provider) const;  // behaviours still queued
  void clear_scripts();                           // every FIFO; defaults stay
  // Scripts, defaults, configs, records and counters back to the start options.
  void reset();

  std::vector<RecordedRequest> requests() const;
  std::vector<RecordedRequest> requests(Provider provider) const;
  std::size_t request_count(Provider provider) const;
  // Until `count` requests reached the provider's route, or the timeout; false on timeout.
  bool wait_for_requests(Provider provider, std::size_t count,
                         std::chrono::milliseconds timeout) const;
  std::size_t fault_count(FaultKind kind) const;
  std::size_t faults_total() const;
  void clear_records();  // requests and counters

  class Impl;  // defined in fake_llm.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace autotrader::fakes::llm
