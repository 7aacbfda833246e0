#pragma once
// How the executor and the trader get their durable state when they start: they ask the
// storage actor for the state document, retrying (50 ms doubling to the limit) until it answers,
// and until then run a loading behaviour in which feed messages are dropped and everything else
// (orders, account updates, operator commands) waits in the mailbox (caf::skip) to be handled
// once the state is in. Included by those two actors' translation units only.
#include <chrono>
#include <cstdint>
#include <string>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/feed/protocol.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/trading_shared.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::trading_actors {

using load_state_atom = caf::atom_constant<caf::atom("ld_state")>;

struct StateLoading {
  std::shared_ptr<TradingShared> shared;
  std::chrono::milliseconds timeout{10'000};   // for the storage actor's answer
  std::chrono::milliseconds max_retry{2'000};  // the longest wait between attempts
  std::shared_ptr<spdlog::logger> log;         // may be null
  std::string what;                            // "the paper account", for the log
  std::uint64_t attempts = 0;
};

// One attempt; on success calls on_loaded(const StateDoc&), otherwise schedules
// load_state_atom to the actor itself. `loading` must live in the actor's state.
template <class Self, class OnLoaded>
void request_state(Self* self, StateLoading& loading, OnLoaded on_loaded) {
  ++loading.attempts;
  auto storage = loading.shared->storage.get();
  if (!storage) {
    self->delayed_send(self, retry_delay(loading.attempts, loading.max_retry),
                       load_state_atom::value);
    return;
  }
  self->request(storage, loading.timeout, store_load_atom::value)
      .then([on_loaded](const StateDoc& doc) { on_loaded(doc); },
            [self, &loading](const caf::error& error) {
              if (loading.log && loading.attempts % 10 == 1) {
                loading.log->warn("cannot load {} yet ({}); retrying", loading.what,
                                  to_string(error));
              }
              self->delayed_send(self, retry_delay(loading.attempts, loading.max_retry),
                                 load_state_atom::value);
            });
}

// The behaviour until the state is in: `retry` runs on each load_state_atom. The caller sets
// the default handler to caf::skip before, and back after its become().
template <class Self, class Retry>
caf::behavior loading_behavior(Self* self, Retry retry) {
  return supervision::supervised(self, caf::behavior{
                                           [retry](load_state_atom) { retry(); },
                                           [](const feed::SnapshotUpdate&) {},
                                           [](const feed::CandleClosed&) {},
                                           [](const feed::DataStale&) {},
                                       });
}

}  // namespace autotrader::trading_actors
