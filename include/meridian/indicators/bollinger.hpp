#pragma once
// Bollinger Bands as TA-Lib's BBANDS with an SMA middle: middle = SMA(n), bands = middle ±
// k * population standard deviation (divide by n), all first at bar n-1 (warmup() = n).
//
// The variance is not a running sum of squares (which cancels catastrophically on a flat or
// high-priced window): the sum of squared deviations is updated Welford-style as a value enters
// and one leaves, recomputed exactly (two-pass) once per lap of the window and whenever the
// update terms have grown large against it (a big outlier leaving the window), and a window of
// identical values has exactly zero width.
#include <cmath>
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/rolling_sum.hpp"

namespace meridian::indicators {

class BollingerBands {
 public:
  explicit BollingerBands(std::size_t period = 20, double k = 2.0);

  void update(double x) noexcept {
    const double old_mean = mean_;
    const double leaving = window_.push(x);
    equal_run_ = x == last_ ? equal_run_ + 1 : 1;
    last_ = x;
    if (!window_.full()) [[unlikely]]
      return;
    mean_ = window_.sum() / n_;
    if (window_.lap_completed()) [[unlikely]] {
      recompute();  // also the first fill: the sliding update needs a full previous window
    } else {
      // Σ(y - mean)² changes by (x - leaving) * ((x - mean') + (leaving - mean)).
      const double term = (x - leaving) * ((x - mean_) + (leaving - old_mean));
      m2_ += term;
      churn_ += term < 0.0 ? -term : term;
      // Rounding error in m2_ is about 2^-53 * churn_; recompute before it can reach 1e-12.
      if (churn_ > kMaxChurn * m2_) [[unlikely]]
        recompute();
    }
    const double variance = equal_run_ >= window_.period() || m2_ <= 0.0 ? 0.0 : m2_ / n_;
    stddev_ = std::sqrt(variance);
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
  void reset() noexcept;

 private:
  static constexpr double kMaxChurn = 1e4;
  void recompute() noexcept;

  RollingSum window_;
  double n_;
  double k_;
  double mean_ = 0.0;
  double m2_ = 0.0;     // Σ (y - mean)² over the window
  double churn_ = 0.0;  // Σ |update terms| since m2_ was last computed exactly
  double stddev_ = 0.0;
  double last_ = 0.0;
  std::size_t equal_run_ = 0;  // consecutive inputs equal to the latest one
};

}  // namespace meridian::indicators
