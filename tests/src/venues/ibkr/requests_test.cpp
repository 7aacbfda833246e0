#include "venues/ibkr/requests.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/src/venues/ibkr/ibkr_test_support.hpp"

namespace autotrader::ibkr {
namespace {

using test::dec;
using test::fields_of;
using test::frame_of;

constexpr int kVersion = 176;

std::string encoded(const Request& request, int version = kVersion) {
  auto frame = encode_request(request, version);
  EXPECT_TRUE(frame.ok()) << (frame.ok() ? "" : frame.error().message);
  return frame.ok() ? frame.value() : std::string{};
}

// decode(encode(x)) encodes to the same bytes: nothing modelled is lost on the way.
void expect_round_trip(const Request& request, int version = kVersion) {
  const std::string bytes = encoded(request, version);
  auto decoded = decode_request(fields_of(bytes), version);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->index(), request.index());
  EXPECT_EQ(encoded(decoded.value(), version), bytes);
}

Order order(Action action, OrderType type, const char* quantity, std::string ref) {
  Order o;
  o.action = action;
  o.order_type = type;
  o.total_quantity = dec(quantity);
  o.order_ref = std::move(ref);
  return o;
}

// The orders @stoqey/ib placed for the recorded frames (fixture header).
std::vector<std::pair<std::string, PlaceOrder>> recorded_orders() {
  const Contract aapl = us_stock("AAPL");
  PlaceOrder mkt{118, aapl, order(Action::buy, OrderType::market, "10", "d1-en")};
  PlaceOrder lmt{119, aapl, order(Action::buy, OrderType::limit, "10", "d2-en")};
  lmt.order.lmt_price = dec("185.25");
  lmt.order.transmit = false;
  PlaceOrder stp{120, aapl, order(Action::sell, OrderType::stop, "10", "d2-sl")};
  stp.order.aux_price = dec("180.5");
  stp.order.tif = "GTC";
  stp.order.parent_id = 119;
  stp.order.oca_group = "oca-d2";
  stp.order.transmit = false;
  PlaceOrder stp_lmt{121, aapl, order(Action::sell, OrderType::stop_limit, "0.5", "d2-tp")};
  stp_lmt.order.lmt_price = dec("180.4");
  stp_lmt.order.aux_price = dec("180.5");
  stp_lmt.order.tif = "GTC";
  stp_lmt.order.parent_id = 119;
  stp_lmt.order.oca_group = "oca-d2";
  stp_lmt.order.account = "DU1234567";
  stp_lmt.order.outside_rth = true;
  return {{"place_order_mkt", mkt},
          {"place_order_lmt", lmt},
          {"place_order_stp_child", stp},
          {"place_order_stp_lmt_child", stp_lmt}};
}

TEST(IbkrRequests, PlaceOrderIsByteForByteWhatStoqeySends) {
  for (const auto& [name, place] : recorded_orders()) {
    EXPECT_EQ(encoded(place), test::stoqey_frames().at(name)) << name;
    expect_round_trip(place);
  }
}

TEST(IbkrRequests, PlaceOrderDecodesTheFieldsTheFakeNeeds) {
  auto decoded =
      decode_request(fields_of(test::stoqey_frames().at("place_order_stp_lmt_child")), kVersion);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const auto& p = std::get<PlaceOrder>(decoded.value());
  EXPECT_EQ(p.order_id, 121);
  EXPECT_EQ(p.contract, us_stock("AAPL"));
  EXPECT_EQ(p.order.action, Action::sell);
  EXPECT_EQ(p.order.total_quantity, dec("0.5"));
  EXPECT_EQ(p.order.order_type, OrderType::stop_limit);
  EXPECT_EQ(p.order.lmt_price, dec("180.4"));
  EXPECT_EQ(p.order.aux_price, dec("180.5"));
  EXPECT_EQ(p.order.tif, "GTC");
  EXPECT_EQ(p.order.oca_group, "oca-d2");
  EXPECT_EQ(p.order.account, "DU1234567");
  EXPECT_EQ(p.order.order_ref, "d2-tp");
  EXPECT_TRUE(p.order.transmit);
  EXPECT_EQ(p.order.parent_id, 119);
  EXPECT_TRUE(p.order.outside_rth);
}

// Field counts per server version: faProfile only below 177; duration >= 158, postToAts >= 160,
// autoCancelParent >= 162, advancedErrorOverride >= 166, manualOrderTime >= 169.
TEST(IbkrRequests, PlaceOrderLayoutFollowsTheServerVersion) {
  const auto place = recorded_orders().front().second;
  const std::vector<std::pair<int, std::size_t>> counts = {{157, 110}, {158, 111}, {160, 112},
                                                           {162, 113}, {166, 114}, {169, 115},
                                                           {176, 115}, {177, 114}, {178, 114}};
  for (const auto& [version, count] : counts) {
    const Fields fields = fields_of(encoded(place, version));
    EXPECT_EQ(fields.size(), count) << version;
    expect_round_trip(place, version);
  }
}

// What ib_async writes for the same order (numbers as Python floats, 0 for unset ints, every
// boolean set): the fake reads it alike.
TEST(IbkrRequests, PlaceOrderDecodesIbAsyncStyleValues) {
  Fields fields = fields_of(test::stoqey_frames().at("place_order_lmt"));
  fields[5] = "0.0";      // strike
  fields[17] = "10.0";    // totalQuantity
  fields[19] = "185.25";  // lmtPrice
  fields[29] = "0";       // blockOrder
  fields[28] = "0";       // parentId
  auto decoded = decode_request(fields, kVersion);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const auto& p = std::get<PlaceOrder>(decoded.value());
  EXPECT_EQ(p.order.total_quantity, dec("10"));
  EXPECT_FALSE(p.contract.strike.has_value());
  EXPECT_EQ(p.order.parent_id, 0);
}

TEST(IbkrRequests, OrdersWeDoNotSendAreRefused) {
  PlaceOrder lmt{1, us_stock("AAPL"), order(Action::buy, OrderType::limit, "1", "x")};
  EXPECT_EQ(encode_request(lmt, kVersion).error().code, errc::invalid_field);  // no lmtPrice
  PlaceOrder mkt{1, us_stock("AAPL"), order(Action::buy, OrderType::market, "1", "x")};
  mkt.order.aux_price = dec("1");
  EXPECT_EQ(encode_request(mkt, kVersion).error().code, errc::invalid_field);  // stray stop
  PlaceOrder zero{1, us_stock("AAPL"), order(Action::buy, OrderType::market, "0", "x")};
  EXPECT_EQ(encode_request(zero, kVersion).error().code, errc::invalid_field);
  PlaceOrder nul{1, us_stock("AAPL"), order(Action::buy, OrderType::market, "1", "")};
  nul.order.order_ref = std::string("a\0b", 3);
  EXPECT_EQ(encode_request(nul, kVersion).error().code, errc::invalid_field);

  Fields fields = fields_of(test::stoqey_frames().at("place_order_mkt"));
  fields[18] = "TRAIL";
  EXPECT_EQ(decode_request(fields, kVersion).error().code, errc::invalid_field);
  fields[18] = "MKT";
  fields[16] = "SSHORT";
  EXPECT_EQ(decode_request(fields, kVersion).error().code, errc::invalid_field);
  fields[16] = "BUY";
  fields[17] = "ten";
  EXPECT_EQ(decode_request(fields, kVersion).error().code, errc::invalid_field);
  fields[17] = "10";
  fields.resize(20);
  EXPECT_EQ(decode_request(fields, kVersion).error().code, errc::missing_field);
}

TEST(IbkrRequests, EveryOtherRequestIsByteForByteWhatStoqeySends) {
  const Contract aapl = us_stock("AAPL");
  ReqHistoricalData history;
  history.req_id = 4;
  history.contract = aapl;
  history.bar_size = "1 min";
  history.duration = "1 D";
  history.use_rth = true;
  history.what_to_show = "TRADES";
  history.format_date = 1;
  ReqRealTimeBars bars;
  bars.req_id = 3;
  bars.contract = aapl;
  ReqMktData ticks;
  ticks.req_id = 2;
  ticks.contract = aapl;
  const std::vector<std::pair<std::string, Request>> cases = {
      {"start_api", StartApi{0, ""}},
      {"cancel_order", CancelOrder{120, ""}},
      {"req_open_orders", ReqOpenOrders{}},
      {"req_executions", ReqExecutions{7, {}}},
      {"req_ids", ReqIds{1}},
      {"req_current_time", ReqCurrentTime{}},
      {"req_positions", ReqPositions{}},
      {"req_mkt_data", ticks},
      {"req_historical_data", history},
      {"req_real_time_bars", bars},
  };
  for (const auto& [name, request] : cases) {
    EXPECT_EQ(encoded(request), test::stoqey_frames().at(name)) << name;
    expect_round_trip(request);
  }
}

// Requests @stoqey/ib was not recorded sending, against ib_async client.py's layouts.
TEST(IbkrRequests, CancelsAndFilteredExecutionsMatchIbAsyncLayouts) {
  EXPECT_EQ(encoded(CancelMktData{2}), frame_of({"2", "2", "2"}));
  EXPECT_EQ(encoded(CancelHistoricalData{4}), frame_of({"25", "1", "4"}));
  EXPECT_EQ(encoded(CancelRealTimeBars{3}), frame_of({"51", "1", "3"}));
  EXPECT_EQ(encoded(StartApi{7, "+cap"}), frame_of({"71", "2", "7", "+cap"}));
  // cancelOrder has no manualOrderCancelTime below 169.
  EXPECT_EQ(encoded(CancelOrder{5, ""}, 168), frame_of({"4", "1", "5"}));
  ExecutionFilter filter;
  filter.client_id = 3;
  filter.account = "DU1234567";
  filter.time = "20260102 09:30:00";
  filter.symbol = "AAPL";
  filter.sec_type = "STK";
  filter.exchange = "SMART";
  filter.side = "BUY";
  const Request executions = ReqExecutions{9, filter};
  EXPECT_EQ(encoded(executions), frame_of({"7", "3", "9", "3", "DU1234567", "20260102 09:30:00",
                                           "AAPL", "STK", "SMART", "BUY"}));
  for (const Request& request :
       {Request{CancelMktData{2}}, Request{CancelHistoricalData{4}}, Request{CancelRealTimeBars{3}},
        Request{StartApi{7, "+cap"}}, executions}) {
    expect_round_trip(request);
  }
  expect_round_trip(CancelOrder{5, ""}, 168);
}

TEST(IbkrRequests, UnknownIdsAreValuesAndBadIdsErrors) {
  auto unknown = decode_request({"17", "1"}, kVersion);  // reqManagedAccts: not modelled
  ASSERT_TRUE(unknown.ok());
  const auto& u = std::get<UnknownRequest>(unknown.value());
  EXPECT_EQ(u.id, 17);
  EXPECT_EQ(u.fields, (Fields{"17", "1"}));
  EXPECT_EQ(encoded(unknown.value()), frame_of({"17", "1"}));
  EXPECT_EQ(decode_request({"x"}, kVersion).error().code, errc::invalid_field);
  EXPECT_EQ(decode_request({}, kVersion).error().code, errc::malformed_frame);
  EXPECT_EQ(decode_request({"8", "1"}, kVersion).error().code, errc::missing_field);
}

}  // namespace
}  // namespace autotrader::ibkr
