#include "meridian/indicators/ema.hpp"

namespace meridian::indicators {

Ema::Ema(std::size_t period)
    : period_(checked_period(period, "EMA")), k_(2.0 / (static_cast<double>(period) + 1.0)) {}

void Ema::reset() noexcept {
  count_ = 0;
  value_ = 0.0;
}

}  // namespace meridian::indicators
