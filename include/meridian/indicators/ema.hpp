#pragma once
// Exponential moving average, TA-Lib convention: k = 2/(n+1), seeded at bar n-1 with the mean
// of the first n values (warmup() = n), then ema += k * (x - ema).
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"

namespace meridian::indicators {

class Ema {
 public:
  explicit Ema(std::size_t period)
      : period_(checked_period(period, "EMA")), k_(2.0 / (static_cast<double>(period) + 1.0)) {}

  void update(double x) noexcept {
    if (count_ >= period_) [[likely]] {
      value_ = (x - value_) * k_ + value_;  // TA-Lib's form, so values match it to the ulp
      return;
    }
    value_ += x;  // the seed sum until the period is complete
    if (++count_ == period_) value_ /= static_cast<double>(period_);
  }
  void update(const core::Bar& bar) noexcept { update(bar.close.to_double()); }
  bool ready() const noexcept { return count_ >= period_; }
  // NaN (kNoValue) before ready().
  double value() const noexcept { return ready() ? value_ : kNoValue; }
  std::size_t warmup() const noexcept { return period_; }
  std::size_t period() const noexcept { return period_; }
  void reset() noexcept {
    count_ = 0;
    value_ = 0.0;
  }

 private:
  std::size_t period_;
  double k_;
  std::size_t count_ = 0;
  double value_ = 0.0;
};

}  // namespace meridian::indicators
