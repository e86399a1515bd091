#include "meridian/indicators/atr.hpp"

namespace meridian::indicators {

Atr::Atr(std::size_t period) : average_(checked_period(period, "ATR")) {}

void Atr::reset() noexcept {
  average_.reset();
  previous_close_ = 0.0;
  started_ = false;
}

}  // namespace meridian::indicators
