#include "venues/paper/paper_broker.hpp"

#include <gtest/gtest.h>

#include <string>

#include "decimal_printer.hpp"
#include "venues/paper/client_order_id.hpp"

namespace autotrader::paper {
namespace {

core::Decimal D(const char* text) {
  const auto value = core::Decimal::parse(text);
  EXPECT_TRUE(value) << text;
  return value.value_or(core::Decimal{});
}

core::Symbol S(const char* text) {
  return *core::Symbol::parse(text);
}

template <class T>
std::vector<T> all_of(const VenueEvents& events) {
  std::vector<T> out;
  for (const auto& e : events) {
    if (const auto* v = std::get_if<T>(&e)) out.push_back(*v);
  }
  return out;
}

template <class T>
T only(const VenueEvents& events) {
  EXPECT_EQ(events.size(), 1u);
  const auto found = all_of<T>(events);
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? T{} : found.front();
}

OrderRequest buy(const std::string& decision, const char* qty, const char* sl = "95",
                 const char* tp = "120", const char* symbol = "BTCUSDT") {
  OrderRequest r;
  r.decision_id = decision;
  r.client_order_id = make_client_order_id(decision, OrderPurpose::entry);
  r.symbol = S(symbol);
  r.side = Side::buy;
  r.quantity = D(qty);
  r.protection = Protection{D(sl), D(tp)};
  return r;
}

OrderRequest sell(const std::string& decision, const char* qty, const char* symbol = "BTCUSDT") {
  OrderRequest r;
  r.decision_id = decision;
  r.client_order_id = make_client_order_id(decision, OrderPurpose::exit);
  r.symbol = S(symbol);
  r.side = Side::sell;
  r.quantity = D(qty);
  return r;
}

class PaperBrokerTest : public ::testing::Test {
 protected:
  core::ManualClock clock_;
  PaperBrokerOptions options_;  // defaults: 10000 USDT, 10 bps fee, 5 bps slippage
  PaperBroker broker_{options_, clock_};
  const core::Symbol btc_ = S("BTCUSDT");
};

TEST_F(PaperBrokerTest, DefaultOptionsAreValidAndBadOnesAreNamed) {
  EXPECT_FALSE(validate(options_));
  auto o = options_;
  o.slippage_bps = D("10000");
  EXPECT_TRUE(validate(o));
  o = options_;
  o.partial_fill_fraction = D("0");
  EXPECT_TRUE(validate(o));
  o = options_;
  o.partial_fill_fraction = D("1.5");
  EXPECT_TRUE(validate(o));
  o = options_;
  o.quantity_step = D("0");
  EXPECT_TRUE(validate(o));
  o = options_;
  o.fee_bps = D("-1");
  EXPECT_TRUE(validate(o));
  o = options_;
  o.max_order_history = 0;
  EXPECT_TRUE(validate(o));
}

TEST_F(PaperBrokerTest, MarketBuyFillsAtTheNextPriceWithSlippageAndFeeExactly) {
  broker_.on_price(btc_, D("99"), 1);
  const auto accepted = only<OrderAccepted>(broker_.place(buy("d1", "2")));
  EXPECT_EQ(accepted.order.client_order_id, "at-d1-en");
  EXPECT_EQ(accepted.order.status, OrderStatus::open);
  EXPECT_EQ(broker_.open_orders().size(), 1u);
  EXPECT_EQ(broker_.quote_balance(), D("10000"));  // nothing happens before the next price

  const auto fill = only<Fill>(broker_.on_price(btc_, D("100"), 2));
  EXPECT_EQ(fill.price, D("100.05"));  // 100 x (1 + 5 bps), against the buyer
  EXPECT_EQ(fill.quantity, D("2"));
  EXPECT_EQ(fill.fee, D("0.2001"));  // 200.1 x 10 bps
  EXPECT_EQ(fill.remaining_quantity, D("0"));
  EXPECT_EQ(fill.realized_pnl, D("0"));
  EXPECT_EQ(fill.time, 2);
  EXPECT_EQ(fill.trade_id, 1);
  EXPECT_EQ(broker_.quote_balance(), D("9799.6999"));  // 10000 - 200.1 - 0.2001

  const auto position = broker_.position(btc_);
  ASSERT_TRUE(position);
  EXPECT_EQ(position->quantity, D("2"));
  EXPECT_EQ(position->average_entry_price, D("100.05"));
  ASSERT_TRUE(position->protection);
  EXPECT_EQ(position->protection->stop_loss, D("95"));
  EXPECT_EQ(position->protection->take_profit, D("120"));
  EXPECT_EQ(position->decision_id, "d1");
  EXPECT_TRUE(broker_.open_orders().empty());

  const auto order = broker_.order("at-d1-en");
  ASSERT_TRUE(order);
  EXPECT_EQ(order->status, OrderStatus::filled);
  EXPECT_EQ(order->filled_quote, D("200.1"));
  EXPECT_EQ(order->fees, D("0.2001"));
}

TEST_F(PaperBrokerTest, SellRealizesPnlNetOfItsFee) {
  broker_.place(buy("d1", "2"));
  broker_.on_price(btc_, D("100"), 1);
  ASSERT_FALSE(all_of<OrderAccepted>(broker_.place(sell("d2", "2"))).empty());
  const auto fill = only<Fill>(broker_.on_price(btc_, D("110"), 2));
  EXPECT_EQ(fill.price, D("109.945"));  // 110 x (1 - 5 bps), against the seller
  EXPECT_EQ(fill.fee, D("0.21989"));    // 219.89 x 10 bps
  // (109.945 - 100.05) x 2 - 0.21989
  EXPECT_EQ(fill.realized_pnl, D("19.57011"));
  EXPECT_EQ(broker_.quote_balance(), D("10019.37001"));  // 9799.6999 + 219.89 - 0.21989
  EXPECT_FALSE(broker_.position(btc_));
  EXPECT_EQ(broker_.equity(), D("10019.37001"));
}

TEST_F(PaperBrokerTest, FillPricesRoundAgainstTheTraderAndFeesRoundUp) {
  const auto sym = S("XRPUSDT");
  broker_.place(buy("d1", "3", "0.1", "0.2", "XRPUSDT"));
  const auto bought = only<Fill>(broker_.on_price(sym, D("0.123456789"), 1));
  // 0.123456789 x 1.0005 = 0.1235185173945, ceiling at 8 digits
  EXPECT_EQ(bought.price, D("0.12351852"));
  // 0.37055556 x 0.001 = 0.00037055556, ceiling at 8 digits
  EXPECT_EQ(bought.fee, D("0.00037056"));
  broker_.place(sell("d2", "3", "XRPUSDT"));
  const auto sold = only<Fill>(broker_.on_price(sym, D("0.123456789"), 2));
  // 0.123456789 x 0.9995 = 0.1233950606055, floor at 8 digits
  EXPECT_EQ(sold.price, D("0.12339506"));
}

TEST_F(PaperBrokerTest, AveragesEntryOverBuysAndNewestProtectionCoversThePosition) {
  auto o = options_;
  o.slippage_bps = D("0");
  o.fee_bps = D("0");
  PaperBroker broker{o, clock_};
  broker.place(buy("d1", "1", "90", "120"));
  broker.on_price(btc_, D("100"), 1);
  broker.place(buy("d2", "3", "99", "130"));
  broker.on_price(btc_, D("104"), 2);
  const auto position = broker.position(btc_);
  ASSERT_TRUE(position);
  EXPECT_EQ(position->quantity, D("4"));
  EXPECT_EQ(position->average_entry_price, D("103"));  // (100 + 3 x 104) / 4
  EXPECT_EQ(position->protection->stop_loss, D("99"));
  EXPECT_EQ(position->decision_id, "d2");
  EXPECT_EQ(broker.quote_balance(), D("9588"));
  EXPECT_EQ(broker.equity(), D("10004"));  // 9588 + 4 x 104
}

TEST_F(PaperBrokerTest, PartialFillsTakeTheConfiguredShareOfEachUpdate) {
  auto o = options_;
  o.partial_fill_fraction = D("0.4");
  o.slippage_bps = D("0");
  o.fee_bps = D("0");
  PaperBroker broker{o, clock_};
  broker.place(buy("d1", "1"));
  auto first = only<Fill>(broker.on_price(btc_, D("100"), 1));
  EXPECT_EQ(first.quantity, D("0.4"));
  EXPECT_EQ(first.remaining_quantity, D("0.6"));
  EXPECT_EQ(broker.order("at-d1-en")->status, OrderStatus::partially_filled);
  EXPECT_EQ(broker.open_orders().size(), 1u);
  auto second = only<Fill>(broker.on_price(btc_, D("101"), 2));
  EXPECT_EQ(second.quantity, D("0.4"));
  auto third = only<Fill>(broker.on_price(btc_, D("102"), 3));
  EXPECT_EQ(third.quantity, D("0.2"));  // the rest, never more than remains
  EXPECT_EQ(third.remaining_quantity, D("0"));
  EXPECT_EQ(broker.order("at-d1-en")->status, OrderStatus::filled);
  EXPECT_EQ(broker.order("at-d1-en")->filled_quote, D("100.8"));  // 40 + 40.4 + 20.4
  EXPECT_EQ(broker.position(btc_)->average_entry_price, D("100.8"));
  EXPECT_TRUE(broker.on_price(btc_, D("103"), 4).empty());
}

TEST_F(PaperBrokerTest, PartialFillsRoundDownToTheQuantityStep) {
  auto o = options_;
  o.partial_fill_fraction = D("0.3");
  o.quantity_step = D("0.1");
  PaperBroker broker{o, clock_};
  broker.place(buy("d1", "0.5"));
  // 0.5 x 0.3 = 0.15 rounds down to 0.1
  EXPECT_EQ(only<Fill>(broker.on_price(btc_, D("100"), 1)).quantity, D("0.1"));
  broker.place(buy("d2", "0.2"));
  // 0.2 x 0.3 = 0.06 rounds to 0: the whole rest fills rather than never
  const auto fills = all_of<Fill>(broker.on_price(btc_, D("100"), 2));
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[1].client_order_id, "at-d2-en");
  EXPECT_EQ(fills[1].quantity, D("0.2"));
}

TEST_F(PaperBrokerTest, CancelEndsAnOpenOrderKeepingItsFills) {
  auto o = options_;
  o.partial_fill_fraction = D("0.5");
  PaperBroker broker{o, clock_};
  broker.place(buy("d1", "1"));
  broker.on_price(btc_, D("100"), 1);
  clock_.advance(std::chrono::seconds{1});
  const auto cancelled = only<OrderCancelled>(broker.cancel("at-d1-en"));
  EXPECT_EQ(cancelled.reason, CancelReason::requested);
  EXPECT_EQ(cancelled.filled_quantity, D("0.5"));
  EXPECT_EQ(cancelled.time, 1'700'000'001'000);
  EXPECT_EQ(broker.order("at-d1-en")->status, OrderStatus::cancelled);
  EXPECT_EQ(broker.position(btc_)->quantity, D("0.5"));
  EXPECT_TRUE(broker.on_price(btc_, D("100"), 2).empty());

  EXPECT_EQ(only<OrderRejected>(broker.cancel("at-d1-en")).reason, RejectReason::order_not_open);
  EXPECT_EQ(only<OrderRejected>(broker.cancel("nope")).reason, RejectReason::unknown_order);
  EXPECT_EQ(only<OrderRejected>(broker.cancel("")).reason, RejectReason::unknown_order);
}

TEST_F(PaperBrokerTest, DuplicateClientOrderIdNeverCreatesASecondOrder) {
  broker_.place(buy("d1", "1"));
  const auto again = only<OrderRejected>(broker_.place(buy("d1", "5")));
  EXPECT_EQ(again.reason, RejectReason::duplicate_client_order_id);
  EXPECT_EQ(broker_.open_orders().size(), 1u);
  EXPECT_EQ(broker_.order("at-d1-en")->quantity, D("1"));
  broker_.on_price(btc_, D("100"), 1);
  // Still a duplicate once filled (unlike Binance, whose check covers open orders only).
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d1", "1"))).reason,
            RejectReason::duplicate_client_order_id);
  EXPECT_EQ(broker_.position(btc_)->quantity, D("1"));
}

