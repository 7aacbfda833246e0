// Proxy settings without sockets: proxy URLs, NO_PROXY matching, the environment variables and
// their precedence, and that credentials never show in text meant for people.
#include "net/proxy.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace autotrader::net {
namespace {

TEST(NetProxyUrl, ParsesHostPortAndCredentials) {
  auto proxy = parse_proxy_url("http://alice:s3cret@proxy.corp:3128");
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->host, "proxy.corp");
  EXPECT_EQ(proxy->port, 3128);
  EXPECT_EQ(proxy->username, "alice");
  EXPECT_EQ(proxy->password.reveal(), "s3cret");
  EXPECT_EQ(proxy->name(), "proxy.corp:3128");
}

TEST(NetProxyUrl, AcceptsTheUsualSpellings) {
  auto bare = parse_proxy_url("proxy.corp:8080");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->name(), "proxy.corp:8080");
  EXPECT_TRUE(bare->username.empty());

  auto no_port = parse_proxy_url("HTTP://proxy.corp/");
  ASSERT_TRUE(no_port);
  EXPECT_EQ(no_port->port, 80);

  auto v6 = parse_proxy_url("http://[::1]:3128");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->name(), "[::1]:3128");

  auto user_only = parse_proxy_url("http://bob@10.0.0.1:3128");
  ASSERT_TRUE(user_only);
  EXPECT_EQ(user_only->username, "bob");
  EXPECT_TRUE(user_only->password.empty());
}

TEST(NetProxyUrl, PercentDecodesCredentialsUpToTheLastAt) {
  auto proxy = parse_proxy_url("http://me%40corp:p%3Ass@w0rd@proxy:3128");
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->username, "me@corp");
  EXPECT_EQ(proxy->password.reveal(), "p:ss@w0rd");
  EXPECT_EQ(proxy->host, "proxy");
}

TEST(NetProxyUrl, RejectsWhatItCannotUse) {
  for (const char* text :
       {"", "https://proxy:3128", "socks5://proxy:1080", "http://", "http://:80", "http://proxy:0",
        "http://proxy:65536", "http://proxy:3128/path", "http://pro xy:3128",
        "http://u:%zz@proxy:3128", "http://u:%4@proxy", "http://[::1:3128"}) {
    EXPECT_FALSE(parse_proxy_url(text)) << text;
  }
}

