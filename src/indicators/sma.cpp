#include "meridian/indicators/sma.hpp"

#include <algorithm>
#include <stdexcept>

namespace meridian::indicators {

Sma::Sma(std::size_t period) : period_(period), window_(period, 0.0) {
  if (period == 0) throw std::invalid_argument("SMA period must be positive");
}

void Sma::update(double x) noexcept {
  if (count_ >= period_) sum_ -= window_[head_];
  window_[head_] = x;
  sum_ += x;
  head_ = (head_ + 1) % period_;
  if (count_ < period_) ++count_;
  // Re-sum once per full window so floating error from add/subtract cannot accumulate.
  if (head_ == 0 && count_ == period_) {
    double exact = 0.0;
    for (double v : window_) exact += v;
    sum_ = exact;
  }
}

void Sma::reset() noexcept {
  std::fill(window_.begin(), window_.end(), 0.0);
  head_ = count_ = 0;
  sum_ = 0.0;
}

}  // namespace meridian::indicators