TEST_F(PaperBrokerTest, InsufficientBalanceIsRejectedAtPlacementAndCancelledAtFill) {
  broker_.on_price(btc_, D("100"), 1);
  // 100 x 100.05 + 10.005 fee = 10015.005 > 10000
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d1", "100"))).reason,
            RejectReason::insufficient_balance);
  // Together with the open BUYs: 60 and 40 each fit, both do not.
  EXPECT_FALSE(all_of<OrderAccepted>(broker_.place(buy("d2", "60"))).empty());
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d3", "40"))).reason,
            RejectReason::insufficient_balance);
  EXPECT_FALSE(broker_.order("at-d3-en"));  // a rejected id may be placed again later

  // A price jump between placement and fill: the fill re-checks the real cost.
  PaperBroker fresh{options_, clock_};
  fresh.on_price(btc_, D("100"), 1);
  ASSERT_FALSE(all_of<OrderAccepted>(fresh.place(buy("d1", "99", "95", "1000"))).empty());
  const auto cancelled = only<OrderCancelled>(fresh.on_price(btc_, D("102"), 2));
  EXPECT_EQ(cancelled.reason, CancelReason::insufficient_balance);
  EXPECT_EQ(fresh.quote_balance(), D("10000"));
  EXPECT_FALSE(fresh.position(btc_));
}

