#pragma once
// Simple moving average of closes, TA-Lib convention: first value at bar n-1 (warmup() = n).
// O(1) per update; the window is allocated once at construction, never per update.
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/rolling_sum.hpp"

namespace meridian::indicators {

class Sma {
 public:
  explicit Sma(std::size_t period)
      : window_(checked_period(period, "SMA")), inverse_n_(1.0 / static_cast<double>(period)) {}

  void update(double x) noexcept { window_.push(x); }
  void update(const core::Bar& bar) noexcept { update(bar.close.to_double()); }
  bool ready() const noexcept { return window_.full(); }
  // NaN (kNoValue) before ready().
  double value() const noexcept { return ready() ? window_.sum() * inverse_n_ : kNoValue; }
  std::size_t warmup() const noexcept { return window_.period(); }
  std::size_t period() const noexcept { return window_.period(); }
  void reset() noexcept { window_.reset(); }

 private:
  RollingSum window_;
  double inverse_n_;  // a multiply keeps the divider free; the result is within an ulp of sum / n
};

}  // namespace meridian::indicators
