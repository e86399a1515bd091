#pragma once
// Wilder's true range, shared by ATR (and so SuperTrend) and ADX.

namespace meridian::indicators {

// max(high, previous close) - min(low, previous close): the bar's range extended to cover a
// gap from the previous close. Equal to TA-Lib's TRUE_RANGE (largest of H-L, |H-C'|, |L-C'|).
inline double true_range(double high, double low, double previous_close) noexcept {
  const double top = high > previous_close ? high : previous_close;
  const double bottom = low < previous_close ? low : previous_close;
  return top - bottom;
}

}  // namespace meridian::indicators
