#include "venues/ibkr/wire.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/src/venues/ibkr/ibkr_test_support.hpp"

namespace autotrader::ibkr {
namespace {

using test::dec;
using test::frame_of;

TEST(IbkrWire, FrameIsBigEndianLengthAndPayload) {
  EXPECT_EQ(encode_frame(std::string{"9\0"
                                     "1\0"
                                     "117\0",
                                     8}),
            std::string("\x00\x00\x00\x08"
                        "9\0"
                        "1\0"
                        "117\0",
                        12));
  const std::string big(0x010203, 'x');
  EXPECT_EQ(encode_frame(big).substr(0, 4), std::string("\x00\x01\x02\x03", 4));
}

TEST(IbkrWire, SplitFieldsNeedsTerminatedFields) {
  auto fields =
      split_fields(std::string{"15\0"
                               "1\0"
                               "\0",
                               6});
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(fields.value(), (Fields{"15", "1", ""}));
  EXPECT_EQ(split_fields("15").error().code, errc::malformed_frame);
  EXPECT_EQ(split_fields("").error().code, errc::malformed_frame);
}

// Three frames concatenated, fed in two chunks split at every byte position, then one byte at a
// time: the reader must return exactly the three payloads, in order, whatever the split.
TEST(IbkrWire, FrameReaderReassemblesAnySplit) {
  const std::string a = frame_of({"15", "1", "DU1234567"});
  const std::string b = frame_of({"9", "1", "117"});
  const std::string c = frame_of({"4", "2", "-1", "2104", "Market data farm connection is OK", ""});
  const std::string stream = a + b + c;
  const std::vector<std::string> want = {a.substr(4), b.substr(4), c.substr(4)};
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameReader reader;
    std::vector<std::string> got;
    for (const std::string& chunk : {stream.substr(0, cut), stream.substr(cut)}) {
      reader.feed(chunk);
      while (auto payload = reader.next()) {
        ASSERT_TRUE(payload->ok()) << "cut " << cut;
        got.push_back(payload->value());
      }
    }
    EXPECT_EQ(got, want) << "cut " << cut;
    EXPECT_EQ(reader.buffered(), 0u);
  }
  FrameReader bytewise;
  std::vector<std::string> got;
  for (char byte : stream) {
    bytewise.feed(std::string(1, byte));
    while (auto payload = bytewise.next()) got.push_back(payload->value());
  }
  EXPECT_EQ(got, want);
}

TEST(IbkrWire, FrameReaderWaitsForAWholeFrame) {
  FrameReader reader;
  reader.feed(std::string("\x00\x00\x00", 3));
  EXPECT_FALSE(reader.next().has_value());
  reader.feed(
      std::string("\x05"
                  "ab",
                  3));
  EXPECT_FALSE(reader.next().has_value());
  EXPECT_EQ(reader.buffered(), 6u);
  reader.feed("cde");
  auto payload = reader.next();
  ASSERT_TRUE(payload && payload->ok());
  EXPECT_EQ(payload->value(), "abcde");
  EXPECT_FALSE(reader.next().has_value());
}

// A length above the maximum is refused as soon as the prefix is in, before any payload byte:
// nothing of that size is ever allocated, and the error sticks (the stream cannot resync).
TEST(IbkrWire, FrameReaderRefusesOversizeAndEmptyFramesForGood) {
  FrameReader reader{1000};
  reader.feed(std::string("\x00\x00\x03\xe9", 4));  // 1001
  auto first = reader.next();
  ASSERT_TRUE(first.has_value());
  ASSERT_FALSE(first->ok());
  EXPECT_EQ(first->error().code, errc::frame_too_large);
  EXPECT_TRUE(reader.failed());
  EXPECT_EQ(reader.buffered(), 0u);
  reader.feed(frame_of({"9", "1", "117"}));
  auto again = reader.next();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->error().code, errc::frame_too_large);

