#pragma once
// Sum of the last `period` values. The window is a ring allocated once at construction; a push
// is O(1), allocation-free and division-free (the index wraps by compare). Once per lap the sum
// is recomputed exactly from the window, so add/subtract rounding cannot accumulate and a value
// that has left the window (a huge gap, even a NaN) stops affecting the sum after one lap.
#include <cstddef>
#include <span>
#include <vector>

#include "meridian/indicators/conventions.hpp"

namespace meridian::indicators {

class RollingSum {
 public:
  explicit RollingSum(std::size_t period) : window_(checked_period(period, "rolling window"), 0.0) {}

  // Appends x; once the window is full the oldest value leaves. Returns the value that left,
  // 0 while the window fills (the unfilled slots hold 0, which is why the update needs no branch).
  double push(double x) noexcept {
    const double leaving = window_[head_];
    window_[head_] = x;
    sum_ += x - leaving;
    if (++head_ == window_.size()) [[unlikely]]
      end_lap();
    return leaving;
  }

  bool full() const noexcept { return full_; }
  double sum() const noexcept { return sum_; }
  std::size_t period() const noexcept { return window_.size(); }
  // True right after the push that completed a lap: sum() was just recomputed exactly. Lets a
  // caller keeping its own running statistics over the window resynchronise at the same point.
  bool lap_completed() const noexcept { return full_ && head_ == 0; }
  // The window in storage order (not chronological); all slots hold values once full().
  std::span<const double> window() const noexcept { return window_; }
  void reset() noexcept;

 private:
  void end_lap() noexcept {
    head_ = 0;
    full_ = true;
    double exact = 0.0;
    for (double v : window_) exact += v;
    sum_ = exact;
  }

  std::vector<double> window_;
  std::size_t head_ = 0;
  double sum_ = 0.0;
  bool full_ = false;
};

}  // namespace meridian::indicators
