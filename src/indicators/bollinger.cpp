#include "meridian/indicators/bollinger.hpp"

namespace meridian::indicators {

void BollingerBands::recompute() noexcept {
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

void BollingerBands::flatten(double x) noexcept {
  // Every value in the window is x: the sums are exactly zero around ref = x.
  mean_ = ref_ = x;
  shifted_sum_ = shifted_squares_ = churn_ = stddev_ = 0.0;
}

void BollingerBands::reset() noexcept {
  window_.reset();
  mean_ = ref_ = shifted_sum_ = shifted_squares_ = churn_ = stddev_ = 0.0;
}

}  // namespace meridian::indicators