  FrameReader defaults;
  defaults.feed(std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(defaults.next()->error().code, errc::frame_too_large);

  FrameReader at_limit{5};
  at_limit.feed(
      std::string("\x00\x00\x00\x05"
                  "abcde",
                  9));
  EXPECT_TRUE(at_limit.next()->ok());

  FrameReader empty;
  empty.feed(std::string(4, '\0'));
  EXPECT_EQ(empty.next()->error().code, errc::empty_frame);
}

TEST(IbkrWire, WireDecimalsAreExactIncludingJavaScientificForm) {
  EXPECT_EQ(parse_wire_decimal("185.25"), dec("185.25"));
  EXPECT_EQ(parse_wire_decimal("10.0"), dec("10"));
  EXPECT_EQ(parse_wire_decimal("-3"), dec("-3"));
  EXPECT_EQ(parse_wire_decimal("1.0E-4"), dec("0.0001"));
  EXPECT_EQ(parse_wire_decimal("1.2345E7"), dec("12345000"));
  EXPECT_EQ(parse_wire_decimal("2.5e+2"), dec("250"));
  EXPECT_FALSE(parse_wire_decimal(""));
  EXPECT_FALSE(parse_wire_decimal("abc"));
  EXPECT_FALSE(parse_wire_decimal("1.0E"));
  EXPECT_FALSE(parse_wire_decimal("1.0E99"));
  EXPECT_FALSE(parse_wire_decimal(kUnsetDoubleText));  // 1.79e308 does not fit: never a price
  EXPECT_FALSE(parse_wire_decimal("1.5E-18"));         // 19 fraction digits
  EXPECT_FALSE(parse_wire_decimal("NaN"));
}

TEST(IbkrWire, ReaderTypesSentinelsAndErrors) {
  const Fields fields = {"3",
                         "42",
                         "",
                         "2147483647",
                         "9223372036854775807",
                         "1.7976931348623157E308",
                         "170141183460469231731687303715884105727",
                         "0.5",
                         "1",
                         "x"};
  FieldReader r{fields, "test"};
  EXPECT_EQ(r.integer("a"), 42);
  EXPECT_EQ(r.integer("empty"), 0);
  EXPECT_EQ(r.optional_integer("unset int"), std::nullopt);
  EXPECT_EQ(r.optional_integer("unset long"), std::nullopt);
  EXPECT_EQ(r.optional_decimal("unset double"), std::nullopt);
  EXPECT_EQ(r.optional_decimal("unset decimal"), std::nullopt);
  EXPECT_EQ(r.decimal("half"), dec("0.5"));
  EXPECT_TRUE(r.boolean("flag"));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.integer("x"), 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_field);
  EXPECT_EQ(r.error().message, "test: field 9 (x) is not an integer");
  // The error sticks: later reads return defaults and keep the first error.
  EXPECT_EQ(r.text("after"), "");
  EXPECT_EQ(r.error().message, "test: field 9 (x) is not an integer");

  const Fields short_fields = {"9", "1"};
  FieldReader s{short_fields, "nextValidId", 2};
  s.integer("orderId");
  EXPECT_EQ(s.error().code, errc::missing_field);
  EXPECT_EQ(s.error().message, "nextValidId: field 2 (orderId) is missing");

  const Fields bad = {"1", "2", "1.5x", "2", "1.7976931348623157E308", "inf"};
  FieldReader b{bad, "t"};
  EXPECT_EQ(b.boolean("flag"), false);
  EXPECT_EQ(b.error().code, errc::invalid_field);
  FieldReader d{bad, "t", 2};
  d.decimal("price");
  EXPECT_EQ(d.error().code, errc::invalid_field);
  FieldReader n{bad, "t", 4};
  n.number("sentinel is not a bar value");
  EXPECT_EQ(n.error().code, errc::invalid_field);
  FieldReader inf{bad, "t", 5};
  inf.number("inf");
  EXPECT_EQ(inf.error().code, errc::invalid_field);
}

TEST(IbkrWire, WriterRefusesTextWithNul) {
  FieldWriter w;
  w.integer(3).text(std::string("a\0b", 3), "orderRef");
  auto frame = w.frame();
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().code, errc::invalid_field);
  EXPECT_NE(frame.error().message.find("orderRef"), std::string::npos);

  FieldWriter ok;
  ok.integer(-1)
      .boolean(true)
      .boolean(false)
      .decimal(dec("0.5"))
      .optional_decimal(std::nullopt)
      .number(185.25)
      .number(0.00001)
      .empty(2);
  EXPECT_EQ(ok.payload(), std::string("-1\0"
                                      "1\0"
                                      "0\0"
                                      "0.5\0"
                                      "\0"
                                      "185.25\0"
                                      "0.00001\0"
                                      "\0\0",
                                      29));
}

}  // namespace
}  // namespace autotrader::ibkr
