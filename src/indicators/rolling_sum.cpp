#include "meridian/indicators/rolling_sum.hpp"

#include <algorithm>

#include "meridian/indicators/conventions.hpp"

namespace meridian::indicators {

RollingSum::RollingSum(std::size_t period) : window_(checked_period(period, "rolling window"), 0.0) {}

void RollingSum::end_lap() noexcept {
  head_ = 0;
  full_ = true;
  double exact = 0.0;
  for (double v : window_) exact += v;
  sum_ = exact;
}

void RollingSum::reset() noexcept {
  std::fill(window_.begin(), window_.end(), 0.0);
  head_ = 0;
  sum_ = 0.0;
  full_ = false;
}

}  // namespace meridian::indicators
