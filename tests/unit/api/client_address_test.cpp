// api::ClientAddress: one client per IPv4 address (however written) and per IPv6 /64; loopback.
#include "meridian/api/client_address.hpp"

#include <gtest/gtest.h>

using meridian::api::ClientAddress;

TEST(ClientAddress, Ipv4AsWrittenOrMappedIsOneClient) {
  const auto plain = ClientAddress::parse("203.0.113.7");
  EXPECT_EQ(plain, ClientAddress::parse("::ffff:203.0.113.7"));
  EXPECT_NE(plain, ClientAddress::parse("203.0.113.8"));
  EXPECT_FALSE(plain.loopback);
  EXPECT_EQ(plain.to_string(), "203.0.113.7");
}

TEST(ClientAddress, Ipv6CountsAsItsSlash64) {
  const auto a = ClientAddress::parse("2001:db8:1:2:aaaa::1");
  EXPECT_EQ(a, ClientAddress::parse("2001:db8:1:2::ffff"));
  EXPECT_NE(a, ClientAddress::parse("2001:db8:1:3::1"));
  EXPECT_EQ(a.to_string(), "2001:db8:1:2::/64");
  EXPECT_FALSE(a.loopback);
}

TEST(ClientAddress, LoopbackIsIpv4s127Slash8AndIpv6sOneAddress) {
  for (const char* text : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"})
    EXPECT_TRUE(ClientAddress::parse(text).loopback) << text;
  for (const char* text : {"10.0.0.1", "0.0.0.0", "::", "::2", "::ffff:10.0.0.1", "fe80::1"})
    EXPECT_FALSE(ClientAddress::parse(text).loopback) << text;
  EXPECT_EQ(ClientAddress::parse("::1").to_string(), "::1");
}

TEST(ClientAddress, NoAddressIsOneUnknownClientNeverLoopback) {
  const auto unknown = ClientAddress::parse("");
  EXPECT_FALSE(unknown.loopback);
  EXPECT_EQ(unknown, ClientAddress::parse("not an address"));
  EXPECT_EQ(unknown.to_string(), "unknown");
  EXPECT_NE(unknown, ClientAddress::parse("::"));
  EXPECT_NE(unknown, ClientAddress::parse("0.0.0.0"));
}
