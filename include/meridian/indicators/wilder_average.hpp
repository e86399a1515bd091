#pragma once
// Wilder's smoothing as TA-Lib seeds it (RSI's average gain/loss, ATR, ADX): the plain mean of
// the first `period` values, then avg = (avg * (period - 1) + x) / period.
#include <bit>
#include <cstddef>
#include <cstdint>

#include "meridian/indicators/conventions.hpp"

namespace meridian::indicators {

class WilderAverage {
 public:
  explicit WilderAverage(std::size_t period)
      : period_(checked_period(period, "Wilder average")), n_(static_cast<double>(period)) {}

  void add(double x) noexcept {
    if (count_ >= period_) [[likely]] {
      // TA-Lib's order of operations (multiply, add, divide), so values match it to the ulp.
      value_ = (value_ * (n_ - 1.0) + x) / n_;
      return;
    }
    value_ += x;  // the running seed sum until the period is complete
    if (++count_ == period_) value_ /= n_;
  }

  bool ready() const noexcept { return count_ >= period_; }
  // Meaningful only when ready(); callers gate it (and choose their own no-value).
  double raw_value() const noexcept { return value_; }
  double value() const noexcept { return ready() ? value_ : kNoValue; }
  std::size_t period() const noexcept { return period_; }
  void reset() noexcept {
    value_ = 0.0;
    count_ = 0;
  }
  // The same state bit for bit (not merely equal values: -0.0 and 0.0 differ here): fed the
  // same values from now on, both give bit-identical results.
  bool identical(const WilderAverage& other) const noexcept {
    return period_ == other.period_ && count_ == other.count_ &&
           std::bit_cast<std::uint64_t>(value_) == std::bit_cast<std::uint64_t>(other.value_);
  }

 private:
  std::size_t period_;
  double n_;
  std::size_t count_ = 0;
  double value_ = 0.0;
};

}  // namespace meridian::indicators
