#pragma once
// Binance REST klines for backfill: the request path and the array-of-arrays answer. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"
#include "meridian/market/venue_message.hpp"

namespace meridian::market::binance {

inline constexpr int kMaxKlinesLimit = 1000;  // Binance's cap per request

// "/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=..&endTime=..&limit=1000" for the bars
// opening in [start, end): endTime is inclusive at Binance, so it is end - 1 ms. `venue_symbol`
// in either case (sent upper-case); limit clamped to 1..1000.
std::string klines_path(std::string_view venue_symbol, core::Timeframe tf, core::Timestamp start, core::Timestamp end,
                        int limit = kMaxKlinesLimit);

struct KlinesPage {
  std::vector<core::Bar> bars;              // closed bars, oldest first
  MessageError error = MessageError::none;  // set: bars is empty
  VenueError venue{};                       // error == venue_error
  std::size_t rows = 0;                     // rows in the answer, the forming bar included
  // When the answer was a full page: the start of the next request.
  std::optional<core::Timestamp> next_start{};
};

// Rows are [open_time, "o", "h", "l", "c", "v", close_time, "quote_volume", trades, ...]. A bar
// whose close time is not before `now` is still forming and left out. Any bad row fails the
// page (a venue answer with one broken row is not trusted), as do rows not strictly ascending.
KlinesPage parse_klines(std::string_view body, core::SymbolId symbol, core::Timeframe tf, core::Timestamp now,
                        int limit = kMaxKlinesLimit);

}  // namespace meridian::market::binance
