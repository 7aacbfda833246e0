#include "core/fault.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace autotrader::core::fault {
namespace {

class FaultTest : public ::testing::Test {
 protected:
  void TearDown() override {
    disarm_all();
    set_listener(nullptr);
  }
};

TEST_F(FaultTest, UnarmedPointsDoNothing) {
  EXPECT_NO_THROW(point("http.start"));
  arm("other.point", {});
  EXPECT_NO_THROW(point("http.start"));
}

TEST_F(FaultTest, ArmedPointThrowsItsMessageAndIsCounted) {
  std::vector<std::string> fired;
  set_listener([&](const std::string& name) { fired.push_back(name); });
  ASSERT_EQ(parse_and_arm("http.start=throw:bind refused"), std::nullopt);
  try {
    point("http.start");
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "bind refused");
  }
  EXPECT_THROW(point("http.start"), std::runtime_error);  // every time by default
  EXPECT_EQ(fired, (std::vector<std::string>{"http.start", "http.start"}));
}

TEST_F(FaultTest, TimesLimitTheFirings) {
  ASSERT_EQ(parse_and_arm(" a.b = throw * 2 , c_d=throw:x:y*1"), std::nullopt);
  EXPECT_EQ(armed_points(), (std::vector<std::string>{"a.b", "c_d"}));
  EXPECT_THROW(point("a.b"), std::runtime_error);
  EXPECT_THROW(point("a.b"), std::runtime_error);
  EXPECT_NO_THROW(point("a.b"));
  try {
    point("c_d");
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "x:y");  // the message may contain ':'
  }
  EXPECT_NO_THROW(point("c_d"));
  EXPECT_TRUE(armed_points().empty());
}

TEST_F(FaultTest, DefaultMessageNamesThePoint) {
  ASSERT_EQ(parse_and_arm("store.flush=throw"), std::nullopt);
  try {
    point("store.flush");
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "fault injected at store.flush");
  }
}

TEST_F(FaultTest, MalformedSpecsAreRejectedWholeAndNameThePart) {
  EXPECT_EQ(parse_and_arm("a=throw,nonsense"), "'nonsense': expected point=action");
  EXPECT_EQ(parse_and_arm("a=explode"), "'a': unknown action 'explode' (throw or abort)");
  EXPECT_EQ(parse_and_arm("A.B=throw"),
            "'A.B': a point name has lower-case letters, digits, '.' and '_'");
  EXPECT_EQ(parse_and_arm("a=throw*0"), "'a': *times must be at least 1");
  EXPECT_EQ(parse_and_arm("a=throw*x"), "'a': *times needs a number");
  EXPECT_TRUE(armed_points().empty());  // nothing armed from a bad spec
}

TEST_F(FaultTest, AbortEndsTheProcess) {
  ASSERT_EQ(parse_and_arm("crash.here=abort*1"), std::nullopt);
  EXPECT_DEATH(point("crash.here"), "");
}

}  // namespace
}  // namespace autotrader::core::fault
