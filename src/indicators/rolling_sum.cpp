#include "meridian/indicators/rolling_sum.hpp"

#include <algorithm>

#include "meridian/indicators/conventions.hpp"

namespace meridian::indicators {

void RollingSum::reset() noexcept {
  std::fill(window_.begin(), window_.end(), 0.0);
  head_ = 0;
  sum_ = 0.0;
  full_ = false;
}

}  // namespace meridian::indicators
