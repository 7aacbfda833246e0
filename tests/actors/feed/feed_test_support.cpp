#include "feed_test_support.hpp"

#include "supervision/errc.hpp"

namespace autotrader::feed::testing {
namespace {

caf::actor_system_config& testing_config(caf::actor_system_config& cfg) {
  supervision::register_error_category(cfg);
  cfg.set("scheduler.policy", caf::atom("testing"));
  return cfg;
}

caf::behavior record(caf::event_based_actor*, std::shared_ptr<Received> into) {
  return {
      [into](const CandleClosed& m) { into->emplace_back(m); },
      [into](const SnapshotUpdate& m) { into->emplace_back(m); },
      [into](const DataStale& m) { into->emplace_back(m); },
  };
}

}  // namespace

FeedActorTest::FeedActorTest()
    : sys{testing_config(cfg)},
      sched{dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())},
      start{sched.clock().now()} {}

FeedActorTest::~FeedActorTest() {
  for (auto& a : actors) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  sched.run();
  for (int i = 0; i < 10'000 && sched.has_pending_timeout(); ++i) {
    sched.trigger_timeout();
    sched.run();
  }
  actors.clear();
}

caf::actor FeedActorTest::recorder(std::shared_ptr<Received> into) {
  auto a = sys.spawn(record, std::move(into));
  actors.push_back(a);
  return a;
}

caf::error FeedActorTest::call(const caf::actor& dest, const caf::message& msg) {
  caf::scoped_actor self{sys};
  self->send(dest, msg);
  sched.run();
  caf::error out = caf::make_error(caf::sec::request_timeout);
  self->receive([&](caf::ok_atom) { out = caf::none; }, [&](caf::error& err) { out = err; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  return out;
}

void FeedActorTest::advance(caf::timespan d, caf::timespan step) {
  sched.run();
  for (caf::timespan done{0}; done < d; done += step) {
    sched.advance_time(std::min(step, d - done));
    sched.run();
  }
}

std::vector<core::Candle> candles_of(const Received& received, const core::Symbol& symbol) {
  std::vector<core::Candle> out;
  for (const auto& c : only<CandleClosed>(received)) {
    if (c.candle.symbol == symbol) out.push_back(c.candle);
  }
  return out;
}

}  // namespace autotrader::feed::testing
