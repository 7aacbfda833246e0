#include "venues/binance/filters.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "venues/binance/rest_codec.hpp"

namespace autotrader::binance {
namespace {

using core::Decimal;
using core::Rounding;
using paper::Side;

Decimal dec(const char* text) {
  auto value = Decimal::parse(text);
  EXPECT_TRUE(value.has_value()) << text;
  return value.value_or(Decimal{});
}

SymbolInfo symbol_with(const char* tick, const char* step, const char* min_notional) {
  SymbolInfo info;
  info.symbol = *core::Symbol::parse("TESTUSDT");
  info.price_filter = PriceFilter{dec("0"), dec("0"), dec(tick)};
  info.lot_size = LotSizeFilter{dec("0"), dec("0"), dec(step)};
  NotionalFilter notional;
  notional.min_notional = dec(min_notional);
  info.notional = notional;
  return info;
}

// Price rounding to the tick: {tick, price, rounding, expected wire text}.
struct PriceCase {
  const char* tick;
  const char* price;
  Rounding rounding;
  const char* expected;
};

TEST(BinanceFilters, RoundsPricesToAwkwardTicks) {
  const PriceCase cases[] = {
      {"0.00000001", "0.123456789", Rounding::floor, "0.12345678"},
      {"0.00000001", "0.123456789", Rounding::ceiling, "0.12345679"},
      {"0.00000001", "0.00000001", Rounding::floor, "0.00000001"},
      {"0.00000001", "0.000000019", Rounding::floor, "0.00000001"},
      {"0.00000001", "0.000000009", Rounding::floor, "0"},
      {"0.5", "100.74", Rounding::floor, "100.5"},
      {"0.5", "100.74", Rounding::ceiling, "101"},
      {"0.5", "100.75", Rounding::half_up, "101"},
      {"0.5", "100.5", Rounding::ceiling, "100.5"},
      {"5", "12344.99", Rounding::floor, "12340"},
      {"5", "12340.01", Rounding::ceiling, "12345"},
      {"5", "2.5", Rounding::half_even, "0"},
      {"0.0001", "1.00005", Rounding::floor, "1"},
      {"0.0001", "1.00005", Rounding::ceiling, "1.0001"},
      {"0.0001", "0.99999999", Rounding::ceiling, "1"},
      {"0.01", "92233720368547758.07", Rounding::floor, "92233720368547758.07"},
      {"0.01", "123456789012.345", Rounding::ceiling, "123456789012.35"},
      {"0", "0.123456789", Rounding::floor, "0.123456789"},  // tick 0: rule disabled
  };
  for (const auto& c : cases) {
    SymbolFilters filters{symbol_with(c.tick, "0.001", "0")};
    auto rounded = filters.round_price(dec(c.price), c.rounding);
    ASSERT_TRUE(rounded.has_value()) << c.tick << " " << c.price;
    EXPECT_EQ(wire_decimal(*rounded), c.expected)
        << "tick " << c.tick << " price " << c.price << " " << core::to_string(c.rounding);
    if (!dec(c.tick).is_zero()) {
      EXPECT_TRUE(rounded->is_multiple_of(dec(c.tick)));
    }
  }
}

// Quantity rounding, always down: {step, quantity, expected}.
struct QuantityCase {
  const char* step;
  const char* quantity;
  const char* expected;
};

TEST(BinanceFilters, RoundsQuantitiesDownToAwkwardSteps) {
  const QuantityCase cases[] = {
      {"0.00000001", "1.999999999", "1.99999999"},
      {"0.00000001", "0.000000009", "0"},
      {"0.00100000", "0.0019999", "0.001"},
      {"0.00100000", "0.001", "0.001"},
      {"0.5", "0.99", "0.5"},
      {"0.5", "1", "1"},
      {"5", "9.99999999", "5"},
      {"5", "4.99999999", "0"},
      {"5", "90000000000", "90000000000"},
      {"0.0001", "0.00019999", "0.0001"},
      {"0.0001", "1234567.89012345", "1234567.8901"},
      {"1", "9223372036854775807", "9223372036854775807"},
  };
  for (const auto& c : cases) {
    SymbolFilters filters{symbol_with("0.01", c.step, "0")};
    auto rounded = filters.round_quantity(dec(c.quantity), OrderKind::limit);
    ASSERT_TRUE(rounded.has_value()) << c.step << " " << c.quantity;
    EXPECT_EQ(wire_decimal(*rounded), c.expected) << "step " << c.step << " qty " << c.quantity;
    EXPECT_LE(*rounded, dec(c.quantity));
  }
}

TEST(BinanceFilters, WireDecimalsHaveNoExponentAndNoPadding) {
  EXPECT_EQ(wire_decimal(dec("0.00100000")), "0.001");
  EXPECT_EQ(wire_decimal(dec("0.00000001")), "0.00000001");
  EXPECT_EQ(wire_decimal(dec("100000.00000000")), "100000");
  EXPECT_EQ(wire_decimal(dec("0.000000000000000001")), "0.000000000000000001");
  EXPECT_EQ(wire_decimal(dec("9223372036854775807")), "9223372036854775807");
  EXPECT_EQ(wire_decimal(Decimal{}), "0");
}

// check(): {kind, side, price, quantity, expected filter or "" for a pass}.
struct CheckCase {
  OrderKind kind;
  Side side;
  const char* price;
  const char* quantity;
  const char* filter;
};

SymbolInfo full_symbol() {
  SymbolInfo info;
  info.symbol = *core::Symbol::parse("BTCUSDT");
  info.price_filter = PriceFilter{dec("0.01"), dec("1000000"), dec("0.01")};
  info.lot_size = LotSizeFilter{dec("0.00001"), dec("9000"), dec("0.00001")};
  info.market_lot_size = LotSizeFilter{dec("0"), dec("100"), dec("0")};
  NotionalFilter notional;
  notional.min_notional = dec("5");
  notional.max_notional = dec("9000000");
  notional.apply_min_to_market = true;
  notional.apply_max_to_market = false;
  info.notional = notional;
  info.percent_price_by_side =
      PercentPriceBySideFilter{dec("5"), dec("0.2"), dec("5"), dec("0.2"), 5};
  return info;
}

TEST(BinanceFilters, ChecksEveryRuleAtItsBoundaries) {
  const auto L = OrderKind::limit;
  const auto M = OrderKind::market;
  const CheckCase cases[] = {
      {L, Side::buy, "50000", "0.001", ""},
      {L, Side::buy, "0.01", "500", ""},                // min price, notional exactly 5
      {L, Side::buy, "0.009", "1000", "PRICE_FILTER"},  // below minPrice (average not given)
      {L, Side::buy, "1000000", "0.00001", ""},
      {L, Side::buy, "1000000.01", "0.00001", "PRICE_FILTER"},
      {L, Side::buy, "50000.005", "0.001", "PRICE_FILTER"},  // off tick
      {L, Side::buy, "50000", "0.00001", "NOTIONAL"},        // 0.5 < 5
      {L, Side::buy, "50000", "0.000009", "LOT_SIZE"},       // below minQty
      {L, Side::buy, "50000", "0.000015", "LOT_SIZE"},       // off step
      {L, Side::buy, "1", "9000", ""},
      {L, Side::buy, "1", "9000.00001", "LOT_SIZE"},  // above maxQty
      {M, Side::buy, "50000", "100", ""},             // maxNotional not applied to market
      {M, Side::buy, "50000", "100.00001", "MARKET_LOT_SIZE"},
      {M, Side::sell, "50000", "0.0001", ""},  // notional 5: the minimum, applies to market
      {M, Side::sell, "50000", "0.00009", "NOTIONAL"},
      {M, Side::sell, "0.0501", "100", ""},  // off tick: PRICE_FILTER is not applied to market
      {L, Side::sell, "0.0501", "100", "PRICE_FILTER"},
      {L, Side::buy, "0", "1", "PRICE_FILTER"},
      {L, Side::buy, "1", "0", "LOT_SIZE"},
      {L, Side::sell, "-1", "1", "PRICE_FILTER"},
  };
  SymbolFilters filters{full_symbol()};
  for (const auto& c : cases) {
    auto v = filters.check(c.kind, c.side, dec(c.price), dec(c.quantity), std::nullopt);
    const std::string got = v ? v->filter : "";
    EXPECT_EQ(got, c.filter) << c.price << " x " << c.quantity << ": "
                             << (v ? v->detail : std::string{"passed"});
  }
  // maxNotional applies to limit orders: 1000 x 9000 = 9,000,000 is the maximum, one tick over
  // fails.
  EXPECT_FALSE(filters.check(L, Side::buy, dec("1000"), dec("9000"), std::nullopt));
  EXPECT_EQ(filters.check(L, Side::buy, dec("1000.01"), dec("9000"), std::nullopt)->filter,
            "NOTIONAL");
}

TEST(BinanceFilters, PercentPriceBySideUsesTheSidesMultipliersWhenTheAverageIsKnown) {
  SymbolInfo info = full_symbol();
  info.percent_price_by_side =
      PercentPriceBySideFilter{dec("1.2"), dec("0.2"), dec("5"), dec("0.8"), 1};
  SymbolFilters filters{info};
  const std::optional<Decimal> avg = dec("100");
  EXPECT_FALSE(filters.check(OrderKind::limit, Side::buy, dec("120"), dec("1"), avg));
  EXPECT_EQ(filters.check(OrderKind::limit, Side::buy, dec("120.01"), dec("1"), avg)->filter,
            "PERCENT_PRICE_BY_SIDE");
  EXPECT_FALSE(filters.check(OrderKind::limit, Side::buy, dec("20"), dec("1"), avg));
  EXPECT_EQ(filters.check(OrderKind::limit, Side::buy, dec("19.99"), dec("1"), avg)->filter,
            "PERCENT_PRICE_BY_SIDE");
  EXPECT_FALSE(filters.check(OrderKind::limit, Side::sell, dec("500"), dec("1"), avg));
  EXPECT_FALSE(filters.check(OrderKind::limit, Side::sell, dec("80"), dec("1"), avg));
  EXPECT_EQ(filters.check(OrderKind::limit, Side::sell, dec("79.99"), dec("1"), avg)->filter,
            "PERCENT_PRICE_BY_SIDE");
  // Without an average the rule cannot be evaluated here and is left to Binance.
  EXPECT_FALSE(filters.check(OrderKind::limit, Side::sell, dec("79.99"), dec("1"), std::nullopt));
}

TEST(BinanceFilters, MinNotionalHonoursApplyToMarket) {
  SymbolInfo info = symbol_with("0.01", "0.001", "10");
  info.notional->apply_min_to_market = false;
  SymbolFilters filters{info};
  EXPECT_FALSE(filters.check(OrderKind::market, Side::buy, dec("1"), dec("1"), std::nullopt));
  EXPECT_EQ(filters.check(OrderKind::limit, Side::buy, dec("1"), dec("1"), std::nullopt)->filter,
            "MIN_NOTIONAL");
}

TEST(BinanceFilters, ApplyRoundsInTheSidesFavourAndReportsTheFirstFailure) {
  SymbolFilters filters{full_symbol()};
  auto buy = filters.apply(OrderKind::limit, Side::buy, dec("50000.019"), dec("0.0012345"));
  ASSERT_TRUE(buy.ok()) << buy.error().detail;
  EXPECT_EQ(wire_decimal(*buy->price), "50000.01");
  EXPECT_EQ(wire_decimal(buy->quantity), "0.00123");
  auto sell = filters.apply(OrderKind::limit, Side::sell, dec("50000.011"), dec("0.0012345"));
  ASSERT_TRUE(sell.ok());
  EXPECT_EQ(wire_decimal(*sell->price), "50000.02");
  auto market = filters.apply(OrderKind::market, Side::buy, dec("50000"), dec("0.00012345"));
  ASSERT_TRUE(market.ok());
  EXPECT_FALSE(market->price.has_value());
  EXPECT_EQ(wire_decimal(market->quantity), "0.00012");
  // Rounded down below the minimum quantity.
  auto tiny = filters.apply(OrderKind::market, Side::buy, dec("50000"), dec("0.000009"));
  ASSERT_FALSE(tiny.ok());
  EXPECT_EQ(tiny.error().filter, "LOT_SIZE");
}

TEST(BinanceFilters, MapsToRiskRulesWithTheStricterLotFilter) {
  SymbolInfo info = full_symbol();
  info.market_lot_size = LotSizeFilter{dec("0.0001"), dec("100"), dec("0.0001")};
  risk::SymbolRules rules = SymbolFilters{info}.rules();
  EXPECT_EQ(rules.tick_size, dec("0.01"));
  EXPECT_EQ(rules.step_size, dec("0.0001"));
  EXPECT_EQ(rules.min_qty, dec("0.0001"));
  EXPECT_EQ(rules.max_qty, dec("100"));
  EXPECT_EQ(rules.min_notional, dec("5"));
  SymbolInfo bare;
  risk::SymbolRules none = SymbolFilters{bare}.rules();
  EXPECT_TRUE(none.tick_size.is_zero() && none.step_size.is_zero() && none.max_qty.is_zero());
}

TEST(BinanceFilters, ReadsTheExchangeInfoFixtureIncludingPercentPriceBySide) {
  std::ifstream file{AUTOTRADER_SOURCE_DIR "/tests/fixtures/binance/exchange_info.json"};
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  auto info = decode_exchange_info(text.str());
  ASSERT_TRUE(info.ok()) << info.error().message;
  const SymbolInfo* btc = info->find(*core::Symbol::parse("BTCUSDT"));
  ASSERT_NE(btc, nullptr);
  ASSERT_TRUE(btc->percent_price_by_side.has_value());
  EXPECT_EQ(btc->percent_price_by_side->bid_multiplier_up, dec("5"));
  EXPECT_EQ(btc->percent_price_by_side->ask_multiplier_down, dec("0.2"));
  EXPECT_EQ(btc->percent_price_by_side->avg_price_mins, 5);
  SymbolFilters filters{*btc};
  risk::SymbolRules rules = filters.rules();
  EXPECT_EQ(rules.tick_size, btc->price_filter->tick_size);
  EXPECT_FALSE(rules.step_size.is_zero());
}

}  // namespace
}  // namespace autotrader::binance
