#pragma once
// What every feed does with the pipeline's result for a closed candle, in two steps so that a
// feed can act between them (the sim feed reports a symbol's recovery before its candle):
//   1. accept_push: count the result in the feed metrics; log a rejection (and a gap) once.
//   2. publish_accepted: send CandleClosed then SnapshotUpdate, then move the delivery cursor
//      (after sending: a crash in between repeats a candle on restart, never loses one).
#include <functional>
#include <string>

#include "actors/feed/protocol.hpp"
#include "market/pipeline.hpp"

namespace spdlog {
class logger;
}

namespace autotrader::feed {

class FeedCursorStore;
class FeedMetrics;

using Emit = std::function<void(const FeedOutput&)>;

// True when the candle was accepted (possibly repaired, possibly after a gap).
bool accept_push(const std::string& venue, const core::Symbol& symbol, const core::Candle& candle,
                 const market::PushResult& result, FeedMetrics& metrics, spdlog::logger* log);

// `result` must have been accepted.
void publish_accepted(const std::string& venue, const core::Symbol& symbol,
                      const market::PushResult& result, FeedCursorStore& cursors, const Emit& emit);

}  // namespace autotrader::feed
