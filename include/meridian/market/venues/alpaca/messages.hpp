#pragma once
// Alpaca market data v2 stream messages: the auth and subscribe frames Meridian sends, and the
// arrays the server sends (control messages, trades, quotes, bars). Pure; never throws.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/core/types.hpp"
#include "meridian/market/venue_message.hpp"
#include "meridian/market/venue_symbols.hpp"

namespace meridian::market::alpaca {

// Alpaca's stock feed lists US equities under their own ticker: the USD equity instruments map
// to their symbol upper-cased ("aapl" -> "AAPL"); crypto and non-USD equities are not mapped.
VenueSymbols symbol_map(const core::InstrumentTable& table);

// `{"action":"auth","key":"..","secret":".."}`, JSON-escaped.
std::string auth_message(std::string_view key, std::string_view secret);

struct Subscription {
  std::vector<std::string> trades, quotes, bars;
  bool empty() const noexcept { return trades.empty() && quotes.empty() && bars.empty(); }
  bool operator==(const Subscription&) const = default;
};
// `{"action":"subscribe","trades":[..],"quotes":[..],"bars":[..]}`; "unsubscribe" likewise.
std::string subscribe_message(const Subscription& s);
std::string unsubscribe_message(const Subscription& s);

enum class EventKind : std::uint8_t {
  connected,      // {"T":"success","msg":"connected"}
  authenticated,  // {"T":"success","msg":"authenticated"}
  subscription,   // {"T":"subscription","trades":[..],..}: the full current subscription
  error,          // {"T":"error","code":402,"msg":"auth failed"}
  trade,          // "t"
  quote,          // "q"
  bar,            // "b": a minute bar, final when sent
  updated_bar,    // "u": a correction of a bar already sent (late trades)
  other,          // a documented type Meridian does not use (daily bars, statuses, LULD, ...)
  invalid,        // see `error_kind`
};

struct ServerEvent {
  EventKind kind = EventKind::invalid;
  MessageError error_kind = MessageError::none;  // invalid (and venue_error for error)
  VenueError venue{};                            // error
  Subscription subscription{};                   // subscription
  core::SymbolId symbol = 0;                     // trade, quote, bar
  core::Timestamp ts{};                          // trade, quote (a bar's is bar.open_time)
  core::Price price{};                           // trade
  core::Quantity size{};                         // trade
  std::uint64_t trade_id = 0;                    // trade ("i")
  core::Price bid{}, ask{};                      // quote
  core::Quantity bid_size{}, ask_size{};         // quote
  core::Bar bar{};                               // bar, updated_bar (timeframe m1)
};

struct ServerFrame {
  MessageError error = MessageError::none;  // the frame as a whole (then events is empty)
  std::vector<ServerEvent> events;          // one per array element, bad elements `invalid`
};

// Prices and sizes arrive as JSON numbers: converted through the double and rounded to the
// instrument's price and quantity decimals. Times are RFC-3339 with up to 9 fraction digits.
// A bad element is an `invalid` event; the other elements of the frame still count.
ServerFrame parse_server_frame(std::string_view text, const VenueSymbols& symbols);

}  // namespace meridian::market::alpaca
