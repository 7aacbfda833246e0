// The one-line errors of HttpServer::start() and probe_bind() when the address cannot be used.
#include <unistd.h>

#include <gtest/gtest.h>

#include "net/http_server.hpp"
#include "tests/src/net/http_server_fixture.hpp"

namespace autotrader::net {
namespace {

using testing::TestServer;

TEST(HttpServerBindTest, StartOnAPortInUseSaysSo) {
  TestServer first;
  ASSERT_TRUE(first.start());
  auto options = testing::loopback_options();
  options.port = first.port();
  TestServer second{options};

  const Result started = second.server->start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), errc::address_in_use);
  EXPECT_EQ(started.message(), "127.0.0.1:" + std::to_string(first.port()) + " is already in use");
  EXPECT_EQ(second.port(), 0);
}

TEST(HttpServerBindTest, ProbeBindGivesTheSameMessageAsStart) {
  TestServer first;
  ASSERT_TRUE(first.start());
  const auto probed = probe_bind("127.0.0.1", first.port());
  ASSERT_TRUE(probed.has_value());
  EXPECT_EQ(*probed, "127.0.0.1:" + std::to_string(first.port()) + " is already in use");
}

TEST(HttpServerBindTest, ProbeBindReleasesAFreePort) {
  TestServer server;
  ASSERT_TRUE(server.start());
  const auto port = server.port();
  server.server->stop();
  EXPECT_EQ(probe_bind("127.0.0.1", port), std::nullopt);
  EXPECT_EQ(probe_bind("127.0.0.1", port), std::nullopt);  // released, so free again
  EXPECT_EQ(probe_bind("127.0.0.1", 0), std::nullopt);
}

TEST(HttpServerBindTest, AnAddressNotOnThisHostCannotBeAssigned) {
  const auto probed = probe_bind("10.9.9.9", 5000);
  ASSERT_TRUE(probed.has_value());
  EXPECT_EQ(*probed, "cannot assign 10.9.9.9:5000: the address is not on this host");

  auto options = testing::loopback_options();
  options.bind_address = "10.9.9.9";
  TestServer server{options};
  const Result started = server.server->start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), errc::address_not_available);
  EXPECT_EQ(started.message(), "cannot assign 10.9.9.9:0: the address is not on this host");
}

TEST(HttpServerBindTest, AnInvalidAddressIsRejected) {
  EXPECT_EQ(probe_bind("localhost:80", 5000),
            "invalid bind address 'localhost:80': expected an IPv4 or IPv6 address");
  auto options = testing::loopback_options();
  options.bind_address = "not-an-ip";
  TestServer server{options};
  EXPECT_EQ(server.server->start().code(), errc::invalid_address);
}

TEST(HttpServerBindTest, APrivilegedPortNeedsPermission) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may bind any port";
  const auto probed = probe_bind("127.0.0.1", 80);
  ASSERT_TRUE(probed.has_value());
  EXPECT_EQ(*probed,
            "permission denied to listen on 127.0.0.1:80 (ports below 1024 need root or "
            "CAP_NET_BIND_SERVICE)");
}

TEST(HttpServerBindTest, InvalidOptionsAreRejected) {
  auto options = testing::loopback_options();
  options.max_connections = 0;
  TestServer server{options};
  EXPECT_EQ(server.server->start().code(), errc::invalid_options);
}

}  // namespace
}  // namespace autotrader::net
