// The fake's exchange without sockets: fills, exact balances and commissions, resting orders and
// their matching, stop triggers, OCO lists, filters and the -2010 / -2011 rules, and the events.
#include "tests/fakes/binance/exchange.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/fakes/binance/exchange_json.hpp"
#include "tests/fakes/binance/fake_binance.hpp"

namespace autotrader::fakes::binance {
namespace {

constexpr core::TimestampMs kNow = 1'700'000'000'000;

Decimal d(const char* text) {
  auto value = Decimal::parse(text);
  EXPECT_TRUE(value) << text;
  return value.value_or(Decimal{});
}

NewOrder order(Side side, OrderType type, const char* quantity, const char* price = nullptr) {
  NewOrder o;
  o.symbol = "BTCUSDT";
  o.side = side;
  o.type = type;
  if (quantity) o.quantity = d(quantity);
  if (price) o.price = d(price);
  return o;
}

class ExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override { make(1); }

  void make(std::size_t fill_parts) {
    std::ifstream in{default_exchange_info_file()};
    ASSERT_TRUE(in);
    ExchangeOptions options{{{"USDT", d("10000")}}, d("0.001"), fill_parts};
    exchange = std::make_unique<Exchange>(options);
    exchange->set_rules(parse_symbol_rules(nlohmann::json::parse(in)));
    exchange->set_price("BTCUSDT", d("100"), kNow);
  }

  std::int64_t place(const NewOrder& request) {
    auto placed = exchange->place(request, kNow);
    if (auto* error = std::get_if<ApiError>(&placed)) {
      ADD_FAILURE() << error->code << " " << error->msg;
      return 0;
    }
    return std::get<std::int64_t>(placed);
  }

  ApiError refused(const NewOrder& request) {
    auto placed = exchange->place(request, kNow);
    EXPECT_TRUE(std::holds_alternative<ApiError>(placed));
    return std::holds_alternative<ApiError>(placed) ? std::get<ApiError>(placed) : ApiError{};
  }

  Balance balance(const std::string& asset) { return exchange->balances().at(asset); }

  // The executionReport events' "x" values, in order (other events skipped).
  std::vector<std::string> executions(const std::vector<nlohmann::json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (e["e"] == "executionReport")
        out.push_back(e["x"].get<std::string>() + ":" + e["X"].get<std::string>());
    }
    return out;
  }

  std::unique_ptr<Exchange> exchange;
};

TEST_F(ExchangeTest, EveryAssetOfTheRulesHasABalance) {
  EXPECT_EQ(balance("USDT").free, d("10000"));
  for (const char* asset : {"BTC", "ETH", "BNB"}) {
    ASSERT_TRUE(exchange->balances().count(asset)) << asset;
    EXPECT_TRUE(balance(asset).free.is_zero());
  }
}

TEST_F(ExchangeTest, MarketBuyFillsAtTheLastPriceAndPaysCommissionInTheBase) {
  exchange->take_events();
  auto id = place(order(Side::buy, OrderType::market, "0.5"));
  const auto& o = *exchange->order(id);
  EXPECT_EQ(o.status, OrderStatus::filled);
  EXPECT_EQ(o.executed_qty, d("0.5"));
  EXPECT_EQ(o.cummulative_quote_qty, d("50"));
  EXPECT_EQ(balance("USDT").free, d("9950"));
  EXPECT_EQ(balance("BTC").free, d("0.4995"));
  ASSERT_EQ(exchange->fills().size(), 1u);
  const auto& fill = exchange->fills()[0];
  EXPECT_EQ(fill.id, 1);
  EXPECT_EQ(fill.price, d("100"));
  EXPECT_EQ(fill.commission, d("0.0005"));
  EXPECT_EQ(fill.commission_asset, "BTC");
  EXPECT_TRUE(fill.is_buyer);
  EXPECT_FALSE(fill.is_maker);
  auto events = exchange->take_events();
  EXPECT_EQ(executions(events), (std::vector<std::string>{"NEW:NEW", "TRADE:FILLED"}));
  EXPECT_EQ(events.back()["e"], "outboundAccountPosition");
}

TEST_F(ExchangeTest, MarketSellPaysCommissionInTheQuote) {
  exchange->set_balance("BTC", d("1"));
  place(order(Side::sell, OrderType::market, "0.5"));
  EXPECT_EQ(balance("BTC").free, d("0.5"));
  EXPECT_EQ(balance("USDT").free, d("10049.95"));
  EXPECT_EQ(exchange->fills()[0].commission_asset, "USDT");
}

