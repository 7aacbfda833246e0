#include "venues/paper/state_json.hpp"

#include <gtest/gtest.h>

#include <string>

#include "decimal_printer.hpp"
#include "venues/paper/client_order_id.hpp"

namespace autotrader::paper {
namespace {

core::Decimal D(const char* text) {
  return *core::Decimal::parse(text);
}
core::Symbol S(const char* text) {
  return *core::Symbol::parse(text);
}

OrderRequest buy(const std::string& decision, const char* qty, const char* symbol) {
  OrderRequest r;
  r.decision_id = decision;
  r.client_order_id = make_client_order_id(decision, OrderPurpose::entry);
  r.symbol = S(symbol);
  r.quantity = D(qty);
  r.protection = Protection{D("95"), D("120")};
  return r;
}

// A broker with a protected position, a partly filled BUY, an open SELL and a finished order.
class PaperStateTest : public ::testing::Test {
 protected:
  PaperStateTest() {
    broker_.place(buy("d1", "2", "BTCUSDT"));
    broker_.on_price(S("BTCUSDT"), D("100"), 1);
    broker_.on_price(S("BTCUSDT"), D("100"), 2);
    broker_.place(buy("d2", "1", "ETHUSDT"));
    broker_.on_price(S("ETHUSDT"), D("100"), 3);
    OrderRequest sell;
    sell.client_order_id = make_client_order_id("d3", OrderPurpose::exit);
    sell.symbol = S("BTCUSDT");
    sell.side = Side::sell;
    sell.quantity = D("0.5");
    broker_.place(sell);
  }

  core::ManualClock clock_;
  static PaperBrokerOptions half_fills() {
    PaperBrokerOptions options;
    options.partial_fill_fraction = D("0.5");
    return options;
  }

  PaperBrokerOptions options_ = half_fills();
  PaperBroker broker_{options_, clock_};
};

TEST_F(PaperStateTest, RoundTripThroughJsonTextRestoresEverything) {
  const auto text = to_json(broker_.state()).dump();
  std::string error;
  const auto state = state_from_json(nlohmann::json::parse(text), error);
  ASSERT_TRUE(state) << error;
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(to_json(*state), to_json(broker_.state()));

  PaperBroker restarted{options_, clock_, *state};
  EXPECT_EQ(restarted.quote_balance(), broker_.quote_balance());
  EXPECT_EQ(restarted.open_orders().size(), 2u);
  EXPECT_EQ(restarted.order("at-d1-en")->status, OrderStatus::filled);
  EXPECT_EQ(restarted.last_price(S("BTCUSDT")), D("100"));
  const auto position = restarted.position(S("BTCUSDT"));
  ASSERT_TRUE(position);
  EXPECT_EQ(position->quantity, D("2"));
  EXPECT_EQ(position->protection->stop_loss, D("95"));
  EXPECT_EQ(restarted.balances()[1].locked, D("0.5"));
  EXPECT_EQ(to_json(restarted.state()), to_json(broker_.state()));
}

TEST_F(PaperStateTest, RestoredBrokerStillWatchesTheStopAndDedupes) {
  std::string error;
  PaperBroker restarted{
      options_, clock_,
      *state_from_json(nlohmann::json::parse(to_json(broker_.state()).dump()), error)};
  // Same id after the restart: never a second order.
  EXPECT_EQ(std::get<OrderRejected>(restarted.place(buy("d1", "2", "BTCUSDT")).at(0)).reason,
            RejectReason::duplicate_client_order_id);
  const auto events = restarted.on_price(S("BTCUSDT"), D("90"), 10);
  ASSERT_FALSE(events.empty());
  const auto exit = std::get<ProtectiveExit>(events.at(1));  // after the SELL's cancellation
  EXPECT_EQ(exit.client_order_id, "at-d1-sl");
  EXPECT_FALSE(restarted.position(S("BTCUSDT")));
  // Trade ids go on from where they were.
  std::int64_t last_id = 0;
  for (const auto& e : events) {
    if (const auto* f = std::get_if<Fill>(&e)) last_id = f->trade_id;
  }
  EXPECT_GE(last_id, broker_.state().next_trade_id);
}

TEST_F(PaperStateTest, DamagedDocumentsAreErrorsNeverCrashes) {
  const auto good = to_json(broker_.state());
  std::string error;
  auto expect_error = [&](nlohmann::json j, const std::string& where) {
    EXPECT_FALSE(state_from_json(j, error)) << j.dump();
    EXPECT_NE(error.find(where), std::string::npos) << error;
  };
  expect_error(nlohmann::json(), "state");
  expect_error(nlohmann::json::array(), "state");
  expect_error(nlohmann::json::object(), "state.version");
  auto j = good;
  j["version"] = 2;
  expect_error(j, "state.version");
  j = good;
  j["version"] = "1";
  expect_error(j, "state.version");
  j = good;
  j["quote_balance"] = 5.5;
  expect_error(j, "state.quote_balance");
  j = good;
  j["quote_balance"] = "-1";
  expect_error(j, "state.quote_balance");
  j = good;
  j["next_trade_id"] = 0;
  expect_error(j, "next_trade_id");
  j = good;
  j["next_trade_id"] = 18446744073709551615ULL;
  expect_error(j, "next_trade_id");
  j = good;
  j["positions"] = "x";
  expect_error(j, "state.positions");
  j = good;
  j["positions"][0]["quantity"] = "0";
  expect_error(j, "state.positions[0].quantity");
  j = good;
  j["positions"][0]["stop_loss"] = "200";
  expect_error(j, "state.positions[0].stop_loss");
  j = good;
  j["positions"][0].erase("take_profit");
  expect_error(j, "state.positions[0].take_profit");
  j = good;
  j["positions"].push_back(j["positions"][0]);
  expect_error(j, "twice");
  j = good;
  j["positions"][0]["symbol"] = "not a symbol!";
  expect_error(j, "state.positions[0].symbol");
  j = good;
  j["orders"][0]["client_order_id"] = "bad id";
  expect_error(j, "state.orders[0].client_order_id");
  j = good;
  j["orders"][0]["side"] = "SHORT";
  expect_error(j, "state.orders[0].side");
  j = good;
  j["orders"][0]["status"] = "LOST";
  expect_error(j, "state.orders[0].status");
  j = good;
  j["orders"][0]["filled_quantity"] = "3";
  expect_error(j, "state.orders[0].filled_quantity");
  j = good;
  j["orders"][1]["status"] = "NEW";
  j["orders"][1].erase("stop_loss");
  j["orders"][1].erase("take_profit");
  expect_error(j, "state.orders[1]");
  j = good;
  j["orders"].push_back(j["orders"][0]);
  expect_error(j, "twice");
  j = good;
  j["last_prices"]["BTCUSDT"] = "0";
  expect_error(j, "state.last_prices");
  j = good;
  j["last_prices"] = nlohmann::json::array();
  expect_error(j, "state.last_prices");

  // Every field of every object replaced by each wrong type: an error or a valid state.
  const nlohmann::json wrong[] = {
      nullptr, true, -1, 1.5, "", "x", nlohmann::json::array(), nlohmann::json::object()};
  for (const char* list : {"positions", "orders"}) {
    for (std::size_t i = 0; i < good[list].size(); ++i) {
      for (const auto& field : good[list][i].items()) {
        for (const auto& value : wrong) {
          auto mutated = good;
          mutated[list][i][field.key()] = value;
          if (const auto state = state_from_json(mutated, error)) {
            PaperBroker restored{options_, clock_, *state};
            restored.on_price(S("BTCUSDT"), D("1"), 99);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace autotrader::paper
