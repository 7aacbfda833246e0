#include "actors/feed/cursor_store.hpp"

#include "feed_test_support.hpp"

namespace autotrader::feed::testing {
namespace {

const core::Symbol btc = *core::Symbol::parse("BTCUSDT");
const core::Symbol eth = *core::Symbol::parse("ETHUSDT");

TEST(FeedCursorStore, CursorsArePerVenueAndSymbolAndOnlyMoveForward) {
  FeedCursorStore store;
  EXPECT_EQ(store.last_delivered("sim", btc), std::nullopt);
  EXPECT_TRUE(store.record_delivery("sim", btc, 60'000));
  EXPECT_TRUE(store.record_delivery("sim", btc, 120'000));
  EXPECT_FALSE(store.record_delivery("sim", btc, 120'000));  // a duplicate
  EXPECT_FALSE(store.record_delivery("sim", btc, 60'000));   // a rewind
  EXPECT_EQ(store.last_delivered("sim", btc), 120'000);
  EXPECT_EQ(store.last_delivered("sim", eth), std::nullopt);
  EXPECT_EQ(store.last_delivered("binance", btc), std::nullopt);
  EXPECT_TRUE(store.record_delivery("binance", btc, 0));
  EXPECT_EQ(store.last_delivered("binance", btc), 0);
}

using SubscriberStoreTest = FeedActorTest;

TEST_F(SubscriberStoreTest, SubscribersPerVenueOnceEachInOrder) {
  FeedCursorStore store;
  auto a = recorder(std::make_shared<Received>());
  auto b = recorder(std::make_shared<Received>());
  EXPECT_TRUE(store.subscribe("sim", a));
  EXPECT_TRUE(store.subscribe("sim", b));
  EXPECT_FALSE(store.subscribe("sim", a));
  EXPECT_FALSE(store.subscribe("sim", caf::actor{}));
  EXPECT_EQ(store.subscribers("sim"), (std::vector<caf::actor>{a, b}));
  EXPECT_TRUE(store.subscribers("binance").empty());
  EXPECT_TRUE(store.unsubscribe("sim", a.address()));
  EXPECT_FALSE(store.unsubscribe("sim", a.address()));
  EXPECT_EQ(store.subscribers("sim"), (std::vector<caf::actor>{b}));
}

TEST_F(SubscriberStoreTest, HoldsNoActorAliveAndDropsOnesThatAreGone) {
  FeedCursorStore store;
  std::weak_ptr<Received> watch;
  {
    auto received = std::make_shared<Received>();
    watch = received;
    auto temporary = sys.spawn([](caf::event_based_actor*,
                                  std::shared_ptr<Received>) { return caf::behavior{[](int) {}}; },
                               received);
    store.subscribe("sim", temporary);
    run();
  }
  run();
  // Nothing referred to the actor but the store: it is gone, and so is its state.
  EXPECT_TRUE(watch.expired());
  EXPECT_TRUE(store.subscribers("sim").empty());
}

}  // namespace
}  // namespace autotrader::feed::testing