TEST_F(PaperBrokerTest, SpotOnlySellWithoutPositionIsRejected) {
  const auto rejected = only<OrderRejected>(broker_.place(sell("d1", "1")));
  EXPECT_EQ(rejected.reason, RejectReason::no_position);
  EXPECT_NE(rejected.message.find("no shorting"), std::string::npos);

  broker_.place(buy("d2", "1"));
  broker_.on_price(btc_, D("100"), 1);
  EXPECT_EQ(only<OrderRejected>(broker_.place(sell("d3", "1.5"))).reason,
            RejectReason::no_position);
  EXPECT_FALSE(all_of<OrderAccepted>(broker_.place(sell("d4", "0.6"))).empty());
  // 0.6 is reserved by the open SELL: only 0.4 is left to sell.
  EXPECT_EQ(only<OrderRejected>(broker_.place(sell("d5", "0.5"))).reason,
            RejectReason::no_position);
  const auto balances = broker_.balances();
  ASSERT_EQ(balances.size(), 2u);
  EXPECT_EQ(balances[0].asset, "USDT");
  EXPECT_EQ(balances[1].asset, "BTC");
  EXPECT_EQ(balances[1].free, D("0.4"));
  EXPECT_EQ(balances[1].locked, D("0.6"));
}

TEST_F(PaperBrokerTest, BuyNeedsConsistentProtection) {
  auto r = buy("d1", "1");
  r.protection.reset();
  EXPECT_EQ(only<OrderRejected>(broker_.place(r)).reason, RejectReason::missing_protection);
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d2", "1", "120", "95"))).reason,
            RejectReason::invalid_protection);
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d3", "1", "0", "95"))).reason,
            RejectReason::invalid_protection);
  broker_.on_price(btc_, D("100"), 1);
  // With a known price, the stop must be below it and the target above it.
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d4", "1", "101", "120"))).reason,
            RejectReason::invalid_protection);
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d5", "1", "90", "100"))).reason,
            RejectReason::invalid_protection);
}

