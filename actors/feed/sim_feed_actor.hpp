#pragma once
// The sim feed actor: the simulated venue "sim" under supervision. It owns a SimFeed
// (sim_feed.hpp) and turns its outputs into feed protocol messages (protocol.hpp) for every
// subscriber, its deadlines into timers on the actor clock (virtual in tests), and answers the
// supervision child protocol (heartbeats, injected faults).
//
// Messages, besides protocol.hpp's subscribe/unsubscribe (-> ok_atom):
//   (sim_hold_atom, std::string symbol, caf::timespan d) -> ok_atom: the symbol sends nothing
//       for d, then catches up (a chaos knob: makes a symbol go stale and recover).
//
// Everything that must survive a restart lives in the stores of SimFeedConfig, which the
// application creates once: the start function captures them, and a restarted actor resumes
// right after the last delivered candle, to the same subscribers. Subscribing through the
// store (`cursors->subscribe("sim", actor)`, from any thread) works as well as the message and
// needs no handle of the feed, which changes with every restart.
//
// Fault points (core/fault.hpp): sim_feed.start (the actor starting), sim_feed.tick (a bar
// timer firing, before any candle is taken from a source).
#include <memory>

#include <caf/atom.hpp>

#include "actors/feed/sim_feed.hpp"
#include "core/clock.hpp"

namespace caf {
class actor;
class actor_system;
class event_based_actor;
}  // namespace caf

namespace autotrader::feed {

using sim_hold_atom = caf::atom_constant<caf::atom("sim_hold")>;

struct SimFeedConfig {
  SimFeedOptions options;
  SimFeed::Stores stores;                    // cursors, checkpoints and metrics are required
  std::shared_ptr<const core::Clock> clock;  // wall time, read once at each start
};

// For a supervision::ChildSpec start function.
caf::actor spawn_sim_feed(caf::event_based_actor& parent, SimFeedConfig config);
// A top-level instance (tests, tools).
caf::actor spawn_sim_feed(caf::actor_system& system, SimFeedConfig config);

}  // namespace autotrader::feed
