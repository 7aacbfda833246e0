#include "venues/paper/client_order_id.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace autotrader::paper {
namespace {

// Binance FIX's documented pattern, which also satisfies the REST rule (binance.md).
const std::regex kBinanceId{"^[a-zA-Z0-9-_]{1,36}$"};

TEST(PaperClientOrderId, PlainDecisionIdsStayReadable) {
  EXPECT_EQ(make_client_order_id("BTCUSDT-1700000000000", OrderPurpose::entry),
            "at-BTCUSDT-1700000000000-en");
  EXPECT_EQ(make_client_order_id("d1", OrderPurpose::exit), "at-d1-ex");
  EXPECT_EQ(make_client_order_id("d1", OrderPurpose::stop_loss), "at-d1-sl");
  EXPECT_EQ(make_client_order_id("d1", OrderPurpose::take_profit), "at-d1-tp");
  const std::string thirty(30, 'a');
  EXPECT_EQ(make_client_order_id(thirty, OrderPurpose::entry), "at-" + thirty + "-en");
  EXPECT_EQ(make_client_order_id(thirty, OrderPurpose::entry).size(), 36u);
}

TEST(PaperClientOrderId, LongOrOddDecisionIdsAreHashed) {
  // FNV-1a 64 of "" is the offset basis; of "a" the published test vector.
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(make_client_order_id("", OrderPurpose::entry), "ah-cbf29ce484222325-en");
  const std::string thirty_one(31, 'a');
  const auto id = make_client_order_id(thirty_one, OrderPurpose::take_profit);
  EXPECT_EQ(id.rfind("ah-", 0), 0u);
  EXPECT_EQ(id.size(), 22u);
  EXPECT_NE(make_client_order_id("a b", OrderPurpose::entry).rfind("ah-", 0), std::string::npos);
  EXPECT_EQ(make_client_order_id("a.b", OrderPurpose::entry).substr(0, 3), "ah-");
}

TEST(PaperClientOrderId, DeterministicValidAndDistinct) {
  std::set<std::string> seen;
  const std::string inputs[] = {"",
                                "d1",
                                "D1",
                                "d1-en",
                                "d1-en-en",
                                std::string(30, 'z'),
                                std::string(31, 'z'),
                                std::string(500, 'x'),
                                std::string("nul\0byte", 8),
                                "ünïcödé",
                                "../../etc/passwd",
                                "id with spaces"};
  for (const auto& input : inputs) {
    for (auto purpose : {OrderPurpose::entry, OrderPurpose::exit, OrderPurpose::stop_loss,
                         OrderPurpose::take_profit}) {
      const auto id = make_client_order_id(input, purpose);
      EXPECT_EQ(id, make_client_order_id(input, purpose));
      EXPECT_TRUE(std::regex_match(id, kBinanceId)) << id;
      EXPECT_TRUE(is_valid_client_order_id(id)) << id;
      EXPECT_LE(id.size(), max_client_order_id_length);
      EXPECT_TRUE(seen.insert(id).second) << "collision: " << id;
    }
  }
}

TEST(PaperClientOrderId, Validation) {
  EXPECT_TRUE(is_valid_client_order_id("a"));
  EXPECT_TRUE(is_valid_client_order_id(std::string(36, 'A')));
  EXPECT_FALSE(is_valid_client_order_id(""));
  EXPECT_FALSE(is_valid_client_order_id(std::string(37, 'A')));
  EXPECT_FALSE(is_valid_client_order_id("a.b"));
  EXPECT_FALSE(is_valid_client_order_id("a b"));
  EXPECT_FALSE(is_valid_client_order_id("a/b"));
}

}  // namespace
}  // namespace autotrader::paper
