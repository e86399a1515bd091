#include "meridian/indicators/sma.hpp"

namespace meridian::indicators {

Sma::Sma(std::size_t period) : window_(checked_period(period, "SMA")), n_(static_cast<double>(period)) {}

}  // namespace meridian::indicators
