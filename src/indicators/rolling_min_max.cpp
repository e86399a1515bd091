#include "meridian/indicators/rolling_min_max.hpp"

#include "meridian/indicators/conventions.hpp"

namespace meridian::indicators {

RollingMinMax::RollingMinMax(std::size_t period)
    : period_(checked_period(period, "rolling min/max")), min_(period), max_(period) {}

void RollingMinMax::reset() noexcept {
  seq_ = 0;
  min_.clear();
  max_.clear();
}

}  // namespace meridian::indicators