TEST_F(PaperBrokerTest, StopLossSellsThePositionWhenThePriceFallsToIt) {
  broker_.place(buy("d1", "2"));
  broker_.on_price(btc_, D("100"), 1);
  EXPECT_TRUE(broker_.on_price(btc_, D("95.01"), 2).empty());
  const auto events = broker_.on_price(btc_, D("95"), 3);
  ASSERT_EQ(events.size(), 2u);
  const auto exit = std::get<ProtectiveExit>(events[0]);
  EXPECT_EQ(exit.kind, ProtectiveKind::stop_loss);
  EXPECT_EQ(exit.client_order_id, "at-d1-sl");
  EXPECT_EQ(exit.trigger_price, D("95"));
  EXPECT_EQ(exit.market_price, D("95"));
  const auto fill = std::get<Fill>(events[1]);
  EXPECT_EQ(fill.client_order_id, "at-d1-sl");
  EXPECT_EQ(fill.side, Side::sell);
  EXPECT_EQ(fill.quantity, D("2"));
  EXPECT_EQ(fill.price, D("94.9525"));  // 95 x (1 - 5 bps)
  EXPECT_EQ(fill.fee, D("0.189905"));
  // (94.9525 - 100.05) x 2 - 0.189905
  EXPECT_EQ(fill.realized_pnl, D("-10.384905"));
  EXPECT_FALSE(broker_.position(btc_));
  EXPECT_EQ(broker_.order("at-d1-sl")->status, OrderStatus::filled);
  EXPECT_TRUE(broker_.on_price(btc_, D("80"), 4).empty());  // fires once
}

