#pragma once
// Shared pieces of the feed actor tests: an actor system on CAF's test coordinator (one thread,
// virtual time), a subscriber that records every feed message, and a synchronous call helper.
// Only the coordinator is used: CAF's fixture helpers (deref/expect) crash inside GoogleTest.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "actors/feed/protocol.hpp"
#include "actors/feed/sim_feed.hpp"
#include "caf/all.hpp"
#include "caf/scheduler/test_coordinator.hpp"

namespace autotrader::feed::testing {

using Received = std::vector<FeedOutput>;

struct FeedActorTest : ::testing::Test {
  FeedActorTest();
  ~FeedActorTest() override;

  // A subscriber that appends every CandleClosed, SnapshotUpdate and DataStale to `into`.
  caf::actor recorder(std::shared_ptr<Received> into);
  // Sends `msg` from a scoped actor, runs until idle and returns the reply: none for ok_atom,
  // the error otherwise, request_timeout when nothing answered.
  caf::error call(const caf::actor& dest, const caf::message& msg);
  void run() { sched.run(); }
  // Moves virtual time forward in `step`s, running whatever becomes due after each.
  void advance(caf::timespan d, caf::timespan step = std::chrono::milliseconds{10});
  caf::timespan elapsed() const { return sched.clock().now() - start; }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::actor_clock::time_point start;
  std::vector<caf::actor> actors;  // stopped at the end of the test
};

template <typename T>
std::vector<T> only(const Received& received) {
  std::vector<T> out;
  for (const auto& r : received) {
    if (const auto* x = std::get_if<T>(&r)) out.push_back(*x);
  }
  return out;
}

std::vector<core::Candle> candles_of(const Received& received, const core::Symbol& symbol);

}  // namespace autotrader::feed::testing
