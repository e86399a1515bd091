// Venue URLs: https/wss only, default port 443, IPv6 literals, targets with queries; clear errors.
#include "meridian/transport/url.hpp"

#include <gtest/gtest.h>

using meridian::transport::is_ip_literal;
using meridian::transport::parse_secure_url;

TEST(SecureUrl, ParsesHostPortAndTarget) {
  std::string error;
  auto u = parse_secure_url("https://api.exchange.coinbase.com", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "api.exchange.coinbase.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/");
  u = parse_secure_url("WSS://stream.binance.com:9443/stream?streams=btcusdt@kline_1m", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->scheme, "wss");
  EXPECT_EQ(u->port, "9443");
  EXPECT_EQ(u->target, "/stream?streams=btcusdt@kline_1m");
  u = parse_secure_url("https://[::1]:8443/x", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "8443");
  u = parse_secure_url("https://h?q=1", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->target, "/?q=1");
}

TEST(SecureUrl, RejectsWhatItCannotUseSafely) {
  for (const char* bad :
       {"http://api.exchange.coinbase.com", "ws://x/stream", "api.exchange.coinbase.com", "https://", "https://:443/",
        "https://h:0/", "https://h:70000/", "https://h:x/", "https://user:pw@h/", "https://[::1/"}) {
    std::string error;
    EXPECT_FALSE(parse_secure_url(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(SecureUrl, IpLiterals) {
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  EXPECT_FALSE(is_ip_literal("api.exchange.coinbase.com"));
}