TEST_F(PaperBrokerTest, GapThroughTheStopFillsAtTheUpdatesPriceWorseThanTheStop) {
  broker_.place(buy("d1", "1"));
  broker_.on_price(btc_, D("100"), 1);
  const auto events = broker_.on_price(btc_, D("80"), 2);
  const auto exit = only<ProtectiveExit>({events[0]});
  EXPECT_EQ(exit.trigger_price, D("95"));
  EXPECT_EQ(exit.market_price, D("80"));
  const auto fill = all_of<Fill>(events).at(0);
  EXPECT_EQ(fill.price, D("79.96"));  // 80 less slippage, not 95
}

TEST_F(PaperBrokerTest, TakeProfitSellsThePositionWhenThePriceRisesToIt) {
  broker_.place(buy("d1", "1"));
  broker_.on_price(btc_, D("100"), 1);
  EXPECT_TRUE(broker_.on_price(btc_, D("119.99"), 2).empty());
  const auto events = broker_.on_price(btc_, D("125"), 3);
  const auto exits = all_of<ProtectiveExit>(events);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].kind, ProtectiveKind::take_profit);
  EXPECT_EQ(exits[0].client_order_id, "at-d1-tp");
  EXPECT_EQ(all_of<Fill>(events).at(0).price, D("124.9375"));
  EXPECT_FALSE(broker_.position(btc_));
}

TEST_F(PaperBrokerTest, ProtectiveExitCancelsOpenSellsAndIgnoresPartialFillSetting) {
  auto o = options_;
  o.partial_fill_fraction = D("0.25");
  PaperBroker broker{o, clock_};
  broker.place(buy("d1", "1"));
  for (int i = 0; i < 4; ++i) broker.on_price(btc_, D("100"), i);
  ASSERT_EQ(broker.position(btc_)->quantity, D("1"));
  broker.place(sell("d2", "0.5"));
  const auto events = broker.on_price(btc_, D("90"), 10);
  const auto cancelled = all_of<OrderCancelled>(events);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0].client_order_id, "at-d2-ex");
  EXPECT_EQ(cancelled[0].reason, CancelReason::position_closed);
  const auto fills = all_of<Fill>(events);
  core::Decimal sold;
  for (const auto& f : fills) sold = *core::add(sold, f.quantity);
  EXPECT_EQ(sold, D("1"));
  EXPECT_FALSE(broker.position(btc_));
}

TEST_F(PaperBrokerTest, ProtectionIsWatchedFromTheUpdateAfterTheEntryFills) {
  broker_.place(buy("d1", "1", "95", "120"));
  // The entry fills at 200: above the target, yet no exit on the same update.
  const auto events = broker_.on_price(btc_, D("200"), 1);
  EXPECT_TRUE(all_of<ProtectiveExit>(events).empty());
  EXPECT_EQ(all_of<ProtectiveExit>(broker_.on_price(btc_, D("200"), 2)).size(), 1u);
}

TEST_F(PaperBrokerTest, PricesOfOtherSymbolsDoNotTouchAnOrder) {
  broker_.place(buy("d1", "1"));
  EXPECT_TRUE(broker_.on_price(S("ETHUSDT"), D("100"), 1).empty());
  EXPECT_EQ(broker_.open_orders().size(), 1u);
}

TEST_F(PaperBrokerTest, OldFinishedOrdersAreForgottenBeyondTheHistoryLimit) {
  auto o = options_;
  o.max_order_history = 2;
  PaperBroker broker{o, clock_};
  for (int i = 0; i < 3; ++i) {
    broker.place(buy("d" + std::to_string(i), "0.01"));
    broker.on_price(btc_, D("100"), i);
  }
  EXPECT_FALSE(broker.order("at-d0-en"));
  EXPECT_TRUE(broker.order("at-d1-en"));
  EXPECT_TRUE(broker.order("at-d2-en"));
}

