// Exact-path routing: found, 404 and 405 with the Allow list, HEAD served by GET.
#include "net/router.hpp"

#include <gtest/gtest.h>

namespace autotrader::net {
namespace {

Handler noop() {
  return [](const HttpRequest&, Responder) {};
}

TEST(RouterTest, MatchesExactPathAndMethod) {
  Router router;
  router.add("get", "/healthz", noop());
  const auto match = router.match("GET", "/healthz");
  EXPECT_EQ(match.kind, RouteMatch::Kind::found);
  EXPECT_NE(match.handler, nullptr);
  EXPECT_EQ(match.route, "/healthz");
}

TEST(RouterTest, UnknownPathIsUnmatched) {
  Router router;
  router.add("GET", "/healthz", noop());
  for (const char* path : {"/healthz/", "/HEALTHZ", "/health", ""}) {
    const auto match = router.match("GET", path);
    EXPECT_EQ(match.kind, RouteMatch::Kind::not_found) << path;
    EXPECT_EQ(match.route, kUnmatchedRoute);
  }
}

TEST(RouterTest, WrongMethodListsTheAllowedOnes) {
  Router router;
  router.add("POST", "/api/orders", noop());
  router.add("GET", "/api/orders", noop());
  const auto match = router.match("DELETE", "/api/orders");
  EXPECT_EQ(match.kind, RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(match.route, "/api/orders");
  EXPECT_EQ(match.allow, "GET, HEAD, POST");
}

TEST(RouterTest, HeadIsServedByGetOnly) {
  Router router;
  router.add("GET", "/a", noop());
  router.add("POST", "/b", noop());
  EXPECT_EQ(router.match("HEAD", "/a").kind, RouteMatch::Kind::found);
  EXPECT_EQ(router.match("HEAD", "/b").kind, RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(router.match("HEAD", "/b").allow, "POST");
}

TEST(RouterTest, ListsItsPaths) {
  Router router;
  router.add("GET", "/b", noop());
  router.add("GET", "/a", noop());
  router.add("POST", "/a", noop());
  EXPECT_EQ(router.paths(), (std::vector<std::string>{"/a", "/b"}));
}

}  // namespace
}  // namespace autotrader::net
