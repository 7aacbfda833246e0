#pragma once
// The Binance feed actor (venue "binance" by default) under supervision. It owns a BinanceFeed
// (binance_feed.hpp) and a Transport: it performs the feed's I/O commands, turns the transport's
// results (messages from its I/O thread) into calls, the feed's outputs into feed protocol
// messages (actors/feed/protocol.hpp) for every subscriber, and its deadline into one timer on
// the actor clock (virtual in tests). It answers the supervision child protocol.
//
// Messages, besides protocol.hpp's subscribe/unsubscribe (-> ok_atom): the transport results of
// transport.hpp. What must survive a restart lives in the application's stores (cursors and
// subscribers, metrics): a restarted actor resumes right after the last delivered candle, to the
// same subscribers, and fills the gap from REST.
//
// Fault points (core/fault.hpp): binance_feed.start (the actor starting), binance_feed.frame (a
// stream frame arriving, before it is decoded).
#include <memory>

#include "actors/binance_feed/binance_feed.hpp"
#include "actors/binance_feed/transport.hpp"
#include "core/clock.hpp"

namespace caf {
class actor;
class actor_system;
class event_based_actor;
}  // namespace caf

namespace autotrader::binance_feed {

struct BinanceFeedConfig {
  BinanceFeedOptions options;
  BinanceFeed::Stores stores;
  TransportFactory transport;
  std::shared_ptr<const core::Clock> clock;  // wall time
};

// For a supervision::ChildSpec start function.
caf::actor spawn_binance_feed(caf::event_based_actor& parent, BinanceFeedConfig config);
// A top-level instance (tests, tools).
caf::actor spawn_binance_feed(caf::actor_system& system, BinanceFeedConfig config);

}  // namespace autotrader::binance_feed
