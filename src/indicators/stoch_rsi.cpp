#include "meridian/indicators/stoch_rsi.hpp"

namespace meridian::indicators {

StochRsi::StochRsi(std::size_t rsi_period, std::size_t stoch_period, std::size_t k_period, std::size_t d_period)
    : rsi_(rsi_period), range_(stoch_period), k_(k_period), d_(d_period) {}

void StochRsi::reset() noexcept {
  rsi_.reset();
  range_.reset();
  k_.reset();
  d_.reset();
}

}  // namespace meridian::indicators