TEST(NetProxyUrl, BasicAuthorizationFollowsRfc7617) {
  // RFC 7617 §2's example.
  auto proxy = parse_proxy_url("http://Aladdin:open%20sesame@proxy:3128");
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->authorization().reveal(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(parse_proxy_url("http://a:b@p")->authorization().reveal(), "Basic YTpi");
  EXPECT_EQ(parse_proxy_url("http://ab:c@p")->authorization().reveal(), "Basic YWI6Yw==");
  EXPECT_TRUE(parse_proxy_url("http://p:1")->authorization().empty());
}

TEST(NetProxyUrl, CredentialsNeverPrint) {
  auto proxy = parse_proxy_url("http://alice:s3cret@proxy.corp:3128");
  ASSERT_TRUE(proxy);
  std::ostringstream text;
  text << proxy->password << " " << proxy->authorization();
  EXPECT_EQ(text.str().find("s3cret"), std::string::npos);
  EXPECT_EQ(text.str().find("YWxpY2U6czNjcmV0"), std::string::npos);  // base64 of alice:s3cret
  EXPECT_EQ(proxy->name().find("alice"), std::string::npos);
}

TEST(NetNoProxy, MatchesDomainsAndTheirSubdomains) {
  std::vector<std::string> list{"example.com", ".corp.internal"};
  EXPECT_TRUE(bypasses_proxy(list, "example.com", 443));
  EXPECT_TRUE(bypasses_proxy(list, "api.example.com", 443));
  EXPECT_TRUE(bypasses_proxy(list, "API.Example.COM.", 443));  // case and a trailing dot
  EXPECT_FALSE(bypasses_proxy(list, "badexample.com", 443));
  EXPECT_FALSE(bypasses_proxy(list, "example.com.evil", 443));
  EXPECT_TRUE(bypasses_proxy(list, "corp.internal", 80));  // the leading dot is ignored (curl)
  EXPECT_TRUE(bypasses_proxy(list, "db.corp.internal", 80));
  EXPECT_FALSE(bypasses_proxy(list, "internal", 80));
}

TEST(NetNoProxy, StarBypassesEverythingAndAnEmptyListNothing) {
  EXPECT_TRUE(bypasses_proxy({"*"}, "anything.example", 443));
  EXPECT_TRUE(bypasses_proxy({"a.com", " * "}, "b.org", 1));
  EXPECT_FALSE(bypasses_proxy({}, "localhost", 80));
  EXPECT_FALSE(bypasses_proxy({"", "  "}, "localhost", 80));
}

TEST(NetNoProxy, HonoursPorts) {
  std::vector<std::string> list{"localhost:8080", "10.1.2.3:443", "[::1]:9000"};
  EXPECT_TRUE(bypasses_proxy(list, "localhost", 8080));
  EXPECT_FALSE(bypasses_proxy(list, "localhost", 8081));
  EXPECT_TRUE(bypasses_proxy(list, "10.1.2.3", 443));
  EXPECT_FALSE(bypasses_proxy(list, "10.1.2.3", 80));
  EXPECT_TRUE(bypasses_proxy(list, "::1", 9000));
  EXPECT_TRUE(bypasses_proxy(list, "[::1]", 9000));
  EXPECT_FALSE(bypasses_proxy(list, "::1", 9001));
  EXPECT_FALSE(bypasses_proxy({"localhost:notaport"}, "localhost", 80));
}

TEST(NetNoProxy, MatchesIpLiteralsAndCidrBlocks) {
  std::vector<std::string> list{"127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "192.168.1.0/24"};
  EXPECT_TRUE(bypasses_proxy(list, "127.0.0.1", 80));
  EXPECT_FALSE(bypasses_proxy(list, "127.0.0.2", 80));
  EXPECT_TRUE(bypasses_proxy(list, "10.200.3.4", 80));
  EXPECT_FALSE(bypasses_proxy(list, "11.0.0.1", 80));
  EXPECT_TRUE(bypasses_proxy(list, "192.168.1.77", 80));
  EXPECT_FALSE(bypasses_proxy(list, "192.168.2.1", 80));
  EXPECT_TRUE(bypasses_proxy(list, "::1", 80));
  EXPECT_TRUE(bypasses_proxy(list, "fd12:3456::1", 80));
  EXPECT_FALSE(bypasses_proxy(list, "fe80::1", 80));
  // Names are not resolved: "localhost" is not 127.0.0.1 here.
  EXPECT_FALSE(bypasses_proxy(list, "localhost", 80));
  // Malformed blocks match nothing and break nothing.
  EXPECT_FALSE(
      bypasses_proxy({"10.0.0.0/", "10.0.0.0/x", "10.0.0.0/33", "nonsense/8"}, "10.0.0.1", 80));
}

TEST(NetNoProxy, SplitsAListOnCommas) {
  EXPECT_EQ(split_no_proxy(" a.com, .b.org ,,10.0.0.0/8,"),
            (std::vector<std::string>{"a.com", ".b.org", "10.0.0.0/8"}));
  EXPECT_TRUE(split_no_proxy("").empty());
}

TEST(NetProxyOptions, RoutesEachSchemeToItsProxyUnlessBypassed) {
  ProxyOptions options;
  options.https = parse_proxy_url("http://secure-proxy:3128");
  options.http = parse_proxy_url("http://plain-proxy:3128");
  options.no_proxy = {"localhost"};
  ASSERT_TRUE(options.route("https", "api.binance.com", 443));
  EXPECT_EQ(options.route("https", "api.binance.com", 443)->host, "secure-proxy");
  EXPECT_EQ(options.route("http", "example.com", 80)->host, "plain-proxy");
  EXPECT_EQ(options.route("https", "localhost", 443), nullptr);
  ProxyOptions none;
  EXPECT_EQ(none.route("https", "api.binance.com", 443), nullptr);
}

TEST(NetProxyOptions, LoopbackIsReachedDirectlyUnlessToldOtherwise) {
  ProxyOptions options;
  options.https = parse_proxy_url("http://proxy:3128");
  for (const char* host :
       {"localhost", "LOCALHOST.", "api.localhost", "127.0.0.1", "127.9.9.9", "::1", "[::1]"}) {
    EXPECT_EQ(options.route("https", host, 443), nullptr) << host;
  }
  EXPECT_NE(options.route("https", "128.0.0.1", 443), nullptr);
  EXPECT_NE(options.route("https", "localhost.example.com", 443), nullptr);
  options.direct_to_loopback = false;
  EXPECT_NE(options.route("https", "localhost", 443), nullptr);
  EXPECT_NE(options.route("https", "127.0.0.1", 443), nullptr);
}

TEST(NetProxyEnvironment, ReadsTheLowerCaseNameFirst) {
  auto env = proxy_from_environment({{"https_proxy", "http://lower:1"},
                                     {"HTTPS_PROXY", "http://upper:2"},
                                     {"HTTP_PROXY", "upper-http:3"},
                                     {"NO_PROXY", "a.com,b.com"},
                                     {"no_proxy", "c.com"}});
  EXPECT_TRUE(env.errors.empty());
  ASSERT_TRUE(env.options.https);
  EXPECT_EQ(env.options.https->name(), "lower:1");
  ASSERT_TRUE(env.options.http);
  EXPECT_EQ(env.options.http->name(), "upper-http:3");
  EXPECT_EQ(env.options.no_proxy, (std::vector<std::string>{"c.com"}));
}

TEST(NetProxyEnvironment, BlankValuesCountAsUnset) {
  auto env = proxy_from_environment(
      {{"https_proxy", ""}, {"HTTPS_PROXY", "http://upper:2"}, {"no_proxy", " "}});
  ASSERT_TRUE(env.options.https);
  EXPECT_EQ(env.options.https->name(), "upper:2");
  EXPECT_FALSE(env.options.http);
  EXPECT_TRUE(env.options.no_proxy.empty());
  EXPECT_TRUE(env.errors.empty());
  auto empty = proxy_from_environment(std::map<std::string, std::string>{});
  EXPECT_FALSE(empty.options.https);
  EXPECT_FALSE(empty.options.http);
}

TEST(NetProxyEnvironment, NamesABadVariableWithoutItsValue) {
  auto env = proxy_from_environment(
      {{"HTTPS_PROXY", "socks5://user:hunter22@proxy:1080"}, {"http_proxy", "http://ok:1"}});
  EXPECT_FALSE(env.options.https);
  ASSERT_TRUE(env.options.http);
  ASSERT_EQ(env.errors.size(), 1u);
  EXPECT_NE(env.errors[0].find("HTTPS_PROXY"), std::string::npos) << env.errors[0];
  EXPECT_EQ(env.errors[0].find("hunter22"), std::string::npos) << env.errors[0];
  EXPECT_EQ(env.errors[0].find("user"), std::string::npos) << env.errors[0];
}

}  // namespace
}  // namespace autotrader::net
