#include "meridian/indicators/supertrend.hpp"

namespace meridian::indicators {

SuperTrend::SuperTrend(std::size_t period, double factor) : atr_(period), factor_(factor) {}

void SuperTrend::reset() noexcept {
  atr_.reset();
  previous_close_ = upper_ = lower_ = 0.0;
  direction_ = 0;
}

}  // namespace meridian::indicators
