#include "meridian/indicators/bollinger.hpp"

namespace meridian::indicators {

BollingerBands::BollingerBands(std::size_t period, double k)
    : window_(checked_period(period, "Bollinger")), n_(static_cast<double>(period)), k_(k) {}

void BollingerBands::recompute() noexcept {
  double m2 = 0.0;
  for (double y : window_.window()) m2 += (y - mean_) * (y - mean_);
  m2_ = m2;
  churn_ = m2;
}

void BollingerBands::reset() noexcept {
  window_.reset();
  mean_ = m2_ = churn_ = stddev_ = last_ = 0.0;
  equal_run_ = 0;
}

}  // namespace meridian::indicators
