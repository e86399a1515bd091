#pragma once
// How a live gateway is doing, venue-neutral: what GET /api/gateway/status shows per gateway.
// Plain data, copied out on the engine strand.
#include <cstdint>
#include <string>
#include <string_view>

#include "meridian/core/time.hpp"

namespace meridian::execution {

enum class GatewayState : std::uint8_t {
  connecting,    // the stream is (re)connecting or authenticating
  connected,     // authorised and listening: order updates arrive
  disconnected,  // the stream is down; reconnecting after a backoff
  auth_failed,   // the venue refused the keys: nothing is retried until they change
};
std::string_view to_string(GatewayState s) noexcept;

struct GatewayStatus {
  std::string gateway;  // "alpaca"
  std::string venue;    // the REST base URL
  GatewayState state = GatewayState::connecting;
  std::string account_hint;  // the last 4 characters of the key id
  std::uint64_t stream_connects = 0;
  core::Timestamp last_message{};  // the venue's last stream message (zero: none yet)
  std::string last_error;          // the latest failure, for people (never a key)
  std::uint64_t orders_sent = 0;   // POST /v2/orders requests, re-sends included
  std::uint64_t lost_answers = 0;  // submits resolved by asking the venue
  std::uint64_t rejects = 0;
  std::uint64_t rate_limited = 0;  // 429 answers
  std::uint64_t fills = 0;
  std::uint64_t unknown_updates = 0;  // about orders this gateway does not know
  std::size_t open_orders = 0;
  bool rate_limit_hold = false;  // requests wait for a Retry-After right now
};

}  // namespace meridian::execution
