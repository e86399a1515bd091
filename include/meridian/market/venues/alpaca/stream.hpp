#pragma once
// The Alpaca market data v2 stream as a state machine: connected -> auth -> subscribe, error
// codes turned into outcomes the transport acts on, and trades, quotes and bars sequenced into
// ticks and bars. Pure: the transport feeds it text frames and writes the frames it returns.
// One instance per connection owner, used from one strand.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meridian/core/types.hpp"
#include "meridian/market/venue_message.hpp"
#include "meridian/market/venue_sequencer.hpp"
#include "meridian/market/venue_symbols.hpp"
#include "meridian/market/venues/alpaca/messages.hpp"

namespace meridian::market::alpaca {

enum class ConnectionState : std::uint8_t {
  connecting,      // socket open, waiting for {"msg":"connected"}
  authenticating,  // auth sent
  authenticated,   // subscribe sent (or nothing to subscribe to)
  subscribed,      // the server confirmed a subscription
  failed,          // the server refused us; the transport closes the socket
};
std::string_view to_string(ConnectionState s) noexcept;

// Alpaca's error codes (docs: "Real-time stock data", errors).
enum class Outcome : std::uint8_t {
  invalid_syntax,             // 400
  not_authenticated,          // 401: a request before auth
  auth_failed,                // 402: wrong key or secret
  already_authenticated,      // 403
  auth_timeout,               // 404: auth not sent in time
  symbol_limit,               // 405
  connection_limit,           // 406: another connection uses these keys
  slow_client,                // 407: we did not read fast enough
  insufficient_subscription,  // 409: the plan does not include this feed
  invalid_subscribe_action,   // 410
  internal_error,             // 500
  unknown_error,              // any other code
};
std::string_view to_string(Outcome o) noexcept;
Outcome outcome_of(int code) noexcept;

struct Failure {
  Outcome outcome = Outcome::unknown_error;
  bool close = false;      // the connection is unusable: close it
  bool reconnect = false;  // worth trying again (with backoff); false for a configuration problem
  VenueError venue{};
};

struct Step {
  std::vector<std::string> send;          // frames to write, in order
  std::vector<core::Tick> ticks;          // accepted trades and quotes
  std::vector<core::Bar> bars;            // accepted minute bars, final
  std::vector<core::Bar> corrected_bars;  // "u": replace a bar already delivered (idempotent upsert)
  std::vector<std::pair<core::SymbolId, BackfillRange>> gaps;  // minute bars to fetch over REST
  std::optional<Failure> failure;
};

class Stream {
 public:
  Stream(const VenueSymbols& symbols, std::string key, std::string secret);

  // A new socket is open (first connection or reconnect): waits for "connected". Sequencing
  // state is kept, so bars missed while away come back as gaps.
  void on_open();
  Step on_text(std::string_view text);

  // The symbols wanted on every channel (trades, quotes, bars). Once authenticated, the change
  // is sent at once as unsubscribe/subscribe frames; before that it is sent after auth.
  Step set_symbols(std::span<const core::SymbolId> symbols);

  ConnectionState state() const noexcept { return state_; }
  const Subscription& wanted() const noexcept { return wanted_; }
  const Subscription& confirmed() const noexcept { return confirmed_; }
  const MessageErrorCounts& errors() const noexcept { return errors_; }
  const BarSequencer& bar_sequencer() const noexcept { return bars_; }
  BarSequencer& bar_sequencer() noexcept { return bars_; }
  const EventSequencer& trade_sequencer() const noexcept { return trades_; }
  const EventSequencer& quote_sequencer() const noexcept { return quotes_; }

 private:
  void on_event(const ServerEvent& ev, Step& step);
  void send_subscription_change(Step& step);

  const VenueSymbols* symbols_;
  std::string key_, secret_;
  ConnectionState state_ = ConnectionState::connecting;
  Subscription wanted_;
  Subscription sent_;       // what our subscribe frames asked for on this connection
  Subscription confirmed_;  // the server's last subscription message
  BarSequencer bars_;
  EventSequencer trades_, quotes_;
  struct Touch {
    core::Price bid{}, ask{}, last{};
  };
  std::vector<Touch> touch_;
  MessageErrorCounts errors_;
};

}  // namespace meridian::market::alpaca
