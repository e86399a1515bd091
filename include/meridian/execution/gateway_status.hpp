#pragma once
// How a live gateway is doing, venue-neutral: what GET /api/gateway/status shows per gateway.
// GatewayStatus is plain data; a GatewayBoard is where gateways publish it for readers on other
// threads (the API), so no reader ever touches a gateway.
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/time.hpp"
#include "meridian/execution/reconciliation.hpp"

namespace meridian::execution {

enum class GatewayState : std::uint8_t {
  connecting,    // the stream is (re)connecting or authenticating
  connected,     // authorised and listening: order updates arrive
  disconnected,  // the stream is down; reconnecting after a backoff
  auth_failed,   // the venue refused the keys: nothing is retried until they change
};
std::string_view to_string(GatewayState s) noexcept;

// The latest comparison of the venue's open orders and positions with the gateway's book.
struct Reconciliation {
  static constexpr std::size_t kMaxDetails = 20;  // texts kept; `differences` counts them all
  core::Timestamp at{};                           // zero: none yet
  std::size_t differences = 0;
  std::vector<std::string> details;  // one short text per difference, the first kMaxDetails
  std::size_t venue_open_orders = 0;
  std::vector<VenuePosition> held;  // the venue's positions, all of them (shown, compared with a ledger)
};

struct GatewayStatus {
  std::string gateway;  // "alpaca"
  std::string venue;    // the REST base URL
  GatewayState state = GatewayState::connecting;
  // New entries go (the stream is up and reconciled since it came up): false pauses them.
  bool accepting_entries = false;
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
  bool rate_limit_hold = false;   // requests wait for a Retry-After right now
  std::int64_t portfolio_id = 0;  // the portfolio trading through it
  std::uint64_t reconciliations = 0;
  Reconciliation last_reconciliation;
};

// The gateways' latest statuses, by (gateway, portfolio). Any thread. Gateways publish on their
// own events (a REST answer, a stream message), never per tick, so the lock is off the hot path.
class GatewayBoard {
 public:
  void publish(const GatewayStatus& status);
  void remove(std::string_view gateway, std::int64_t portfolio_id);
  std::vector<GatewayStatus> read() const;  // in order of first publication
  // `fn` sees every published status whose state or accepting_entries differs from the one
  // before it (a gateway's first included): the /ws `gateway` message. It runs under the board's lock, so once this
  // is called again (null: nobody) the previous `fn` is never called any more.
  void on_state_change(std::function<void(const GatewayStatus&)> fn);

 private:
  mutable std::mutex mutex_;
  std::vector<GatewayStatus> items_;
  std::function<void(const GatewayStatus&)> on_state_change_;
};

}  // namespace meridian::execution
