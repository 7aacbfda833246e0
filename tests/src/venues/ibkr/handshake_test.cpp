#include "venues/ibkr/handshake.hpp"

#include <gtest/gtest.h>

#include "tests/src/venues/ibkr/ibkr_test_support.hpp"

namespace autotrader::ibkr {
namespace {

using test::fields_of;
using test::frame_of;

TEST(IbkrHandshake, ClientHelloBytes) {
  // Our range, as ib_async sends it: "API\0" then a 9-byte frame "v157..178" without a NUL.
  EXPECT_EQ(encode_client_hello(), std::string("API\0\x00\x00\x00\x09v157..178", 17));
  EXPECT_EQ(encode_client_hello({157, 178}, "+PACEAPI"),
            std::string("API\0\x00\x00\x00\x12v157..178 +PACEAPI", 26));
  // @stoqey/ib's recorded bytes, from its own range.
  const auto& stoqey = test::stoqey_frames();
  EXPECT_EQ(encode_client_hello({100, 193}),
            stoqey.at("handshake_prefix") + stoqey.at("handshake_version_range"));
}

TEST(IbkrHandshake, ClientHelloDecodes) {
  const auto& stoqey = test::stoqey_frames();
  EXPECT_EQ(stoqey.at("handshake_prefix"), kApiPrefix);
  auto hello = decode_client_hello(stoqey.at("handshake_version_range").substr(4));
  ASSERT_TRUE(hello.ok());
  EXPECT_EQ(hello->range, (VersionRange{100, 193}));
  EXPECT_EQ(hello->connect_options, "");
  auto with_options = decode_client_hello("v157..178 +PACEAPI");
  ASSERT_TRUE(with_options.ok());
  EXPECT_EQ(with_options->range, (VersionRange{157, 178}));
  EXPECT_EQ(with_options->connect_options, "+PACEAPI");
  for (const char* bad : {"", "x157..178", "v157", "v157..", "v..178", "v178..157", "v0..5",
                          "v1a..178", "v99999999999..1"}) {
    auto result = decode_client_hello(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().code, errc::bad_handshake) << bad;
  }
}

// The real IB Gateway's answer (nautilus_trader capture): version 176 and its connection time.
TEST(IbkrHandshake, ServerHelloFromTheGatewayCapture) {
  const std::string& bytes = test::documented_frames().at("server_hello_ib_gateway");
  auto hello = decode_server_hello(fields_of(bytes));
  ASSERT_TRUE(hello.ok()) << hello.error().message;
  EXPECT_EQ(hello->server_version, 176);
  EXPECT_EQ(hello->connection_time, "20230228 17:24:14 EST");
  auto encoded = encode_server_hello(*hello);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded.value(), bytes);
}

TEST(IbkrHandshake, ServerVersionsOutside157To178AreRefused) {
  for (int version : {156, 157, 176, 178, 179}) {
    auto hello = decode_server_hello(fields_of(frame_of({std::to_string(version), "t"})));
    if (version >= 157 && version <= 178) {
      ASSERT_TRUE(hello.ok()) << version;
      EXPECT_EQ(hello->server_version, version);
    } else {
      ASSERT_FALSE(hello.ok()) << version;
      EXPECT_EQ(hello.error().code, errc::unsupported_version) << version;
      EXPECT_NE(hello.error().message.find(std::to_string(version)), std::string::npos);
    }
  }
  EXPECT_EQ(decode_server_hello({"17x", "t"}).error().code, errc::invalid_field);
  EXPECT_EQ(decode_server_hello({"176"}).error().code, errc::missing_field);
  EXPECT_TRUE(decode_server_hello({"176", "t", "extra"}).ok());
}

TEST(IbkrHandshake, NegotiatedVersionIsTheHighestCommon) {
  EXPECT_EQ(negotiate_version({157, 178}, {100, 176}).value(), 176);
  EXPECT_EQ(negotiate_version({100, 193}, {157, 178}).value(), 178);
  EXPECT_EQ(negotiate_version({179, 190}, {157, 178}).error().code, errc::unsupported_version);
}

}  // namespace
}  // namespace autotrader::ibkr
