#pragma once
// Ticks -> bars of one timeframe, aligned to UTC boundaries. One partial bar per symbol,
// allocated at construction; on_tick never allocates.
#include <optional>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::market {

class BarAggregator {
 public:
  BarAggregator(core::Timeframe timeframe, std::size_t symbol_count);

  // Adds a tick to its symbol's partial bar. When the tick belongs to a later period,
  // the partial bar is closed and returned, and the tick opens the next one. A tick
  // older than the partial bar's period is counted and ignored.
  std::optional<core::Bar> on_tick(const core::Tick& tick) noexcept;

  // The partial (still open) bar of a symbol, if it has seen a tick.
  const core::Bar* partial(core::SymbolId symbol) const noexcept {
    if (symbol >= slots_.size() || !slots_[symbol].open) return nullptr;
    return &slots_[symbol].bar;
  }
  // Starts a symbol's next bar after `bar` (used after loading history) so a late tick of
  // an already persisted period is not aggregated twice.
  void resume_after(const core::Bar& bar) noexcept;
  std::uint64_t late_ticks() const noexcept { return late_ticks_; }
  core::Timeframe timeframe() const noexcept { return timeframe_; }

 private:
  struct Slot {
    core::Bar bar;
    bool open = false;
    core::Timestamp not_before{};
  };
  // A tick of the open bar's period into that bar.
  static void extend(core::Bar& bar, const core::Tick& tick) noexcept;
  core::Timeframe timeframe_;
  core::Duration period_;
  std::vector<Slot> slots_;
  std::uint64_t late_ticks_ = 0;
};

}  // namespace meridian::market
