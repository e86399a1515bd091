#pragma once
// Conventions shared by every indicator: what value() returns before warm-up, and how a
// period is validated. Kept in one place so the indicators cannot drift apart.
#include <cmath>
#include <cstddef>
#include <limits>

namespace meridian::indicators {

// value() before ready(): NaN rather than 0, so a caller that forgets to check ready() gets a
// value that poisons arithmetic visibly instead of a plausible price, and the CLI prints it
// as an empty field.
inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

inline bool has_value(double v) noexcept {
  return !std::isnan(v);
}

// Throws std::invalid_argument naming `what` unless period >= 1; returns the period.
std::size_t checked_period(std::size_t period, const char* what);

}  // namespace meridian::indicators