TEST_F(PaperBrokerTest, BadInputIsRejectedNeverCrashes) {
  auto r = buy("d1", "1");
  r.client_order_id = "";
  EXPECT_EQ(only<OrderRejected>(broker_.place(r)).reason, RejectReason::invalid_client_order_id);
  r.client_order_id = std::string(37, 'a');
  EXPECT_EQ(only<OrderRejected>(broker_.place(r)).reason, RejectReason::invalid_client_order_id);
  r.client_order_id = "bad id";
  EXPECT_EQ(only<OrderRejected>(broker_.place(r)).reason, RejectReason::invalid_client_order_id);
  r = buy("d1", "1");
  r.symbol = core::Symbol{};
  EXPECT_EQ(only<OrderRejected>(broker_.place(r)).reason, RejectReason::invalid_symbol);
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d2", "0"))).reason,
            RejectReason::invalid_quantity);
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d3", "-1"))).reason,
            RejectReason::invalid_quantity);
  EXPECT_EQ(only<OrderRejected>(broker_.place(buy("d4", "0.000000001"))).reason,
            RejectReason::invalid_quantity);

  EXPECT_TRUE(broker_.on_price(btc_, D("0"), 1).empty());
  EXPECT_TRUE(broker_.on_price(btc_, D("-5"), 1).empty());
  EXPECT_TRUE(broker_.on_price(core::Symbol{}, D("5"), 1).empty());
  EXPECT_EQ(broker_.ignored_prices(), 3u);
  EXPECT_FALSE(broker_.last_price(btc_));

  // Amounts too large for a Decimal: an order is refused or cancelled, the account is intact.
  PaperBroker big{options_, clock_};
  ASSERT_FALSE(
      all_of<OrderAccepted>(big.place(buy("d5", "900000000000", "1", "9000000000"))).empty());
  const auto events = big.on_price(btc_, D("80000000"), 1);
  const auto cancelled = only<OrderCancelled>(events);
  EXPECT_EQ(cancelled.reason, CancelReason::arithmetic_overflow);  // 9e11 x 8e7 > 9.2e18
  EXPECT_EQ(big.quote_balance(), D("10000"));
  EXPECT_EQ(big.order("at-d5-en")->status, OrderStatus::cancelled);
}

// One line per event with every field a result depends on, so that two runs compare as text.
std::string describe(const VenueEvents& events) {
  std::string out;
  for (const auto& event : events) {
    if (const auto* e = std::get_if<OrderAccepted>(&event)) {
      out += "accepted " + e->order.client_order_id + " " + e->order.quantity.to_string();
    } else if (const auto* e = std::get_if<Fill>(&event)) {
      out += "fill " + e->client_order_id + " #" + std::to_string(e->trade_id) + " " +
             to_string(e->side) + " " + e->quantity.to_string() + " @ " + e->price.to_string() +
             " fee " + e->fee.to_string() + " left " + e->remaining_quantity.to_string() + " pnl " +
             e->realized_pnl.to_string();
    } else if (const auto* e = std::get_if<OrderRejected>(&event)) {
      out += "rejected " + e->client_order_id + " " + to_string(e->reason) + ": " + e->message;
    } else if (const auto* e = std::get_if<OrderCancelled>(&event)) {
      out += "cancelled " + e->client_order_id + " " + to_string(e->reason) + " after " +
             e->filled_quantity.to_string();
    } else if (const auto* e = std::get_if<ProtectiveExit>(&event)) {
      out += "exit " + e->client_order_id + " " + to_string(e->kind) + " at " +
             e->market_price.to_string();
    }
    out += "\n";
  }
  return out;
}

// The account as text: balances (with what open SELLs lock), positions and open orders.
std::string describe_account(const PaperBroker& broker) {
  std::string out;
  for (const auto& b : broker.balances())
    out += b.asset + " " + b.free.to_string() + " locked " + b.locked.to_string() + "\n";
  for (const auto& p : broker.positions())
    out += "position " + p.symbol.str() + " " + p.quantity.to_string() + " @ " +
           p.average_entry_price.to_string() + " by " + p.decision_id + "\n";
  for (const auto& o : broker.open_orders())
    out += "open " + o.client_order_id + " " + o.filled_quantity.to_string() + "\n";
  return out;
}