TEST_F(ExchangeTest, MarketByQuoteOrderQtyRoundsTheQuantityDownToTheStep) {
  exchange->set_price("BTCUSDT", d("30000"), kNow);
  auto request = order(Side::buy, OrderType::market, nullptr);
  request.quote_order_qty = d("100");
  auto id = place(request);
  EXPECT_EQ(exchange->order(id)->executed_qty, d("0.00333"));
  EXPECT_EQ(exchange->order(id)->orig_quote_order_qty, d("100"));
  EXPECT_EQ(balance("USDT").free, d("9900.1"));
  EXPECT_EQ(balance("BTC").free, d("0.00332667"));
}

TEST_F(ExchangeTest, AnAbsurdQuoteOrderQtyIsAFilterFailureNotACrash) {
  exchange->set_price("BTCUSDT", d("0.01"), kNow);
  auto request = order(Side::buy, OrderType::market, nullptr);
  request.quote_order_qty = d("90000000000.12345678");
  EXPECT_EQ(refused(request).msg, "Filter failure: LOT_SIZE");
}

TEST_F(ExchangeTest, MarketOrdersCanFillInSeveralTrades) {
  make(3);
  exchange->take_events();
  auto id = place(order(Side::buy, OrderType::market, "0.1"));
  ASSERT_EQ(exchange->fills().size(), 3u);
  EXPECT_EQ(exchange->fills()[0].qty, d("0.03333"));
  EXPECT_EQ(exchange->fills()[1].qty, d("0.03333"));
  EXPECT_EQ(exchange->fills()[2].qty, d("0.03334"));
  EXPECT_EQ(exchange->fills()[2].id, 3);
  EXPECT_EQ(exchange->order(id)->executed_qty, d("0.1"));
  EXPECT_EQ(balance("USDT").free, d("9990"));
  EXPECT_EQ(executions(exchange->take_events()),
            (std::vector<std::string>{"NEW:NEW", "TRADE:PARTIALLY_FILLED", "TRADE:PARTIALLY_FILLED",
                                      "TRADE:FILLED"}));
}

TEST_F(ExchangeTest, RestingLimitSellLocksThenFillsAtItsPriceAsMaker) {
  exchange->set_balance("BTC", d("1"));
  auto request = order(Side::sell, OrderType::limit, "0.4", "110");
  auto id = place(request);
  EXPECT_EQ(exchange->order(id)->status, OrderStatus::new_order);
  EXPECT_EQ(balance("BTC").free, d("0.6"));
  EXPECT_EQ(balance("BTC").locked, d("0.4"));
  exchange->set_price("BTCUSDT", d("109.99"), kNow + 1);
  EXPECT_EQ(exchange->order(id)->status, OrderStatus::new_order);
  exchange->set_price("BTCUSDT", d("111"), kNow + 2);
  const auto& o = *exchange->order(id);
  EXPECT_EQ(o.status, OrderStatus::filled);
  EXPECT_EQ(o.update_time, kNow + 2);
  EXPECT_EQ(exchange->fills()[0].price, d("110"));
  EXPECT_TRUE(exchange->fills()[0].is_maker);
  EXPECT_EQ(balance("BTC").free, d("0.6"));
  EXPECT_TRUE(balance("BTC").locked.is_zero());
  EXPECT_EQ(balance("USDT").free, d("10043.956"));
}

TEST_F(ExchangeTest, MarketableLimitBuyFillsAtOnceAndReleasesWhatItDidNotSpend) {
  auto id = place(order(Side::buy, OrderType::limit, "1", "105"));
  EXPECT_EQ(exchange->order(id)->status, OrderStatus::filled);
  EXPECT_EQ(exchange->fills()[0].price, d("100"));
  EXPECT_FALSE(exchange->fills()[0].is_maker);
  EXPECT_EQ(balance("USDT").free, d("9900"));
  EXPECT_TRUE(balance("USDT").locked.is_zero());
  EXPECT_EQ(balance("BTC").free, d("0.999"));
}

TEST_F(ExchangeTest, RestingLimitBuyLocksQuoteAtItsLimit) {
  auto id = place(order(Side::buy, OrderType::limit, "1", "90"));
  EXPECT_EQ(balance("USDT").locked, d("90"));
  exchange->set_price("BTCUSDT", d("89.5"), kNow + 1);
  EXPECT_EQ(exchange->order(id)->status, OrderStatus::filled);
  EXPECT_EQ(balance("USDT").free, d("9910"));
  EXPECT_TRUE(balance("USDT").locked.is_zero());
}

