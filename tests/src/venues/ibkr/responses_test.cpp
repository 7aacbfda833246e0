#include "venues/ibkr/responses.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/src/venues/ibkr/ibkr_test_support.hpp"

namespace autotrader::ibkr {
namespace {

using test::dec;
using test::fields_of;
using test::frame_of;

constexpr int kVersion = 176;

std::string encoded(const Response& response, int version = kVersion) {
  auto frame = encode_response(response, version);
  EXPECT_TRUE(frame.ok()) << (frame.ok() ? "" : frame.error().message);
  return frame.ok() ? frame.value() : std::string{};
}

template <class T>
T decoded(const std::string& frame, int version = kVersion) {
  auto message = decode_response(fields_of(frame), version);
  EXPECT_TRUE(message.ok()) << (message.ok() ? "" : message.error().message);
  if (!message.ok() || !std::holds_alternative<T>(message.value())) {
    ADD_FAILURE() << "not the expected message";
    return T{};
  }
  return std::get<T>(message.value());
}

// encode → exact bytes, and decoding those bytes encodes back to them.
template <class T>
T both_ways(const T& message, const std::string& want, int version = kVersion) {
  EXPECT_EQ(encoded(message, version), want);
  const T back = decoded<T>(want, version);
  EXPECT_EQ(encoded(back, version), want);
  return back;
}

// The frames after startApi in the real IB Gateway capture (reference §3).
TEST(IbkrResponses, DocumentedStartupFrames) {
  const auto& frames = test::documented_frames();
  const auto accounts = decoded<ManagedAccounts>(frames.at("managed_accounts"));
  EXPECT_EQ(accounts.accounts, std::vector<std::string>{"DU1234567"});
  EXPECT_EQ(encoded(accounts), frames.at("managed_accounts"));
  const auto next = decoded<NextValidId>(frames.at("next_valid_id"));
  EXPECT_EQ(next.order_id, 117);
  EXPECT_EQ(encoded(next), frames.at("next_valid_id"));
  const auto farm = decoded<ErrorMessage>(frames.at("error_2104_usfarm_nj"));
  EXPECT_EQ(farm.id, -1);
  EXPECT_EQ(farm.code, 2104);
  EXPECT_EQ(farm.message, "Market data farm connection is OK:usfarm.nj");
  EXPECT_EQ(farm.advanced_order_reject_json, "");
  EXPECT_EQ(encoded(farm), frames.at("error_2104_usfarm_nj"));
  for (const char* name : {"error_2104_usfuture", "error_2106_ushmds", "error_2158_secdefil"}) {
    const auto info = decoded<ErrorMessage>(frames.at(name));
    EXPECT_EQ(encoded(info), frames.at(name)) << name;
  }
  EXPECT_EQ(decoded<ErrorMessage>(frames.at("error_2106_ushmds")).code, 2106);
  EXPECT_EQ(decoded<ErrorMessage>(frames.at("error_2158_secdefil")).code, 2158);
}

TEST(IbkrResponses, ManagedAccountsListDropsEmptyNames) {
  const auto m = decoded<ManagedAccounts>(frame_of({"15", "1", "DU1,DU2,"}));
  EXPECT_EQ(m.accounts, (std::vector<std::string>{"DU1", "DU2"}));
}

TEST(IbkrResponses, ErrorLayoutFollowsTheServerVersion) {
  const ErrorMessage lost{-1, 1100, "Connectivity between IB and Trader Workstation has been lost.",
                          ""};
  both_ways(lost, frame_of({"4", "2", "-1", "1100", lost.message}), 165);
  const ErrorMessage rejected{7, 201, "Order rejected", "{\"reason\":\"x\"}"};
  const auto back =
      both_ways(rejected, frame_of({"4", "2", "7", "201", "Order rejected", "{\"reason\":\"x\"}"}));
  EXPECT_EQ(back.advanced_order_reject_json, "{\"reason\":\"x\"}");
  // The trailing json field is required at >= 166, tolerated as extra below.
  EXPECT_EQ(decode_response({"4", "2", "-1", "1100", "lost"}, kVersion).error().code,
            errc::missing_field);
  EXPECT_TRUE(decode_response({"4", "2", "-1", "1100", "lost", ""}, 165).ok());
}

TEST(IbkrResponses, TicksBothWays) {
  const auto price = both_ways(TickPrice{2, 1, 185.25, 300, 0},
                               frame_of({"1", "6", "2", "1", "185.25", "300", "0"}));
  EXPECT_EQ(price.req_id, 2);
  EXPECT_EQ(price.tick_type, 1);
  EXPECT_EQ(price.price, 185.25);
  EXPECT_EQ(price.size, 300.0);
  const auto size = both_ways(TickSize{2, 8, 12345}, frame_of({"2", "6", "2", "8", "12345"}));
  EXPECT_EQ(size.size, 12345.0);
  // No size: an empty field (and TWS's unset Decimal reads as none too).
  EXPECT_FALSE(decoded<TickSize>(frame_of({"2", "6", "2", "0", ""})).size.has_value());
  EXPECT_FALSE(decoded<TickSize>(frame_of({"2", "6", "2", "0", std::string{kUnsetDecimalText}}))
                   .size.has_value());
}

TEST(IbkrResponses, OrderStatusBothWays) {
  OrderStatus m;
  m.order_id = 119;
  m.status = "Filled";
  m.filled = dec("10");
  m.remaining = dec("0");
  m.avg_fill_price = dec("185.24");
  m.perm_id = 1234567890;
  m.parent_id = 0;
  m.last_fill_price = dec("185.24");
  m.client_id = 0;
  const auto back = both_ways(m, frame_of({"3", "119", "Filled", "10", "0", "185.24", "1234567890",
                                           "0", "185.24", "0", "", "0"}));
  EXPECT_EQ(back.status, "Filled");
  EXPECT_EQ(back.avg_fill_price, dec("185.24"));
  EXPECT_EQ(back.mkt_cap_price, 0.0);
  // ib_async-style floats are read exactly; a non-number is an error, not a zero.
  const auto floats = decoded<OrderStatus>(
      frame_of({"3", "5", "Submitted", "0.0", "10.0", "0.0", "9", "0", "0.0", "1", "", "0.0"}));
  EXPECT_EQ(floats.remaining, dec("10"));
  EXPECT_EQ(decode_response(fields_of(frame_of({"3", "5", "Submitted", "zero", "10", "0", "9", "0",
                                                "0", "1", "", "0"})),
                            kVersion)
                .error()
                .code,
            errc::invalid_field);
}

ExecDetails sample_execution() {
  ExecDetails m;
  m.req_id = -1;
  m.order_id = 119;
  m.contract = us_stock("AAPL");
  m.contract.con_id = 265598;
  m.contract.exchange = "ISLAND";
  m.exec_id = "0000e0d5.6563a1b2.01.01";
  m.time = "20260102 09:31:05 US/Eastern";
  m.account = "DU1234567";
  m.exchange = "ISLAND";
  m.side = "BOT";
  m.shares = dec("10");
  m.price = dec("185.24");
  m.perm_id = 1234567890;
  m.client_id = 0;
  m.cum_qty = dec("10");
  m.avg_price = dec("185.24");
  m.order_ref = "d2-en";
  m.last_liquidity = 2;
  return m;
}

TEST(IbkrResponses, ExecDetailsBothWaysEchoesOrderRef) {
  const std::vector<std::string> fields = {"11",
                                           "-1",
                                           "119",
                                           "265598",
                                           "AAPL",
                                           "STK",
                                           "",
                                           "",
                                           "",
                                           "",
                                           "ISLAND",
                                           "USD",
                                           "",
                                           "",
                                           "0000e0d5.6563a1b2.01.01",
                                           "20260102 09:31:05 US/Eastern",
                                           "DU1234567",
                                           "ISLAND",
                                           "BOT",
                                           "10",
                                           "185.24",
                                           "1234567890",
                                           "0",
                                           "0",
                                           "10",
                                           "185.24",
                                           "d2-en",
                                           "",
                                           "",
                                           "",
                                           "2"};
  std::string payload;
  for (const auto& f : fields) payload += f + std::string(1, '\0');
  const auto back = both_ways(sample_execution(), encode_frame(payload));
  EXPECT_EQ(back.order_ref, "d2-en");
  EXPECT_EQ(back.price, dec("185.24"));
  EXPECT_EQ(back.contract.symbol, "AAPL");
  EXPECT_EQ(back.contract.con_id, 265598);
  // 178 appends pendingPriceRevision.
  ExecDetails revised = sample_execution();
  revised.pending_price_revision = true;
  EXPECT_EQ(fields_of(encoded(revised, 178)).size(), fields.size() + 1);
  EXPECT_TRUE(decoded<ExecDetails>(encoded(revised, 178), 178).pending_price_revision);
  EXPECT_EQ(decode_response(fields_of(encoded(revised, 176)), 178).error().code,
            errc::missing_field);
}

TEST(IbkrResponses, CommissionReportWithTheUnsetPnl) {
  CommissionReport m;
  m.exec_id = "0000e0d5.6563a1b2.01.01";
  m.commission = dec("1.0");
  m.currency = "USD";
  const std::string unset{kUnsetDoubleText};
  const auto back = both_ways(m, frame_of({"59", "1", m.exec_id, "1", "USD", unset, unset, ""}));
  EXPECT_EQ(back.commission, dec("1"));
  EXPECT_FALSE(back.realized_pnl.has_value());
  EXPECT_FALSE(back.yield.has_value());
  EXPECT_FALSE(back.yield_redemption_date.has_value());
  // A closing fill: realized PNL present, exact.
  const auto closing =
      decoded<CommissionReport>(frame_of({"59", "1", "e2", "1.0105", "USD", "12.34", unset, "0"}));
  EXPECT_EQ(closing.commission, dec("1.0105"));
  EXPECT_EQ(closing.realized_pnl, dec("12.34"));
}

TEST(IbkrResponses, PositionsAndEnds) {
  Position m{"DU1234567", us_stock("AAPL"), dec("10"), dec("185.2412")};
  m.contract.con_id = 265598;
  m.contract.exchange = "NASDAQ";
  const auto back = both_ways(m, frame_of({"61", "3", "DU1234567", "265598", "AAPL", "STK", "", "",
                                           "", "", "NASDAQ", "USD", "", "", "10", "185.2412"}));
  EXPECT_EQ(back.position, dec("10"));
  EXPECT_EQ(back.avg_cost, dec("185.2412"));
  both_ways(PositionEnd{}, frame_of({"62", "1"}));
  both_ways(OpenOrderEnd{}, frame_of({"53", "1"}));
  EXPECT_EQ(both_ways(ExecDetailsEnd{7}, frame_of({"55", "1", "7"})).req_id, 7);
  EXPECT_EQ(both_ways(CurrentTime{1767364265}, frame_of({"49", "1", "1767364265"})).epoch_seconds,
            1767364265);
}

TEST(IbkrResponses, RealtimeBarBothWays) {
  const RealtimeBar m{3, 1767364265, 185.1, 185.3, 185, 185.25, 1200, 185.17, 14};
  const auto back = both_ways(m, frame_of({"50", "3", "3", "1767364265", "185.1", "185.3", "185",
                                           "185.25", "1200", "185.17", "14"}));
  EXPECT_EQ(back.time, 1767364265);
  EXPECT_EQ(back.close, 185.25);
  EXPECT_EQ(back.count, 14);
  // Java's scientific notation for large volumes.
  EXPECT_EQ(decoded<RealtimeBar>(
                frame_of({"50", "3", "3", "1", "1", "1", "1", "1", "1.2345678E7", "1", "1"}))
                .volume,
            12345678.0);
}

TEST(IbkrResponses, HistoricalDataBothWaysAndCountsChecked) {
  HistoricalData m;
  m.req_id = 4;
  m.start_date = "20260102 09:30:00";
  m.end_date = "20260102 09:32:00";
  m.bars = {{"1767364200", 185, 185.5, 184.9, 185.2, 1000, 185.1, 10},
            {"1767364260", 185.2, 185.6, 185.1, 185.5, 800, 185.4, 8}};
  const auto back = both_ways(m, frame_of({"17",
                                           "4",
                                           "20260102 09:30:00",
                                           "20260102 09:32:00",
                                           "2",
                                           "1767364200",
                                           "185",
                                           "185.5",
                                           "184.9",
                                           "185.2",
                                           "1000",
                                           "185.1",
                                           "10",
                                           "1767364260",
                                           "185.2",
                                           "185.6",
                                           "185.1",
                                           "185.5",
                                           "800",
                                           "185.4",
                                           "8"}));
  ASSERT_EQ(back.bars.size(), 2u);
  EXPECT_EQ(back.bars[1].close, 185.5);
  EXPECT_EQ(back.bars[1].bar_count, 8);
  // A count the message cannot hold is refused before anything is reserved.
  for (const char* count : {"3", "-1", "9223372036854775807"}) {
    auto result = decode_response(
        fields_of(frame_of({"17", "4", "a", "b", count, "1", "1", "1", "1", "1", "1", "1", "1"})),
        kVersion);
    ASSERT_FALSE(result.ok()) << count;
    EXPECT_EQ(result.error().code, errc::invalid_field) << count;
  }
}

OpenOrder sample_open_order() {
  OpenOrder m;
  m.order_id = 120;
  m.contract = us_stock("AAPL");
  m.contract.con_id = 265598;
  m.action = "SELL";
  m.total_quantity = dec("10");
  m.order_type = "STP";
  m.aux_price = dec("180.5");
  m.tif = "GTC";
  m.oca_group = "oca-d2";
  m.account = "DU1234567";
  m.order_ref = "d2-sl";
  m.client_id = 0;
  m.perm_id = 1234567891;
  m.parent_id = 119;
  m.status = "PreSubmitted";
  return m;
}

TEST(IbkrResponses, OpenOrderBothWaysAtEveryVersion) {
  for (int version : {157, 158, 159, 160, 162, 170, 176, 177, 178}) {
    const std::string bytes = encoded(sample_open_order(), version);
    const auto back = decoded<OpenOrder>(bytes, version);
    EXPECT_EQ(encoded(back, version), bytes) << version;
    EXPECT_EQ(back.order_ref, "d2-sl") << version;
    EXPECT_EQ(back.parent_id, 119) << version;
    EXPECT_EQ(back.status, "PreSubmitted") << version;
    EXPECT_EQ(back.aux_price, dec("180.5")) << version;
    EXPECT_FALSE(back.lmt_price.has_value()) << version;
  }
  // Positions by ib_async's layout at 176: orderRef @23, parentId @58 (after faProfile @34),
  // status after the variable sections.
  const Fields fields = fields_of(encoded(sample_open_order(), 176));
  EXPECT_EQ(fields[23], "d2-sl");
  EXPECT_EQ(fields[34 + 1 + 23], "119");
  EXPECT_EQ(fields_of(encoded(sample_open_order(), 177))[34 + 23], "119");
}

// The variable sections are walked by their counts: combo legs, order combo legs, routing
// params, scale fields, hedge param, delta-neutral contract and algo params move the status.
TEST(IbkrResponses, OpenOrderWalksVariableSections) {
  Fields f = fields_of(encoded(sample_open_order(), 176));
  // Locate the sections in our own encoding (deltaNeutralOrderType @62 at 176).
  const std::size_t dn_type = 62;
  ASSERT_EQ(f[dn_type], "");
  f[dn_type] = "LMT";
  f.insert(f.begin() + static_cast<std::ptrdiff_t>(dn_type + 2), 8, "x");
  std::size_t legs = dn_type + 2 + 8 + 7;
  ASSERT_EQ(f[legs], "0");
  f[legs] = "1";
  f.insert(f.begin() + static_cast<std::ptrdiff_t>(legs + 1), 8, "leg");
  std::size_t order_legs = legs + 1 + 8;
  ASSERT_EQ(f[order_legs], "0");
  f[order_legs] = "2";
  f.insert(f.begin() + static_cast<std::ptrdiff_t>(order_legs + 1), 2, "1.5");
  std::size_t params = order_legs + 1 + 2;
  ASSERT_EQ(f[params], "0");
  f[params] = "1";
  f.insert(f.begin() + static_cast<std::ptrdiff_t>(params + 1), {"tag", "value"});
  std::size_t increment = params + 1 + 2 + 2;
  f[increment] = "0.05";
  f.insert(f.begin() + static_cast<std::ptrdiff_t>(increment + 1), 7, "s");
  std::size_t hedge = increment + 1 + 7;
  f[hedge] = "D";
  f.insert(f.begin() + static_cast<std::ptrdiff_t>(hedge + 1), "0.5");
  std::size_t dnc = hedge + 2 + 4;
  ASSERT_EQ(f[dnc], "0");
  f[dnc] = "1";
  f.insert(f.begin() + static_cast<std::ptrdiff_t>(dnc + 1), {"1", "0.5", "10"});
  std::size_t algo = dnc + 1 + 3;
  f[algo] = "Adaptive";
  f.insert(f.begin() + static_cast<std::ptrdiff_t>(algo + 1), {"1", "adaptivePriority", "Normal"});
  auto message = decode_response(f, 176);
  ASSERT_TRUE(message.ok()) << message.error().message;
  EXPECT_EQ(std::get<OpenOrder>(message.value()).status, "PreSubmitted");

  Fields huge = fields_of(encoded(sample_open_order(), 176));
  huge[dn_type + 2 + 7] = "100000000000";
  EXPECT_EQ(decode_response(huge, 176).error().code, errc::invalid_field);
}

TEST(IbkrResponses, ExtraTrailingFieldsAreTolerated) {
  const std::vector<std::string> frames = {
      encoded(NextValidId{5}), encoded(sample_open_order()), encoded(sample_execution()),
      encoded(Position{"DU1", us_stock("AAPL"), dec("1"), dec("2")}), encoded(CurrentTime{1})};
  for (const auto& frame : frames) {
    Fields fields = fields_of(frame);
    fields.push_back("future field");
    fields.push_back("");
    auto message = decode_response(fields, kVersion);
    ASSERT_TRUE(message.ok()) << fields[0] << ": " << message.error().message;
    EXPECT_EQ(encoded(message.value()), frame);
  }
}

TEST(IbkrResponses, UnknownIdsAreValues) {
  auto message = decode_response({"106", "1", "x"}, kVersion);  // historicalSchedule
  ASSERT_TRUE(message.ok());
  const auto& unknown = std::get<Unknown>(message.value());
  EXPECT_EQ(unknown.id, 106);
  EXPECT_EQ(unknown.fields, (Fields{"106", "1", "x"}));
  EXPECT_EQ(encoded(unknown), frame_of({"106", "1", "x"}));
  EXPECT_EQ(decode_response({"1x"}, kVersion).error().code, errc::invalid_field);
  EXPECT_EQ(decode_response({}, kVersion).error().code, errc::malformed_frame);
}

}  // namespace
}  // namespace autotrader::ibkr