// Fills in placement order across symbols, the balance check over the open BUYs, the SELL
// reservation, a stop-loss that cancels an open SELL, a take-profit, and an order placed long
// before (at-old-en, SOLUSDT) filling last.
std::string trade(PaperBroker& broker) {
  const auto btc = S("BTCUSDT");
  const auto eth = S("ETHUSDT");
  std::string out;
  out += describe(broker.place(buy("e1", "10")));
  out += describe(broker.place(buy("e2", "20", "45", "60", "ETHUSDT")));
  out += describe(broker.place(buy("e3", "5")));
  out += describe(broker.on_price(eth, D("50"), 1));
  out += describe(broker.on_price(btc, D("100"), 2));  // e1 then e3
  out += describe(broker.place(sell("x1", "4")));
  out += describe(broker.place(sell("x2", "12")));    // 15 held, 4 reserved: no_position
  out += describe(broker.place(buy("e4", "100")));    // more than the balance
  out += describe(broker.place(buy("e5", "30")));     // fits
  out += describe(broker.place(buy("e6", "50")));     // fits only without e5: rejected
  out += describe(broker.on_price(btc, D("94"), 3));  // stop: x1 cancelled, exit, e5 fills
  out += describe(broker.on_price(eth, D("61"), 4));  // take-profit
  out += describe(broker.on_price(btc, D("93"), 5));  // e5's stop
  out += describe(broker.on_price(S("SOLUSDT"), D("10"), 6));
  return out + describe_account(broker);
}