TEST_F(ExchangeTest, IocLimitThatCannotFillExpires) {
  auto request = order(Side::buy, OrderType::limit, "1", "90");
  request.time_in_force = TimeInForce::ioc;
  auto id = place(request);
  EXPECT_EQ(exchange->order(id)->status, OrderStatus::expired);
  EXPECT_EQ(balance("USDT").free, d("10000"));
}

TEST_F(ExchangeTest, LimitMakerAndStopThatWouldActAtOnceAreRejected) {
  exchange->set_balance("BTC", d("1"));
  auto taker = refused(order(Side::sell, OrderType::limit_maker, "0.1", "99"));
  EXPECT_EQ(taker.code, -2010);
  EXPECT_EQ(taker.msg, "Order would immediately match and take.");
  auto stop = order(Side::sell, OrderType::stop_loss_limit, "0.1", "99");
  stop.stop_price = d("101");
  auto triggered = refused(stop);
  EXPECT_EQ(triggered.code, -2010);
  EXPECT_EQ(triggered.msg, "Order would trigger immediately.");
}

TEST_F(ExchangeTest, StopLossLimitTriggersAtItsStopAndFillsAtItsLimit) {
  exchange->set_balance("BTC", d("1"));
  auto stop = order(Side::sell, OrderType::stop_loss_limit, "1", "96");
  stop.stop_price = d("95");
  auto id = place(stop);
  EXPECT_FALSE(exchange->order(id)->working);
  EXPECT_EQ(exchange->order(id)->working_time, -1);
  exchange->set_price("BTCUSDT", d("95.5"), kNow + 1);
  EXPECT_FALSE(exchange->order(id)->working);
  // Triggered at 95, but 95 is below the limit of 96: it rests as a limit order.
  exchange->set_price("BTCUSDT", d("95"), kNow + 2);
  EXPECT_TRUE(exchange->order(id)->working);
  EXPECT_EQ(exchange->order(id)->working_time, kNow + 2);
  EXPECT_EQ(exchange->order(id)->status, OrderStatus::new_order);
  exchange->set_price("BTCUSDT", d("96.2"), kNow + 3);
  EXPECT_EQ(exchange->order(id)->status, OrderStatus::filled);
  EXPECT_EQ(exchange->fills()[0].price, d("96"));
  EXPECT_EQ(balance("USDT").free, d("10095.904"));
  EXPECT_TRUE(balance("BTC").free.is_zero());
  EXPECT_TRUE(balance("BTC").locked.is_zero());
}

class OcoTest : public ExchangeTest {
 protected:
  void SetUp() override {
    ExchangeTest::SetUp();
    exchange->set_balance("BTC", d("1"));
  }

  NewOco oco(const char* take_profit, const char* stop, const char* stop_limit) {
    NewOco request;
    request.symbol = "BTCUSDT";
    request.side = Side::sell;
    request.quantity = d("1");
    request.list_client_order_id = "list-1";
    request.above = order(Side::sell, OrderType::limit_maker, nullptr, take_profit);
    request.above.client_order_id = "tp-1";
    request.below = order(Side::sell, OrderType::stop_loss_limit, nullptr, stop_limit);
    request.below.stop_price = d(stop);
    request.below.client_order_id = "sl-1";
    return request;
  }

  const OrderList& placed(const NewOco& request) {
    auto result = exchange->place_oco(request, kNow);
    EXPECT_TRUE(std::holds_alternative<std::int64_t>(result));
    return *exchange->order_list(
        std::holds_alternative<std::int64_t>(result) ? std::get<std::int64_t>(result) : 1);
  }
};

TEST_F(OcoTest, PlacingLocksTheQuantityOnce) {
  const auto& list = placed(oco("110", "90", "89"));
  ASSERT_EQ(list.order_ids.size(), 2u);
  const auto& below = *exchange->order(list.order_ids[0]);
  const auto& above = *exchange->order(list.order_ids[1]);
  EXPECT_EQ(below.type, OrderType::stop_loss_limit);
  EXPECT_EQ(below.client_order_id, "sl-1");
  EXPECT_EQ(above.type, OrderType::limit_maker);
  EXPECT_EQ(above.order_list_id, list.order_list_id);
  EXPECT_EQ(balance("BTC").locked, d("1"));
  EXPECT_TRUE(balance("BTC").free.is_zero());
  auto events = exchange->take_events();
  auto status = std::find_if(events.begin(), events.end(),
                             [](const auto& e) { return e["e"] == "listStatus"; });
  ASSERT_NE(status, events.end());
  EXPECT_EQ((*status)["l"], "EXEC_STARTED");
  EXPECT_EQ((*status)["C"], "list-1");
}

