#include "meridian/market/bar_aggregator.hpp"

namespace meridian::market {

BarAggregator::BarAggregator(core::Timeframe timeframe, std::size_t symbol_count)
    : timeframe_(timeframe), period_(core::period_of(timeframe)), slots_(symbol_count) {}

std::optional<core::Bar> BarAggregator::on_tick(const core::Tick& tick) noexcept {
  if (tick.symbol >= slots_.size() || tick.last.raw() <= 0) return std::nullopt;
  Slot& slot = slots_[tick.symbol];
  // Most ticks fall in the open bar's period (its open_time is a period boundary, at or after
  // not_before): they update it without the division that finds a tick's period.
  if (slot.open && tick.ts >= slot.bar.open_time && tick.ts - slot.bar.open_time < period_) [[likely]] {
    extend(slot.bar, tick);
    return std::nullopt;
  }
  const core::Timestamp open_time = core::floor_to(tick.ts, period_);
  if (open_time < slot.not_before || (slot.open && open_time < slot.bar.open_time)) {
    ++late_ticks_;
    return std::nullopt;
  }
  std::optional<core::Bar> closed;
  if (slot.open && open_time > slot.bar.open_time) {
    closed = slot.bar;
    slot.open = false;
  }
  if (!slot.open) {
    slot.bar =
        core::Bar{tick.symbol, timeframe_, open_time, tick.last, tick.last, tick.last, tick.last, tick.volume, 1};
    slot.open = true;
    return closed;
  }
  extend(slot.bar, tick);
  return closed;
}

void BarAggregator::extend(core::Bar& b, const core::Tick& tick) noexcept {
  if (tick.last > b.high) b.high = tick.last;
  if (tick.last < b.low) b.low = tick.last;
  b.close = tick.last;
  b.volume = core::saturating_add(b.volume, tick.volume);  // clamped, never wrapped
  ++b.ticks;
}

void BarAggregator::resume_after(const core::Bar& bar) noexcept {
  if (bar.symbol >= slots_.size()) return;
  Slot& slot = slots_[bar.symbol];
  slot.not_before = bar.open_time + period_;
  if (slot.open && slot.bar.open_time < slot.not_before) slot.open = false;
}

}  // namespace meridian::market
