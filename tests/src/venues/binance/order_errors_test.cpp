#include "venues/binance/order_errors.hpp"

#include <gtest/gtest.h>

namespace autotrader::binance {
namespace {

using paper::RejectReason;
using Transport = HttpOutcome::Transport;

HttpOutcome answered(int status, std::string_view body = {},
                     std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  return HttpOutcome{Transport::answered, status, body, retry_after};
}

// The README's table, row by row: {kind, outcome, class, reason, halt}.
struct Row {
  const char* name;
  RequestKind kind;
  HttpOutcome outcome;
  ReplyClass expected;
  std::optional<RejectReason> reason;
  bool halt;
};

TEST(BinanceOrderErrors, ClassifiesLikeTheReadmeTable) {
  const Row rows[] = {
      {"200", RequestKind::place, answered(200, "{}"), ReplyClass::success, {}, false},
      {"connect failed",
       RequestKind::place,
       HttpOutcome{Transport::failed_before_send, 0, {}, {}},
       ReplyClass::not_sent,
       {},
       false},
      {"timeout after send",
       RequestKind::place,
       HttpOutcome{Transport::failed_after_send, 0, {}, {}},
       ReplyClass::unknown_outcome,
       {},
       false},
      {"500", RequestKind::place, answered(500, "<html>"), ReplyClass::unknown_outcome, {}, false},
      {"503 with a code",
       RequestKind::cancel,
       answered(503, R"({"code":-1001,"msg":"x"})"),
       ReplyClass::unknown_outcome,
       {},
       false},
      {"-1007",
       RequestKind::place,
       answered(408, R"({"code":-1007,"msg":"Timeout waiting for response from backend server."})"),
       ReplyClass::unknown_outcome,
       {},
       false},
      {"-1021",
       RequestKind::place,
       answered(
           400,
           R"({"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."})"),
       ReplyClass::retry_after_time_sync,
       {},
       false},
      {"-1022",
       RequestKind::place,
       answered(400, R"({"code":-1022,"msg":"Signature for this request is not valid."})"),
       ReplyClass::rejected,
       {},
       true},
      {"-2015",
       RequestKind::read,
       answered(401, R"({"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."})"),
       ReplyClass::rejected,
       {},
       true},
      {"-2010 balance", RequestKind::place,
       answered(400,
                R"({"code":-2010,"msg":"Account has insufficient balance for requested action."})"),
       ReplyClass::rejected, RejectReason::insufficient_balance, false},
      {"-2010 duplicate", RequestKind::place,
       answered(400, R"({"code":-2010,"msg":"Duplicate order sent."})"), ReplyClass::rejected,
       RejectReason::duplicate_client_order_id, false},
      {"-2010 other",
       RequestKind::place,
       answered(400, R"({"code":-2010,"msg":"Order would immediately match and take."})"),
       ReplyClass::rejected,
       {},
       false},
      {"-1013 lot", RequestKind::place,
       answered(400, R"({"code":-1013,"msg":"Filter failure: LOT_SIZE"})"), ReplyClass::rejected,
       RejectReason::invalid_quantity, false},
      {"-1013 notional", RequestKind::place,
       answered(400, R"({"code":-1013,"msg":"Filter failure: NOTIONAL"})"), ReplyClass::rejected,
       RejectReason::invalid_quantity, false},
      {"-1013 price",
       RequestKind::place,
       answered(400, R"({"code":-1013,"msg":"Filter failure: PRICE_FILTER"})"),
       ReplyClass::rejected,
       {},
       false},
      {"-1121", RequestKind::place, answered(400, R"({"code":-1121,"msg":"Invalid symbol."})"),
       ReplyClass::rejected, RejectReason::invalid_symbol, false},
      {"-2013 query",
       RequestKind::query,
       answered(400, R"({"code":-2013,"msg":"Order does not exist."})"),
       ReplyClass::not_found_yet,
       {},
       false},
      {"-2013 cancel", RequestKind::cancel,
       answered(400, R"({"code":-2013,"msg":"Order does not exist."})"), ReplyClass::rejected,
       RejectReason::unknown_order, false},
      {"-2011 unknown", RequestKind::cancel,
       answered(400, R"({"code":-2011,"msg":"Unknown order sent."})"), ReplyClass::rejected,
       RejectReason::unknown_order, false},
      {"-2011 restricted", RequestKind::cancel,
       answered(400,
                R"({"code":-2011,"msg":"Order was not canceled due to cancel restrictions."})"),
       ReplyClass::rejected, RejectReason::order_not_open, false},
      {"429",
       RequestKind::place,
       answered(429, R"({"code":-1003,"msg":"Too much request weight used"})",
                std::chrono::seconds{7}),
       ReplyClass::rate_limited,
       {},
       false},
      {"418",
       RequestKind::read,
       answered(418, "", std::chrono::seconds{120}),
       ReplyClass::rate_limited,
       {},
       false},
      {"-1015 on 400",
       RequestKind::place,
       answered(400, R"({"code":-1015,"msg":"Too many new orders."})"),
       ReplyClass::rate_limited,
       {},
       false},
      {"403 WAF", RequestKind::place, answered(403, ""), ReplyClass::rejected, {}, false},
      {"400 html place",
       RequestKind::place,
       answered(400, "<html>bad gateway</html>"),
       ReplyClass::unknown_outcome,
       {},
       false},
      {"400 html query",
       RequestKind::query,
       answered(400, "<html>"),
       ReplyClass::rejected,
       {},
       false},
      {"other code",
       RequestKind::place,
       answered(400, R"({"code":-1102,"msg":"Mandatory parameter 'price' was not sent."})"),
       ReplyClass::rejected,
       {},
       false},
      {"no status", RequestKind::place, answered(0), ReplyClass::unknown_outcome, {}, false},
      {"3xx", RequestKind::place, answered(302), ReplyClass::unknown_outcome, {}, false},
  };
  for (const Row& row : rows) {
    Classification c = classify(row.kind, row.outcome);
    EXPECT_EQ(c.reply_class, row.expected)
        << row.name << ": got " << to_string(c.reply_class) << " (" << c.message << ")";
    EXPECT_EQ(c.reason, row.reason) << row.name;
    EXPECT_EQ(c.halt_trading, row.halt) << row.name;
  }
}

TEST(BinanceOrderErrors, CarriesTheCodeMessageAndRetryAfter) {
  Classification limited =
      classify(RequestKind::place,
               answered(429, R"({"code":-1003,"msg":"Way too much"})", std::chrono::seconds{30}));
  EXPECT_EQ(limited.code, -1003);
  ASSERT_TRUE(limited.retry_after.has_value());
  EXPECT_EQ(*limited.retry_after, std::chrono::seconds{30});
  Classification balance = classify(
      RequestKind::place,
      answered(400,
               R"({"code":-2010,"msg":"Account has insufficient balance for requested action."})"));
  EXPECT_EQ(balance.code, -2010);
  EXPECT_EQ(balance.message,
            "HTTP 400 code -2010: Account has insufficient balance for requested action.");
  EXPECT_STREQ(to_string(ReplyClass::retry_after_time_sync), "retry_after_time_sync");
  EXPECT_STREQ(to_string(ReplyClass::not_found_yet), "not_found_yet");
}

}  // namespace
}  // namespace autotrader::binance
