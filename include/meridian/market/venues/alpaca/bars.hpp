#pragma once
// Alpaca REST historical bars for backfill: the request path and one page of the answer, with
// its page token. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"
#include "meridian/market/venue_message.hpp"
#include "meridian/market/venue_symbols.hpp"

namespace meridian::market::alpaca {

inline constexpr int kMaxBarsLimit = 10000;  // Alpaca's cap per page

// "1Min", "5Min", "15Min", "1Hour", "4Hour", "1Day".
std::string_view timeframe_name(core::Timeframe tf) noexcept;

// "/v2/stocks/AAPL/bars?timeframe=1Min&start=..&end=..&limit=..[&page_token=..]" for the bars
// opening in [start, end) (Alpaca's end is inclusive, so end - 1 ms is sent). Times RFC-3339
// in UTC; the page token is percent-encoded; limit clamped to 1..10000.
std::string bars_path(std::string_view venue_symbol, core::Timeframe tf, core::Timestamp start, core::Timestamp end,
                      int limit, std::string_view page_token = {});

struct BarsPage {
  std::vector<core::Bar> bars;                 // oldest first
  MessageError error = MessageError::none;     // set: bars is empty
  VenueError venue{};                          // error == venue_error: {"code":..,"message":..}
  std::optional<std::string> next_page_token;  // ask again with it while set
};

// `{"bars":[{"t","o","h","l","c","v",..}],"symbol":"AAPL","next_page_token":..}`; "bars" may
// be null on an empty page. The symbol must be the one asked for; any bad bar, or bars not
// strictly ascending, fails the page.
BarsPage parse_bars_page(std::string_view body, const VenueSymbols& symbols, core::SymbolId expected,
                         core::Timeframe tf);

}  // namespace meridian::market::alpaca
