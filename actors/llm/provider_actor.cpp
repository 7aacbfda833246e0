#include "actors/llm/provider_actor.hpp"

#include <map>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/llm/protocol.hpp"
#include "core/fault.hpp"
#include "llm/analysis.hpp"
#include "net/https_client.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::llm_actors {
namespace {

using http_done_atom = caf::atom_constant<caf::atom("llm_http")>;

// An HTTP result on its way from the client's I/O thread to the actor.
struct HttpDone {
  std::uint64_t call = 0;
  net::RequestId request = 0;
  net::HttpResult result;
};

}  // namespace
}  // namespace autotrader::llm_actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::llm_actors::HttpDone)

namespace autotrader::llm_actors {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Call {
  llm::Analysis analysis;
  caf::actor reply_to;
  net::RequestId request = 0;
  Clock::time_point started;
  Clock::time_point turn_started;
};

struct ProviderState {
  std::map<std::uint64_t, Call> calls;
  std::shared_ptr<net::HttpsClient> http;
  // Whatever way the actor ends, no request of it stays open.
  ~ProviderState() {
    if (!http) return;
    for (auto& [id, call] : calls) http->cancel(call.request);
  }
  static inline const char* name = "llm_provider";
};

using Self = caf::stateful_actor<ProviderState>;

llm::Usage total_usage(const std::vector<llm::TranscriptTurn>& turns) {
  llm::Usage usage;
  for (const auto& turn : turns) {
    usage.input_tokens += turn.usage.input_tokens;
    usage.output_tokens += turn.usage.output_tokens;
  }
  return usage;
}

milliseconds since(Clock::time_point start, const core::Clock& clock) {
  return std::chrono::duration_cast<milliseconds>(clock.steady_now() - start);
}

// Sends `request` for call `id`; the result comes back as an http_done message.
void send_request(Self* self, std::uint64_t id, Call& call, net::ClientRequest request,
                  const core::Clock& clock) {
  call.turn_started = clock.steady_now();
  auto address = self->address();
  // The id is known only after send() returns, and the callback may run before that: it
  // carries the call id, and the actor matches the request id it stored.
  auto request_id = std::make_shared<std::atomic<net::RequestId>>(0);
  call.request =
      self->state.http->send(std::move(request), [address, id, request_id](net::HttpResult result) {
        if (auto handle = caf::actor_cast<caf::actor>(address)) {
          caf::anon_send(handle, http_done_atom::value,
                         HttpDone{id, request_id->load(), std::move(result)});
        }
      });
  request_id->store(call.request);
}

caf::behavior provider_actor(Self* self, ProviderActorConfig config) {
  self->state.http = config.http;
  auto clock = config.clock;
  auto log = config.log;
  const auto settings = std::make_shared<const llm::ProviderSettings>(std::move(config.settings));
  auto finish = [self, clock, log, settings](std::uint64_t id, Call& call,
                                             std::variant<llm::Decision, llm::Failure> result) {
    ProviderOutcome outcome;
    outcome.id = id;
    outcome.provider = settings->name;
    outcome.latency = since(call.started, *clock);
    if (auto* decision = std::get_if<llm::Decision>(&result)) {
      outcome.usage = total_usage(decision->transcript);
    } else {
      outcome.usage = total_usage(call.analysis.transcript());
      const auto& failure = std::get<llm::Failure>(result);
      if (log) {
        log->info("{}: call failed after {} ms: {} ({})", settings->name, outcome.latency.count(),
                  llm::to_string(failure.kind), failure.message);
      }
    }
    outcome.result = std::move(result);
    self->send(call.reply_to, llm_done_atom::value, std::move(outcome));
    self->state.calls.erase(id);
  };
  return supervision::supervised(
      self,
      caf::behavior{
          [=](llm_call_atom, ProviderCall& request) {
            core::fault::point("llm_provider.call");
            auto reply_to = caf::actor_cast<caf::actor>(self->current_sender());
            if (!reply_to) return;
            auto [it, fresh] = self->state.calls.try_emplace(
                request.id, Call{llm::Analysis{*settings, std::move(request.input)},
                                 reply_to,
                                 0,
                                 clock->steady_now(),
                                 {}});
            if (!fresh) return;  // a duplicate id: the first call is still running
            send_request(self, request.id, it->second, it->second.analysis.first_request(), *clock);
          },
          [=](llm_cancel_atom, std::uint64_t id) {
            auto it = self->state.calls.find(id);
            if (it == self->state.calls.end()) return;
            const auto request = it->second.request;
            self->state.calls.erase(it);  // first: the cancelled callback finds no call
            self->state.http->cancel(request);
          },
          [=](http_done_atom, HttpDone& done) {
            auto it = self->state.calls.find(done.call);
            // A result of a cancelled call, or of an earlier turn, is stale.
            if (it == self->state.calls.end() ||
                (done.request != 0 && done.request != it->second.request)) {
              return;
            }
            auto& call = it->second;
            auto step = call.analysis.on_result(done.result, since(call.turn_started, *clock));
            if (auto* next = std::get_if<net::ClientRequest>(&step)) {
              send_request(self, done.call, call, std::move(*next), *clock);
            } else if (auto* decision = std::get_if<llm::Decision>(&step)) {
              finish(done.call, call, std::move(*decision));
            } else {
              finish(done.call, call, std::get<llm::Failure>(std::move(step)));
            }
          },
      });
}

}  // namespace

caf::actor spawn_provider_actor(caf::event_based_actor& parent, ProviderActorConfig config) {
  return parent.spawn(provider_actor, std::move(config));
}

caf::actor spawn_provider_actor(caf::actor_system& system, ProviderActorConfig config) {
  return system.spawn(provider_actor, std::move(config));
}

}  // namespace autotrader::llm_actors
