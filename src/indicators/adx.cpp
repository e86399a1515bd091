#include "meridian/indicators/adx.hpp"

namespace meridian::indicators {

Adx::Adx(std::size_t period)
    : period_(checked_period(period, "ADX")), n_(static_cast<double>(period)), adx_(period) {}

void Adx::reset() noexcept {
  bars_ = 0;
  previous_high_ = previous_low_ = previous_close_ = 0.0;
  plus_dm_ = minus_dm_ = tr_ = 0.0;
  plus_di_ = minus_di_ = 0.0;
  di_ready_ = false;
  adx_.reset();
}

}  // namespace meridian::indicators