TEST_F(OcoTest, TakeProfitFillExpiresTheStopAndEndsTheList) {
  const auto& list = placed(oco("110", "90", "89"));
  exchange->take_events();
  exchange->set_price("BTCUSDT", d("110.5"), kNow + 1);
  EXPECT_EQ(exchange->order(list.order_ids[1])->status, OrderStatus::filled);
  EXPECT_EQ(exchange->order(list.order_ids[0])->status, OrderStatus::expired);
  EXPECT_TRUE(exchange->order_list(list.order_list_id)->all_done);
  EXPECT_EQ(balance("USDT").free, d("10109.89"));
  EXPECT_TRUE(balance("BTC").free.is_zero());
  EXPECT_TRUE(balance("BTC").locked.is_zero());
  auto events = exchange->take_events();
  EXPECT_EQ(executions(events), (std::vector<std::string>{"TRADE:FILLED", "EXPIRED:EXPIRED"}));
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const auto& e) {
    return e["e"] == "listStatus" && e["l"] == "ALL_DONE" && e["L"] == "ALL_DONE";
  }));
}

TEST_F(OcoTest, StopTriggerExpiresTheTakeProfitAndTheStopFills) {
  const auto& list = placed(oco("110", "90", "89"));
  exchange->set_price("BTCUSDT", d("90"), kNow + 1);
  EXPECT_EQ(exchange->order(list.order_ids[1])->status, OrderStatus::expired);
  EXPECT_EQ(exchange->order(list.order_ids[0])->status, OrderStatus::filled);
  EXPECT_EQ(exchange->fills()[0].price, d("89"));
  EXPECT_EQ(balance("USDT").free, d("10088.911"));
  EXPECT_TRUE(balance("BTC").locked.is_zero());
}

TEST_F(OcoTest, PricesInTheWrongOrderAreRefused) {
  auto result = exchange->place_oco(oco("99", "90", "89"), kNow);
  ASSERT_TRUE(std::holds_alternative<ApiError>(result));
  EXPECT_EQ(std::get<ApiError>(result).code, -2010);
  EXPECT_EQ(std::get<ApiError>(result).msg,
            "The relationship of the prices for the orders is not correct.");
  EXPECT_EQ(balance("BTC").free, d("1"));
}

TEST_F(OcoTest, CancelingOneLegCancelsTheList) {
  const auto& list = placed(oco("110", "90", "89"));
  auto canceled = exchange->cancel("BTCUSDT", OrderRef{std::nullopt, "tp-1"}, "cancel-1", kNow);
  ASSERT_TRUE(std::holds_alternative<std::int64_t>(canceled));
  EXPECT_EQ(exchange->order(list.order_ids[0])->status, OrderStatus::canceled);
  EXPECT_EQ(exchange->order(list.order_ids[1])->status, OrderStatus::canceled);
  EXPECT_EQ(exchange->order(list.order_ids[1])->cancel_client_order_id, "cancel-1");
  EXPECT_TRUE(exchange->order_list(list.order_list_id)->all_done);
  EXPECT_EQ(balance("BTC").free, d("1"));
  EXPECT_TRUE(balance("BTC").locked.is_zero());
}

TEST_F(ExchangeTest, FiltersComeFromTheExchangeInfo) {
  EXPECT_EQ(refused(order(Side::buy, OrderType::limit, "0.000001", "100")).msg,
            "Filter failure: LOT_SIZE");
  EXPECT_EQ(refused(order(Side::buy, OrderType::limit, "0.1", "100.001")).msg,
            "Filter failure: PRICE_FILTER");
  EXPECT_EQ(refused(order(Side::buy, OrderType::limit, "0.0001", "100")).msg,
            "Filter failure: NOTIONAL");
  EXPECT_EQ(refused(order(Side::buy, OrderType::market, "77")).msg,
            "Filter failure: MARKET_LOT_SIZE");
  EXPECT_EQ(refused(order(Side::buy, OrderType::limit, "0.1", "100.001")).code, -1013);
}

TEST_F(ExchangeTest, InsufficientBalance) {
  auto error = refused(order(Side::buy, OrderType::limit, "200", "90"));
  EXPECT_EQ(error.code, -2010);
  EXPECT_EQ(error.msg, "Account has insufficient balance for requested action.");
  EXPECT_EQ(refused(order(Side::sell, OrderType::market, "0.1")).code, -2010);
  EXPECT_TRUE(exchange->orders().empty());
}

