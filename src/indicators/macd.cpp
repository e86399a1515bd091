#include "meridian/indicators/macd.hpp"

#include <algorithm>

namespace meridian::indicators {

Macd::Macd(std::size_t fast, std::size_t slow, std::size_t signal)
    : fast_(checked_period(std::min(fast, slow), "MACD fast")),
      slow_(checked_period(std::max(fast, slow), "MACD slow")),
      signal_(checked_period(signal, "MACD signal")),
      fast_offset_(std::max(fast, slow) - std::min(fast, slow)) {}

void Macd::reset() noexcept {
  fast_.reset();
  slow_.reset();
  signal_.reset();
  skipped_ = 0;
  line_ = 0.0;
}

}  // namespace meridian::indicators
