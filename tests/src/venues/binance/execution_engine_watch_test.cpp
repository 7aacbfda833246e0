#include "venues/binance/execution_engine.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/src/venues/binance/execution_engine_test_support.hpp"

// Protection without an OCO list on Binance: with binance.use_oco off, or when Binance refuses
// the list, the engine watches prices itself and exits with a MARKET SELL whose client id
// derives from the decision, once.
namespace autotrader::binance {
namespace {

using namespace engine_test;

TEST_F(BinanceExecutionEngine, WithoutOcoTheStopIsWatchedAndExitsOnceWithAMarketSell) {
  auto options = default_options();
  options.use_oco = false;
  start(options);
  engine().place(buy_request("d7", "0.002"));
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  answer(out[0], 200,
         order_body("at-d7-en", 28, "BUY", "FILLED", "0.002", "0.002", "84",
                    json::array({fill_json("42000", "0.002", "0.084", "USDT", 5001)})));
  EXPECT_TRUE(take().empty()) << "no OCO list when use_oco is off";

  // Inside the band: nothing. At the stop: one MARKET SELL of the position.
  EXPECT_TRUE(engine().on_price(sym("BTCUSDT"), dec("41000")).empty());
  EXPECT_TRUE(take().empty());
  engine().on_price(sym("BTCUSDT"), dec("39999"));
  auto exit = take();
  ASSERT_EQ(exit.size(), 1u);
  EXPECT_TRUE(exit[0].places);
  auto p = params(exit[0].request);
  EXPECT_EQ(p["side"], "SELL");
  EXPECT_EQ(p["type"], "MARKET");
  EXPECT_EQ(p["quantity"], "0.002");
  EXPECT_EQ(p["newClientOrderId"], "at-d7-sl");
  // Further prices while it is in flight send nothing more.
  engine().on_price(sym("BTCUSDT"), dec("39000"));
  EXPECT_TRUE(take().empty());

  auto events =
      answer(exit[0], 200,
             order_body("at-d7-sl", 29, "SELL", "FILLED", "0.002", "0.002", "79.998",
                        json::array({fill_json("39999", "0.002", "0.079998", "USDT", 5002)})));
  auto exits = all<paper::ProtectiveExit>(events);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].kind, paper::ProtectiveKind::stop_loss);
  EXPECT_EQ(exits[0].trigger_price, dec("40000"));
  auto fills = all<paper::Fill>(events);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].realized_pnl, dec("-4.081998"));  // (39999 - 42000) x 0.002 - 0.079998
  EXPECT_FALSE(engine().position(sym("BTCUSDT")).has_value());
  engine().on_price(sym("BTCUSDT"), dec("30000"));
  EXPECT_TRUE(take().empty()) << "no position, no exit";
}

TEST_F(BinanceExecutionEngine, ARefusedOcoListLeavesTheTargetToThePriceWatch) {
  const auto oco = open_position();
  auto events = answer(
      oco, 400, error_body(-2010, "The relationship of the prices for the orders is not correct."));
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(take().empty());
  engine().on_price(sym("BTCUSDT"), dec("45000"));
  auto exit = take();
  ASSERT_EQ(exit.size(), 1u);
  auto p = params(exit[0].request);
  EXPECT_EQ(p["type"], "MARKET");
  EXPECT_EQ(p["newClientOrderId"], "at-d42-tp");
  EXPECT_EQ(p["quantity"], "0.00199") << "the position (0.001999) rounded down to the step";
}

TEST_F(BinanceExecutionEngine, ARefusedOcoListIsPlacedAgainOnceThePriceIsBackInside) {
  const auto oco = open_position();
  answer(oco, 400,
         error_body(-2010, "The relationship of the prices for the orders is not correct."));
  // Back inside the band: the same list (ids from the decision) once more.
  engine().on_price(sym("BTCUSDT"), dec("42500"));
  auto again = take();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].request.path, "/api/v3/orderList/oco");
  EXPECT_EQ(params(again[0].request)["listClientOrderId"], "at-d42-oc");
  // While it is in flight (an active list), no other.
  engine().on_price(sym("BTCUSDT"), dec("42600"));
  EXPECT_TRUE(take().empty());
  // Refused again: not retried before poll_interval has passed.
  answer(again[0], 400,
         error_body(-2010, "The relationship of the prices for the orders is not correct."));
  engine().on_price(sym("BTCUSDT"), dec("42700"));
  EXPECT_TRUE(take().empty());
  clock_->advance(options_.poll_interval);
  engine().on_price(sym("BTCUSDT"), dec("42700"));
  EXPECT_EQ(take().size(), 1u);
}

TEST_F(BinanceExecutionEngine, AnActiveOcoListIsNotDoubledByThePriceWatch) {
  protected_position();
  engine().on_price(sym("BTCUSDT"), dec("39000"));
  EXPECT_TRUE(take().empty()) << "Binance's stop leg acts; the engine does not sell as well";
}

}  // namespace
}  // namespace autotrader::binance