TEST_F(ExchangeTest, ADuplicateClientIdIsRefusedOnlyWhileTheFirstIsOpen) {
  auto first = order(Side::buy, OrderType::limit, "0.1", "90");
  first.client_order_id = "mine-1";
  auto id = place(first);
  auto again = refused(first);
  EXPECT_EQ(again.code, -2010);
  EXPECT_EQ(again.msg, "Duplicate order sent.");
  exchange->set_price("BTCUSDT", d("89"), kNow + 1);
  ASSERT_EQ(exchange->order(id)->status, OrderStatus::filled);
  auto second = place(first);  // Binance's caveat: accepted once the first one filled
  EXPECT_NE(second, id);
  // A query by client id finds the latest.
  EXPECT_EQ(exchange->query("BTCUSDT", OrderRef{std::nullopt, "mine-1"})->order_id, second);
}

TEST_F(ExchangeTest, CancelReleasesTheLockAndOnlyOpenOrdersCancel) {
  auto id = place(order(Side::buy, OrderType::limit, "1", "90"));
  exchange->take_events();
  auto canceled = exchange->cancel("BTCUSDT", OrderRef{id, std::nullopt}, "", kNow);
  ASSERT_TRUE(std::holds_alternative<std::int64_t>(canceled));
  const auto& o = *exchange->order(id);
  EXPECT_EQ(o.status, OrderStatus::canceled);
  EXPECT_FALSE(o.cancel_client_order_id.empty());
  EXPECT_EQ(balance("USDT").free, d("10000"));
  auto events = exchange->take_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]["x"], "CANCELED");
  EXPECT_EQ(events[0]["C"], o.client_order_id);
  EXPECT_EQ(events[0]["c"], o.cancel_client_order_id);
  auto again = exchange->cancel("BTCUSDT", OrderRef{id, std::nullopt}, "", kNow);
  ASSERT_TRUE(std::holds_alternative<ApiError>(again));
  EXPECT_EQ(std::get<ApiError>(again).code, -2011);
  EXPECT_TRUE(std::holds_alternative<ApiError>(
      exchange->cancel("BTCUSDT", OrderRef{std::nullopt, "nobody"}, "", kNow)));
}

TEST_F(ExchangeTest, DelayedVisibilityHidesAnOrderFromItsFirstQueries) {
  auto id = place(order(Side::buy, OrderType::market, "0.1"));
  exchange->hide_order(id, 2);
  OrderRef ref{std::nullopt, exchange->order(id)->client_order_id};
  EXPECT_EQ(exchange->query("BTCUSDT", ref), nullptr);
  EXPECT_EQ(exchange->query("BTCUSDT", ref), nullptr);
  ASSERT_NE(exchange->query("BTCUSDT", ref), nullptr);
  EXPECT_EQ(exchange->query("BTCUSDT", ref)->order_id, id);
}

TEST_F(ExchangeTest, WithoutAPriceMarketOrdersFindAClosedMarket) {
  auto error = exchange->place(
      [] {
        auto o = order(Side::buy, OrderType::market, "1");
        o.symbol = "ETHUSDT";
        return o;
      }(),
      kNow);
  ASSERT_TRUE(std::holds_alternative<ApiError>(error));
  EXPECT_EQ(std::get<ApiError>(error).msg, "Market is closed.");
}

TEST_F(ExchangeTest, ExecutionReportHasEveryField) {
  place(order(Side::buy, OrderType::market, "0.5"));
  auto events = exchange->take_events();
  const auto& trade = events[1];
  for (const char* field :
       {"e", "E", "s", "c", "S", "o", "f", "q", "p", "P", "F", "g", "C", "x", "X", "r", "i",
        "l", "z", "L", "n", "N", "T", "t", "I", "w", "m", "M", "O", "Z", "Y", "Q", "W", "V"}) {
    EXPECT_TRUE(trade.contains(field)) << field;
  }
  EXPECT_EQ(trade["x"], "TRADE");
  EXPECT_EQ(trade["l"], "0.50000000");
  EXPECT_EQ(trade["L"], "100.00000000");
  EXPECT_EQ(trade["n"], "0.00050000");
  EXPECT_EQ(trade["N"], "BTC");
  EXPECT_EQ(trade["t"], 1);
  EXPECT_EQ(trade["Z"], "50.00000000");
  EXPECT_EQ(events[0]["N"], nullptr);
  EXPECT_EQ(events[0]["t"], -1);
}

}  // namespace
}  // namespace autotrader::fakes::binance
