#pragma once
// Stochastic RSI (14, 14, 3, 3 by default): raw = 100 * (RSI - min RSI) / (max RSI - min RSI)
// over the last `stoch_period` RSI values, 0 when the range is flat; %K = SMA(k_period) of raw,
// %D = SMA(d_period) of %K. With the defaults RSI starts at bar 14, raw at 27, %K at 29 and
// %D at 31. ready() means both %K and %D exist (warmup() = 32); %K alone exists from
// k_ready(). The RSI range is a RollingMinMax: O(1) amortised, allocated at construction.
// StochRsi is an Rsi feeding a SeriesStochastic; the stochastic alone can be fed by an RSI
// that others read too (strategies::IndicatorPool), with the same results.
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/rolling_min_max.hpp"
#include "meridian/indicators/rsi.hpp"
#include "meridian/indicators/sma.hpp"

namespace meridian::indicators {

// The stochastic half of StochRsi, fed RSI values (ready ones only) instead of closes.
class SeriesStochastic {
 public:
  SeriesStochastic(std::size_t stoch_period, std::size_t k_period, std::size_t d_period)
      : range_(stoch_period), k_(k_period), d_(d_period) {}

  void push(double r) noexcept {
    range_.push(r);
    if (!range_.full()) [[unlikely]]
      return;
    const double lowest = range_.min();
    const double span = range_.max() - lowest;
    // An RSI that is mathematically constant (a flat market after a move) still wobbles in
    // its last bits as Wilder smoothing decays both averages; a range below kFlatRange RSI
    // points is that noise, not a range, and counts as flat.
    k_.update(span > kFlatRange ? 100.0 * (r - lowest) / span : 0.0);
    if (k_.ready()) d_.update(k_.value());
  }
  bool ready() const noexcept { return d_.ready(); }
  bool k_ready() const noexcept { return k_.ready(); }
  // Both are means of values in [0, 100]; clamping keeps the running sums' rounding residue
  // (e.g. -1e-15 just after the range goes flat) from leaving that range. NaN (kNoValue)
  // before k_ready() and ready() respectively.
  double k() const noexcept { return clamp_percent(k_.value()); }
  double d() const noexcept { return clamp_percent(d_.value()); }
  // Values pushed until ready().
  std::size_t warmup() const noexcept { return range_.period() + k_.period() - 1 + d_.period() - 1; }
  void reset() noexcept {
    range_.reset();
    k_.reset();
    d_.reset();
  }

  static constexpr double kFlatRange = 1e-9;

 private:
  // NaN passes through (comparisons with NaN are false).
  static double clamp_percent(double v) noexcept { return v < 0.0 ? 0.0 : (v > 100.0 ? 100.0 : v); }

  RollingMinMax range_;
  Sma k_;
  Sma d_;
};

class StochRsi {
 public:
  explicit StochRsi(std::size_t rsi_period = 14, std::size_t stoch_period = 14, std::size_t k_period = 3,
                    std::size_t d_period = 3)
      : rsi_(rsi_period), stoch_(stoch_period, k_period, d_period) {}

  void update(double x) noexcept {
    rsi_.update(x);
    if (!rsi_.ready()) [[unlikely]]
      return;
    stoch_.push(rsi_.value());
  }
  void update(const core::Bar& bar) noexcept { update(bar.close.to_double()); }
  bool ready() const noexcept { return stoch_.ready(); }
  bool k_ready() const noexcept { return stoch_.k_ready(); }
  // value() is %K once ready(). k() is NaN (kNoValue) before k_ready(), d() before ready().
  double value() const noexcept { return ready() ? k() : kNoValue; }
  double k() const noexcept { return stoch_.k(); }
  double d() const noexcept { return stoch_.d(); }
  const Rsi& rsi() const noexcept { return rsi_; }
  std::size_t warmup() const noexcept { return rsi_.warmup() + stoch_.warmup() - 1; }
  void reset() noexcept {
    rsi_.reset();
    stoch_.reset();
  }

  static constexpr double kFlatRange = SeriesStochastic::kFlatRange;

 private:
  Rsi rsi_;
  SeriesStochastic stoch_;
};

}  // namespace meridian::indicators
