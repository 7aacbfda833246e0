#include "net/url.hpp"

#include <gtest/gtest.h>

namespace autotrader::net {
namespace {

TEST(NetUrl, ParsesEverySchemeWithDefaultsAndPorts) {
  auto a = parse_url("https://testnet.binance.vision/api/v3/time");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->scheme, "https");
  EXPECT_EQ(a->host, "testnet.binance.vision");
  EXPECT_EQ(a->port, 443);
  EXPECT_EQ(a->target, "/api/v3/time");
  EXPECT_TRUE(a->tls());
  EXPECT_EQ(a->host_header(), "testnet.binance.vision");

  auto b = parse_url("WSS://stream.binance.com:9443/stream?streams=btcusdt@kline_1m");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->scheme, "wss");
  EXPECT_EQ(b->port, 9443);
  EXPECT_EQ(b->target, "/stream?streams=btcusdt@kline_1m");
  EXPECT_TRUE(b->websocket());
  EXPECT_EQ(b->host_header(), "stream.binance.com:9443");

  auto c = parse_url("ws://127.0.0.1:8080");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->target, "/");
  EXPECT_FALSE(c->tls());

  auto d = parse_url("http://[::1]:81?x=1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->target, "/?x=1");
  EXPECT_EQ(d->host_header(), "[::1]:81");
  EXPECT_EQ(parse_url("http://[::1]")->port, 80);
}

TEST(NetUrl, RejectsWhatTheClientsCannotUse) {
  for (const char* bad :
       {"", "testnet.binance.vision", "ftp://x/", "https://", "https://:443/", "https://host:/",
        "https://host:0/", "https://host:65536/", "https://host:12a/", "https://user@host/",
        "https://ho st/", "https://host/a b", "https://host/a#frag", "http://[::1/", "http://[zz]/",
        "http://[::1]x/"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
}

}  // namespace
}  // namespace autotrader::net
