#include "venue_feed.hpp"

#include "meridian/market/replay_feed.hpp"

namespace meridian::market::venue {

std::vector<core::Tick> bars_as_ticks(std::span<const core::Bar> bars) {
  std::vector<core::Tick> ticks;
  ticks.reserve(bars.size() * 4);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto gap = i + 1 < bars.size() ? bars[i + 1].open_time - bars[i].open_time : core::Duration::zero();
    for (const auto& t : bar_ticks(bars[i], gap)) ticks.push_back(t);
  }
  return ticks;
}

}  // namespace meridian::market::venue
