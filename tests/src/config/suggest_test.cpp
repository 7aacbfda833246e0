#include "config/suggest.hpp"

#include <gtest/gtest.h>

namespace autotrader::config {
namespace {

TEST(EditDistance, CountsEdits) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("port", "port"), 0u);
  EXPECT_EQ(edit_distance("", "port"), 4u);
  EXPECT_EQ(edit_distance("prot", "port"), 1u);  // swapped neighbours count once
  EXPECT_EQ(edit_distance("ports", "port"), 1u);
  EXPECT_EQ(edit_distance("pert", "port"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Closest, SuggestsOnlyNearCandidates) {
  const std::vector<std::string> keys{"http.port", "http.bind", "log.level"};
  EXPECT_EQ(closest("http.prot", keys), "http.port");
  EXPECT_EQ(closest("log.levle", keys), "log.level");
  EXPECT_EQ(closest("http.bnd", keys), "http.bind");
  EXPECT_EQ(closest("colour", keys), std::nullopt);
  EXPECT_EQ(closest("", keys), std::nullopt);
  EXPECT_EQ(closest("ab", {"cd"}), std::nullopt);  // every character changed
}

}  // namespace
}  // namespace autotrader::config
