#pragma once
// Bars in `market_data` for the data import/export commands: a bulk idempotent upsert and a
// range query that can roll 1-minute rows up into a larger timeframe. Each call opens its own
// connection, so any thread may call; database failures throw (pqxx / std::exception).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::storage {

struct UpsertCounts {
  std::uint64_t inserted = 0;
  std::uint64_t updated = 0;    // the row existed with other values
  std::uint64_t unchanged = 0;  // the row existed with the same values (a re-import)
};

// Writes `bars` (one timeframe, strictly increasing open_time, else std::invalid_argument)
// under `symbol`, in batches, all in one transaction: either every bar is stored or none.
UpsertCounts upsert_bars(const std::string& database_url, std::string_view symbol, std::span<const core::Bar> bars);

struct BarRange {
  std::optional<core::Timestamp> start;  // bars with open_time >= start
  std::optional<core::Timestamp> end;    // bars with open_time < end
};

struct LoadedBars {
  std::vector<core::Bar> bars;  // oldest first, stamped with the given id and timeframe
  bool aggregated = false;      // rolled up from 1m rows
};

// The stored bars of `timeframe` in the range. When there are none and the timeframe is above
// 1m, the 1m rows are rolled up in SQL instead: UTC-aligned buckets (date_bin from the epoch,
// like core::floor_to) with the first open, highest high, lowest low, last close and summed
// volume. A bucket is in the range by its own open time and takes all of its 1m rows.
LoadedBars load_bars(const std::string& database_url, std::string_view symbol, core::SymbolId id,
                     core::Timeframe timeframe, const BarRange& range);

}  // namespace meridian::storage
