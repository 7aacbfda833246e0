#pragma once
// The messages every feed actor (sim, Binance, ...) sends to its subscribers, and the atoms to
// subscribe. One protocol for all venues, so strategies and risk never care where data comes from.
//
// Delivery contract, per (venue, symbol): every closed candle exactly once, in open-time order,
// across reconnects and feed restarts; a SnapshotUpdate after each accepted closed candle; a
// DataStale{stale=true} when no message arrived for the configured maximum age, then exactly one
// DataStale{stale=false} when data flows again.
//
// These types are process-local (they never cross a process boundary), hence the unsafe-message
// declarations below instead of `inspect` overloads.
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <string>
#include <variant>

#include "core/market.hpp"
#include "market/snapshot.hpp"

namespace autotrader::feed {

// (subscribe_atom, caf::actor subscriber) -> ok_atom. The feed monitors the subscriber and drops
// it when it dies; subscribing twice is harmless (one delivery per message).
using subscribe_atom = caf::atom_constant<caf::atom("feed_sub")>;
// (unsubscribe_atom, caf::actor subscriber) -> ok_atom.
using unsubscribe_atom = caf::atom_constant<caf::atom("feed_unsub")>;

struct CandleClosed {
  std::string venue;
  core::Candle candle;
};

struct SnapshotUpdate {
  std::string venue;
  market::Snapshot snapshot;
};

struct DataStale {
  std::string venue;
  core::Symbol symbol;
  bool stale = false;
  core::TimestampMs last_message = 0;  // wall time of the last message for the symbol, 0 = none
};

// Everything a feed sends its subscribers, as the feeds' logic classes hand it to their actor.
using FeedOutput = std::variant<CandleClosed, SnapshotUpdate, DataStale>;

}  // namespace autotrader::feed

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::feed::CandleClosed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::feed::SnapshotUpdate)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::feed::DataStale)
