#pragma once
// Bollinger Bands as TA-Lib's BBANDS with an SMA middle: middle = SMA(n), bands = middle ±
// k * population standard deviation (divide by n), all first at bar n-1 (warmup() = n).
//
// The variance is not TA-Lib's running sum of squares of prices, which cancels catastrophically
// (a window near 1e5 with a spread of 1e-2 keeps no correct digit). Instead the sums of
// (y - ref) and (y - ref)² are slid along the window, with ref the window mean at the last exact
// recompute: the shifted values are small and, for prices within a factor 2 of ref, exact. The
// sums are recomputed exactly once per lap of the window and whenever their rounding could
// exceed ~1e-12 of the variance (a huge outlier leaving, a strong trend within a lap), and a
// window of equal values has exactly zero width and its value as the middle.
//
// Everything is inline so that a loop over bars keeps the state in registers.
#include <cmath>
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/rolling_sum.hpp"

namespace meridian::indicators {

class BollingerBands {
 public:
  explicit BollingerBands(std::size_t period = 20, double k = 2.0)
      : window_(checked_period(period, "Bollinger")), inverse_n_(1.0 / static_cast<double>(period)), k_(k) {}

  void update(double x) noexcept {
    const double leaving = window_.push(x);
    equal_run_ = x == latest_ ? equal_run_ + 1 : 1;
    latest_ = x;
    if (!window_.full()) [[unlikely]]
      return;
    if (equal_run_ >= window_.period()) {
      flatten(x);
      return;
    }
    mean_ = window_.sum() * inverse_n_;
    if (window_.lap_completed()) [[unlikely]] {
      recompute();  // also the first fill: sliding needs a full previous window
    } else {
      const double in = x - ref_;
      const double out = leaving - ref_;
      shifted_sum_ += in - out;
      const double in2 = in * in;
      const double out2 = out * out;
      shifted_squares_ += in2 - out2;
      churn_ += in2 + out2;
      // Rounding in the sums is about 2^-53 of (churn_ + shifted_squares_).
      if (churn_ + shifted_squares_ > kMaxAmplification * m2()) [[unlikely]]
        recompute();
    }
    const double m2_now = m2();
    stddev_ = m2_now > 0.0 ? std::sqrt(m2_now * inverse_n_) : 0.0;
  }
  void update(const core::Bar& bar) noexcept { update(bar.close.to_double()); }
  bool ready() const noexcept { return window_.full(); }
  // value() is the middle band. All outputs are NaN (kNoValue) before ready().
  double value() const noexcept { return middle(); }
  double middle() const noexcept { return ready() ? mean_ : kNoValue; }
  double upper() const noexcept { return ready() ? mean_ + k_ * stddev_ : kNoValue; }
  double lower() const noexcept { return ready() ? mean_ - k_ * stddev_ : kNoValue; }
  double stddev() const noexcept { return ready() ? stddev_ : kNoValue; }
  std::size_t warmup() const noexcept { return window_.period(); }
  void reset() noexcept {
    window_.reset();
    mean_ = ref_ = shifted_sum_ = shifted_squares_ = churn_ = stddev_ = latest_ = 0.0;
    equal_run_ = 0;
  }

 private:
  static constexpr double kMaxAmplification = 1e4;

  // Σ (y - mean)² over the window.
  double m2() const noexcept { return shifted_squares_ - shifted_sum_ * shifted_sum_ * inverse_n_; }

  void recompute() noexcept {
    ref_ = mean_;
    double sum = 0.0;
    double squares = 0.0;
    for (double y : window_.window()) {
      const double d = y - ref_;
      sum += d;
      squares += d * d;
    }
    shifted_sum_ = sum;
    shifted_squares_ = squares;
    churn_ = 0.0;
  }

  // Every value in the window is x: the mean is x exactly and the sums are exactly zero.
  void flatten(double x) noexcept {
    mean_ = ref_ = x;
    shifted_sum_ = shifted_squares_ = churn_ = stddev_ = 0.0;
  }

  RollingSum window_;
  double inverse_n_;  // multiplies keep the divider free (three uses per update)
  double k_;
  double mean_ = 0.0;
  double ref_ = 0.0;              // the shift
  double shifted_sum_ = 0.0;      // Σ (y - ref)
  double shifted_squares_ = 0.0;  // Σ (y - ref)²
  double churn_ = 0.0;            // Σ of squared terms added and removed since the last recompute
  double stddev_ = 0.0;
  double latest_ = 0.0;
  std::size_t equal_run_ = 0;  // consecutive inputs equal to latest_
};

}  // namespace meridian::indicators
