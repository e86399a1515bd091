#pragma once
// The bars a backtest plays, from its data source: 1-minute rows of `market_data` (the engine
// aggregates them up as it does live), a CSV file in any format `meridiand data import` reads
// (its reader, market::read_csv_bars; bad rows counted, not fatal), or the seeded simulator.
// Any thread; the database source opens its own connection (storage::load_bars).
#include <string>

#include "meridian/backtest/request.hpp"

namespace meridian::backtest {

// A range whose 1-minute bars over all its symbols would pass this is refused before loading.
inline constexpr std::uint64_t kDefaultMaxBars = 20'000'000;

struct LoadedData {
  market::ReplayData bars;     // one series per spec symbol, inside [from, to)
  std::uint64_t bad_rows = 0;  // a CSV's rows skipped
};

// Errors (engine::ParamError): "too_large" on "to" naming the limit; "no_data" on "symbols"
// naming each symbol without a bar in the range; "invalid_field" on "data" for a file that cannot
// be read or a CSV given for several symbols. A database failure throws (std::exception).
core::Result<LoadedData, engine::ParamError> load_data(const Request& request, const core::InstrumentTable& instruments,
                                                       const std::string& database_url,
                                                       std::uint64_t max_bars = kDefaultMaxBars);

}  // namespace meridian::backtest
