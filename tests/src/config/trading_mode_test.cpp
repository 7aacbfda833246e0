#include "config/trading_mode.hpp"

#include <string>

#include <gtest/gtest.h>

#include "config/settings.hpp"

namespace autotrader::config {
namespace {

TEST(TradingMode, NamesRoundTripAndNothingElseParses) {
  for (const auto name : mode_names) {
    const auto mode = parse_mode(name);
    ASSERT_TRUE(mode.has_value()) << name;
    EXPECT_EQ(mode_name(*mode), name);
  }
  for (const char* bad : {"", "live", "Binance-Live", "binance_live", "binance", "sim "}) {
    EXPECT_FALSE(parse_mode(bad).has_value()) << bad;
  }
  EXPECT_EQ(mode_list(), "sim, binance-paper, binance-testnet, binance-live");
}

TEST(TradingMode, VenueAndRealOrdersPerMode) {
  EXPECT_EQ(venue_of(Mode::sim), "sim");
  EXPECT_EQ(venue_of(Mode::binance_paper), "binance");
  EXPECT_EQ(venue_of(Mode::binance_testnet), "binance");
  EXPECT_EQ(venue_of(Mode::binance_live), "binance");
  EXPECT_FALSE(places_real_orders(Mode::sim));
  EXPECT_FALSE(places_real_orders(Mode::binance_paper));
  EXPECT_TRUE(places_real_orders(Mode::binance_testnet));
  EXPECT_TRUE(places_real_orders(Mode::binance_live));
  // A venue alone never selects a mode that places orders.
  EXPECT_EQ(mode_for_venue("binance"), Mode::binance_paper);
  EXPECT_EQ(mode_for_venue("sim"), Mode::sim);
}

struct HostCase {
  const char* url;
  const char* host;
  BinanceHost kind;
};

TEST(TradingMode, HostsAreClassifiedWhateverTheirSpelling) {
  const HostCase cases[] = {
      {"https://api.binance.com", "api.binance.com", BinanceHost::production},
      {"https://api1.binance.com/", "api1.binance.com", BinanceHost::production},
      {"https://api-gcp.binance.com", "api-gcp.binance.com", BinanceHost::production},
      {"wss://stream.binance.com:9443", "stream.binance.com", BinanceHost::production},
      {"wss://ws-api.binance.com:443/ws-api/v3", "ws-api.binance.com", BinanceHost::production},
      {"https://API.Binance.COM", "api.binance.com", BinanceHost::production},
      {"https://api.binance.com.", "api.binance.com", BinanceHost::production},
      {"https://api.binance.com.:443/x", "api.binance.com", BinanceHost::production},
      {"https://binance.com", "binance.com", BinanceHost::production},
      {"https://data-api.binance.vision", "data-api.binance.vision", BinanceHost::production},
      {"wss://data-stream.binance.vision", "data-stream.binance.vision", BinanceHost::production},
      // User info before the host: the connection goes to the host after '@'.
      {"https://testnet.binance.vision@api.binance.com", "api.binance.com",
       BinanceHost::production},
      {"https://testnet.binance.vision", "testnet.binance.vision", BinanceHost::testnet},
      {"wss://stream.testnet.binance.vision", "stream.testnet.binance.vision",
       BinanceHost::testnet},
      {"wss://ws-api.testnet.binance.vision/ws-api/v3", "ws-api.testnet.binance.vision",
       BinanceHost::testnet},
      {"https://TESTNET.binance.vision.", "testnet.binance.vision", BinanceHost::testnet},
      {"http://127.0.0.1:8080", "127.0.0.1", BinanceHost::other},
      {"ws://[::1]:9000/ws-api/v3", "::1", BinanceHost::other},
      {"https://notbinance.com", "notbinance.com", BinanceHost::other},
      {"https://binance.com.evil.example", "binance.com.evil.example", BinanceHost::other},
      {"https://binance.vision", "binance.vision", BinanceHost::other},
      {"no scheme", "", BinanceHost::other},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(url_host(c.url), c.host) << c.url;
    EXPECT_EQ(classify_binance_host(c.url), c.kind) << c.url;
  }
}

TEST(TradingMode, BinanceUrlsOfTheDefaultsAreTheTestnet) {
  const Settings settings;
  for (const auto& url : binance_urls(settings)) {
    EXPECT_EQ(url.kind, BinanceHost::testnet) << url.key;
    EXPECT_EQ(classify_binance_host(url.testnet), BinanceHost::testnet) << url.key;
    EXPECT_EQ(classify_binance_host(url.production), BinanceHost::production) << url.key;
  }
  EXPECT_EQ(binance_urls(settings)[2].key, "binance.ws_api_url");
  EXPECT_EQ(forbidden_host(Mode::binance_testnet), BinanceHost::production);
  EXPECT_EQ(forbidden_host(Mode::binance_live), BinanceHost::testnet);
  EXPECT_FALSE(forbidden_host(Mode::sim).has_value());
  EXPECT_FALSE(forbidden_host(Mode::binance_paper).has_value());
}

TEST(TradingMode, UnknownOrdersNames) {
  EXPECT_EQ(parse_unknown_orders("cancel"), UnknownOrders::cancel);
  EXPECT_EQ(parse_unknown_orders("adopt"), UnknownOrders::adopt);
  EXPECT_FALSE(parse_unknown_orders("ignore").has_value());
  EXPECT_EQ(unknown_orders_name(UnknownOrders::adopt), "adopt");
}

}  // namespace
}  // namespace autotrader::config
