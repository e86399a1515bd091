#include "meridian/indicators/conventions.hpp"

#include <stdexcept>
#include <string>

namespace meridian::indicators {

std::size_t checked_period(std::size_t period, const char* what) {
  if (period == 0) throw std::invalid_argument(std::string(what) + " period must be positive");
  return period;
}

}  // namespace meridian::indicators
