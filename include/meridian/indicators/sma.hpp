#pragma once
// Simple moving average, TA-Lib convention: first value at bar n-1. O(1) per update;
// the window is allocated once at construction, never per update.
#include <cstddef>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::indicators {

class Sma {
 public:
  explicit Sma(std::size_t period);

  void update(double x) noexcept;
  void update(const core::Bar& bar) noexcept { update(bar.close.to_double()); }
  bool ready() const noexcept { return count_ >= period_; }
  double value() const noexcept { return ready() ? sum_ / static_cast<double>(period_) : 0.0; }
  std::size_t warmup() const noexcept { return period_; }
  std::size_t period() const noexcept { return period_; }
  void reset() noexcept;

 private:
  std::size_t period_;
  std::vector<double> window_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  double sum_ = 0.0;
};

}  // namespace meridian::indicators
