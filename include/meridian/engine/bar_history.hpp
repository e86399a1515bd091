#pragma once
// Closed bars of one symbol and timeframe, oldest first and bounded, shared with snapshot
// readers without copying (see chunked_series.hpp).
#include <iterator>

#include "meridian/core/types.hpp"
#include "meridian/engine/chunked_series.hpp"

namespace meridian::engine {

inline constexpr std::size_t kTimeframeCount = std::size(core::kAllTimeframes);

using BarSeries = ChunkedSeries<core::Bar, 256>;
using BarHistory = ChunkedHistory<core::Bar, 256>;

}  // namespace meridian::engine
