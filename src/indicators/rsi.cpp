#include "meridian/indicators/rsi.hpp"

namespace meridian::indicators {

Rsi::Rsi(std::size_t period) : gain_(checked_period(period, "RSI")), loss_(period) {}

void Rsi::reset() noexcept {
  gain_.reset();
  loss_.reset();
  previous_ = 0.0;
  started_ = false;
}

}  // namespace meridian::indicators
