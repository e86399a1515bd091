#pragma once
// Where a request comes from, as the per-client defences see it (the request rate limit, the
// login throttle, /metrics' loopback rule).
//
// Contract: an IPv4 address, also written IPv4-mapped (::ffff:a.b.c.d, what a dual-stack
// listener reports), is one client; an IPv6 address counts as its /64 network, because one
// host is routinely given a whole /64 and could otherwise take a fresh address per request.
// Text that is no address (empty: the peer was unknown) is one client of its own, never
// loopback.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace meridian::api {

struct ClientAddress {
  // The client in IPv6 form: IPv4 as ::ffff:a.b.c.d, IPv6 with its low 64 bits zero.
  std::array<std::uint8_t, 16> network{};
  bool loopback = false;  // 127.0.0.0/8 or ::1

  static ClientAddress parse(std::string_view text) noexcept;
  // "203.0.113.7", "2001:db8:1:2::/64", or "unknown".
  std::string to_string() const;
  bool operator==(const ClientAddress&) const = default;
};

}  // namespace meridian::api
