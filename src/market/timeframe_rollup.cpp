#include "meridian/market/timeframe_rollup.hpp"

#include <algorithm>
#include <chrono>

namespace meridian::market {

namespace {
using namespace std::chrono_literals;
// The periods of TimeframeRollup::kTimeframes, as constants so an update does no lookup.
constexpr std::array<core::Duration, TimeframeRollup::kHigher> kPeriods{5min, 15min, 1h, 4h, 24h};
constexpr core::Duration kMinute = 1min;

core::Bar opened(const core::Bar& minute, core::Timeframe tf, core::Timestamp open_time) noexcept {
  core::Bar b = minute;
  b.timeframe = tf;
  b.open_time = open_time;
  return b;
}
}  // namespace

void extend(core::Bar& bar, const core::Bar& minute) noexcept {
  if (minute.high > bar.high) bar.high = minute.high;
  if (minute.low < bar.low) bar.low = minute.low;
  bar.close = minute.close;
  bar.volume = core::saturating_add(bar.volume, minute.volume);  // clamped, never wrapped
  bar.ticks += minute.ticks;
}

TimeframeRollup::TimeframeRollup(std::size_t symbol_count) : slots_(symbol_count) {}

TimeframeRollup::Closed TimeframeRollup::on_minute(const core::Bar& minute) noexcept {
  return on_minute(minute, minute.open_time + kMinute);
}

TimeframeRollup::Closed TimeframeRollup::on_minute(const core::Bar& minute, core::Timestamp next_open) noexcept {
  Closed out;
  if (minute.symbol >= slots_.size() || minute.timeframe != core::Timeframe::m1) {
    out.ignored = true;
    return out;
  }
  Slot& slot = slots_[minute.symbol];
  if (minute.open_time < slot.watermark) {
    ++late_;
    out.ignored = true;
    return out;
  }
  for (std::size_t i = 0; i < kHigher; ++i) {
    const core::Timestamp period_start = core::floor_to(minute.open_time, kPeriods[i]);
    core::Bar& bar = slot.bars[i];
    // Not behind the watermark, so a different period can only be a later one.
    if (slot.open[i] && bar.open_time != period_start) {
      out.bars[out.count++] = bar;
      slot.open[i] = false;
    }
    if (slot.open[i]) {
      extend(bar, minute);
    } else {
      bar = opened(minute, kTimeframes[i], period_start);
      slot.open[i] = true;
    }
  }
  slot.watermark = std::max(minute.open_time + kMinute, next_open);
  close_ended(slot, slot.watermark, out);
  return out;
}

void TimeframeRollup::close_ended(Slot& slot, core::Timestamp by, Closed& out) const noexcept {
  for (std::size_t i = 0; i < kHigher; ++i) {
    if (slot.open[i] && slot.bars[i].open_time + kPeriods[i] <= by) {
      out.bars[out.count++] = slot.bars[i];
      slot.open[i] = false;
    }
  }
}

std::optional<core::Bar> TimeframeRollup::forming(core::SymbolId symbol, core::Timeframe timeframe,
                                                  const core::Bar* open_minute) const noexcept {
  if (timeframe == core::Timeframe::m1) return open_minute ? std::optional<core::Bar>(*open_minute) : std::nullopt;
  if (symbol >= slots_.size()) return std::nullopt;
  const Slot& slot = slots_[symbol];
  const std::size_t i = index_of(timeframe);
  std::optional<core::Bar> bar;
  if (slot.open[i]) bar = slot.bars[i];
  if (open_minute && open_minute->symbol == symbol && open_minute->open_time >= slot.watermark) {
    const core::Timestamp period_start = core::floor_to(open_minute->open_time, kPeriods[i]);
    if (bar && bar->open_time == period_start)
      extend(*bar, *open_minute);
    else
      bar = opened(*open_minute, timeframe, period_start);
  }
  return bar;
}

}  // namespace meridian::market
