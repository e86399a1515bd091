#pragma once
// Journal records the writer tests push by hand.
#include <chrono>

#include "meridian/engine/journal.hpp"

namespace meridian::it {

// A flat 1m bar for symbol 0, one minute per sequence number, so every seq is a new row.
inline engine::JournalEntry bar_entry(std::uint64_t seq) {
  core::Bar b;
  b.symbol = 0;
  b.timeframe = core::Timeframe::m1;
  b.open_time = core::Timestamp(std::chrono::minutes(28'000'000 + static_cast<long>(seq)));
  b.open = b.high = b.low = b.close = core::Price::from_units(100);
  b.volume = core::Quantity::from_units(1);
  return {seq, engine::BarRecord{b}};
}

}  // namespace meridian::it