TEST_F(PaperBrokerTest, TenThousandFinishedOrdersChangeNoResult) {
  PaperBroker fresh{options_, clock_};
  PaperBroker busy{options_, clock_};
  for (auto* broker : {&fresh, &busy}) {
    ASSERT_FALSE(
        all_of<OrderAccepted>(broker->place(buy("old", "1", "5", "20", "SOLUSDT"))).empty());
  }
  // 10,050 finished orders on the symbols the scenario trades, after the open one.
  for (int i = 0; i < 10'050; ++i) {
    const auto request =
        buy("h" + std::to_string(i), "1", "95", "120", i % 2 == 0 ? "BTCUSDT" : "ETHUSDT");
    ASSERT_FALSE(all_of<OrderAccepted>(busy.place(request)).empty());
    ASSERT_FALSE(all_of<OrderCancelled>(busy.cancel(request.client_order_id)).empty());
  }
  // The oldest finished ones are forgotten, the open one older than all of them is kept.
  EXPECT_FALSE(busy.order("at-h49-en"));
  EXPECT_TRUE(busy.order("at-h50-en"));
  EXPECT_EQ(busy.order("at-old-en")->status, OrderStatus::open);
  EXPECT_EQ(busy.state().orders.size(), 10'001u);
  EXPECT_EQ(only<OrderRejected>(busy.place(buy("h10049", "1"))).reason,
            RejectReason::duplicate_client_order_id);

  const auto expected = trade(fresh);
  EXPECT_EQ(trade(busy), expected);
  // The scenario did what it says, so that the comparison means something.
  EXPECT_NE(expected.find("fill at-e1-en #2"), std::string::npos) << expected;
  EXPECT_NE(expected.find("fill at-e3-en #3"), std::string::npos) << expected;
  EXPECT_NE(expected.find("rejected at-x2-ex no_position"), std::string::npos) << expected;
  EXPECT_NE(expected.find("rejected at-e6-en insufficient_balance"), std::string::npos) << expected;
  EXPECT_NE(expected.find("cancelled at-x1-ex position_closed"), std::string::npos) << expected;
  EXPECT_NE(expected.find("exit at-e3-sl stop_loss"), std::string::npos) << expected;
  EXPECT_NE(expected.find("exit at-e2-tp take_profit"), std::string::npos) << expected;
  EXPECT_NE(expected.find("exit at-e5-sl stop_loss"), std::string::npos) << expected;
  EXPECT_NE(expected.find("fill at-old-en"), std::string::npos) << expected;
  EXPECT_EQ(busy.open_orders().size(), 0u);
  // 10,050 + the scenario's finished orders, but only the newest 10,000 are kept.
  EXPECT_EQ(busy.state().orders.size(), 10'000u);
}

TEST_F(PaperBrokerTest, RestartRebuildsTheOpenOrdersSoTheyStillFillAndExit) {
  PaperBroker broker{options_, clock_};
  broker.place(buy("a1", "2"));
  broker.on_price(btc_, D("100"), 1);  // a position protected at 95 / 120
  broker.place(buy("c1", "1"));
  broker.cancel("at-c1-en");  // finished, between open orders
  broker.place(buy("a2", "1", "45", "60", "ETHUSDT"));
  broker.place(sell("s1", "0.5"));
  broker.place(buy("a3", "1"));
  broker.place(buy("a4", "3", "45", "60", "ETHUSDT"));

  PaperBroker restarted{options_, clock_, broker.state()};
  EXPECT_EQ(describe_account(restarted), describe_account(broker));
  ASSERT_EQ(restarted.open_orders().size(), 4u);
  EXPECT_EQ(restarted.open_orders()[1].client_order_id, "at-s1-ex");  // in placement order
  // The restarted broker answers every later input as the original does.
  for (auto* b : {&broker, &restarted}) {
    SCOPED_TRACE(b == &broker ? "original" : "restarted");
    const auto eth = describe(b->on_price(S("ETHUSDT"), D("50"), 2));
    EXPECT_EQ(eth.find("fill at-a2-en #2"), 0u) << eth;  // a2 then a4
    EXPECT_NE(eth.find("fill at-a4-en #3"), std::string::npos) << eth;
    EXPECT_EQ(b->balances()[1].locked, D("0.5"));  // BTC: the open SELL's reservation
    const auto btc = describe(b->on_price(btc_, D("90"), 3));
    EXPECT_EQ(btc.find("cancelled at-s1-ex position_closed"), 0u) << btc;
    EXPECT_NE(btc.find("exit at-a1-sl"), std::string::npos) << btc;
    EXPECT_NE(btc.find("fill at-a3-en"), std::string::npos) << btc;  // after the exit
    EXPECT_TRUE(b->open_orders().empty());
  }
  EXPECT_EQ(describe_account(restarted), describe_account(broker));

  // A restart with a shorter history keeps the open orders and the newest finished ones.
  auto o = options_;
  o.max_order_history = 2;
  ASSERT_FALSE(all_of<OrderAccepted>(broker.place(buy("b1", "1", "80", "110"))).empty());
  PaperBroker short_history{o, clock_, broker.state()};
  EXPECT_EQ(short_history.state().orders.size(), 3u);
  EXPECT_EQ(short_history.open_orders().size(), 1u);
  EXPECT_TRUE(short_history.order("at-a1-sl"));
  EXPECT_FALSE(short_history.order("at-a1-en"));
  EXPECT_NE(describe(short_history.on_price(btc_, D("100"), 4)).find("fill at-b1-en"),
            std::string::npos);
}

TEST_F(PaperBrokerTest, AnExitNeverTakesTheIdOfAnOrderTheBrokerKeeps) {
  // Decision "d" exits twice; its fallback id make("d#6", sl) is taken by decision "d#6"'s exit.
  auto entry = [&](const std::string& decision, const std::string& id) {
    auto r = buy(decision, "1");
    r.client_order_id = id;
    ASSERT_FALSE(all_of<OrderAccepted>(broker_.place(r)).empty());
  };
  broker_.on_price(btc_, D("100"), 1);
  entry("d", "e1");
  broker_.on_price(btc_, D("100"), 2);  // trade 1
  broker_.on_price(btc_, D("94"), 3);   // exit at-d-sl, trade 2
  broker_.on_price(btc_, D("100"), 4);
  entry("d#6", "e2");
  broker_.on_price(btc_, D("100"), 5);  // trade 3
  broker_.on_price(btc_, D("94"), 6);   // exit make("d#6", sl), trade 4
  broker_.on_price(btc_, D("100"), 7);
  entry("d", "e3");
  broker_.on_price(btc_, D("100"), 8);  // trade 5: the next exit is trade 6
  const auto taken = make_client_order_id("d#6", OrderPurpose::stop_loss);
  ASSERT_EQ(broker_.order(taken)->decision_id, "d#6");

  const auto events = broker_.on_price(btc_, D("94"), 9);
  const auto exit = all_of<ProtectiveExit>(events);
  ASSERT_EQ(exit.size(), 1u);
  EXPECT_NE(exit[0].client_order_id, "at-d-sl");
  EXPECT_NE(exit[0].client_order_id, taken);
  EXPECT_EQ(broker_.order(exit[0].client_order_id)->status, OrderStatus::filled);
  EXPECT_EQ(broker_.order(taken)->decision_id, "d#6");  // untouched
  EXPECT_EQ(broker_.order(taken)->updated_ms, 6);
  EXPECT_FALSE(broker_.position(btc_));
}

}  // namespace
}  // namespace autotrader::paper
