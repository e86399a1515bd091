#pragma once
// Closed 1m bars -> 5m, 15m, 1h, 4h and 1d bars, each aligned to UTC (its open time is the
// minute's open time floored to the period), and the forming bar of each timeframe.
//
// Pure and single-threaded: the state per symbol is allocated at construction, updates never
// allocate. A period's bar closes as soon as its last minute closes, or, when minutes are
// missing (a quiet market, a feed gap), as soon as a later minute shows the period is over;
// gaps never shift the alignment. A bar holds the minutes it saw: open of the first, close
// of the last, extreme high and low, summed volume and tick count (exact, fixed point).
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::market {

class TimeframeRollup {
 public:
  static constexpr std::size_t kHigher = 5;
  static constexpr std::array<core::Timeframe, kHigher> kTimeframes{
      core::Timeframe::m5, core::Timeframe::m15, core::Timeframe::h1, core::Timeframe::h4, core::Timeframe::d1};

  // The bars one minute closes: per timeframe at most two (one whose period ended without
  // its last minute, then the one this minute completes), shortest timeframe first.
  struct Closed {
    std::array<core::Bar, 2 * kHigher> bars{};
    std::size_t count = 0;
    bool ignored = false;  // the minute was late, not a 1m bar, or of an unknown symbol
    const core::Bar* begin() const noexcept { return bars.data(); }
    const core::Bar* end() const noexcept { return bars.data() + count; }
    std::size_t size() const noexcept { return count; }
    bool empty() const noexcept { return count == 0; }
  };

  explicit TimeframeRollup(std::size_t symbol_count);

  // Adds a closed 1m bar. A minute at or before the last one seen for its symbol (or behind
  // `next_open`, see below) is late: counted and ignored, so no minute is counted twice.
  Closed on_minute(const core::Bar& minute) noexcept;
  // The same, also knowing that the minute opening at `next_open` is already forming: every
  // period over by then closes now instead of when the next minute closes.
  Closed on_minute(const core::Bar& minute, core::Timestamp next_open) noexcept;

  // The forming bar of `timeframe` (above 1m): the closed minutes of its current period
  // merged with `open_minute` (the still-forming 1m bar, if any). nullopt before any minute.
  std::optional<core::Bar> forming(core::SymbolId symbol, core::Timeframe timeframe,
                                   const core::Bar* open_minute = nullptr) const noexcept;

  std::uint64_t late_minutes() const noexcept { return late_; }

  // Index of a timeframe above 1m in kTimeframes (1m has none).
  static constexpr std::size_t index_of(core::Timeframe tf) noexcept { return static_cast<std::size_t>(tf) - 1; }

 private:
  struct Slot {
    std::array<core::Bar, kHigher> bars{};
    std::array<bool, kHigher> open{};
    core::Timestamp watermark = core::Timestamp::min();  // minutes before this are late
  };
  void close_ended(Slot& slot, core::Timestamp by, Closed& out) const noexcept;

  std::vector<Slot> slots_;
  std::uint64_t late_ = 0;
};

// Folds `minute` into `bar` (same period, `minute` later): high/low extremes, last close,
// summed volume and ticks.
void extend(core::Bar& bar, const core::Bar& minute) noexcept;

}  // namespace meridian::market
