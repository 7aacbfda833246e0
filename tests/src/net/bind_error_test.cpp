// The messages of bind failures that a test cannot provoke on every machine (root binds port 80).
#include "net/bind_error.hpp"

#include <cerrno>

#include <gtest/gtest.h>

namespace autotrader::net {
namespace {

TEST(BindErrorTest, NamesEachCommonFailure) {
  EXPECT_EQ(bind_failure("127.0.0.1", 5000, EADDRINUSE, "").message(),
            "127.0.0.1:5000 is already in use");
  EXPECT_EQ(bind_failure("::1", 5000, EADDRINUSE, "").message(), "[::1]:5000 is already in use");
  EXPECT_EQ(bind_failure("10.9.9.9", 5000, EADDRNOTAVAIL, "").code(), errc::address_not_available);
  const Result denied = bind_failure("127.0.0.1", 80, EACCES, "");
  EXPECT_EQ(denied.code(), errc::permission_denied);
  EXPECT_EQ(denied.message(),
            "permission denied to listen on 127.0.0.1:80 (ports below 1024 need root or "
            "CAP_NET_BIND_SERVICE)");
  EXPECT_EQ(bind_failure("127.0.0.1", 8080, EACCES, "").message(),
            "permission denied to listen on 127.0.0.1:8080");
  EXPECT_EQ(bind_failure("127.0.0.1", 5000, EMFILE, "Too many open files").message(),
            "cannot listen on 127.0.0.1:5000: Too many open files");
}

TEST(BindErrorTest, ResultIsOkByDefault) {
  const Result ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(static_cast<bool>(ok));
  const Result failed = Result::failure(errc::io_error, "boom");
  EXPECT_FALSE(failed.ok());
  EXPECT_STREQ(to_string(failed.code()), "io_error");
}

}  // namespace
}  // namespace autotrader::net
