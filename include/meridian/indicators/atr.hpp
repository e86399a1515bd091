#pragma once
// Average true range, TA-Lib convention: true range from bar 1, ATR seeded at bar n with the
// mean of true ranges 1..n, then Wilder-smoothed (warmup() = n + 1).
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/ohlcv.hpp"
#include "meridian/indicators/true_range.hpp"
#include "meridian/indicators/wilder_average.hpp"

namespace meridian::indicators {

class Atr {
 public:
  explicit Atr(std::size_t period = 14) : average_(checked_period(period, "ATR")) {}

  void update(const Ohlcv& bar) noexcept {
    if (started_) [[likely]]
      average_.add(true_range(bar.high, bar.low, previous_close_));
    previous_close_ = bar.close;
    started_ = true;
  }
  void update(const core::Bar& bar) noexcept { update(to_ohlcv(bar)); }
  // A bar that traded only at `price`: its true range is the gap from the previous close.
  void update(double price) noexcept { update(price_only(price)); }
  bool ready() const noexcept { return average_.ready(); }
  // NaN (kNoValue) before ready().
  double value() const noexcept { return average_.value(); }
  std::size_t warmup() const noexcept { return average_.period() + 1; }
  std::size_t period() const noexcept { return average_.period(); }
  void reset() noexcept {
    average_.reset();
    previous_close_ = 0.0;
    started_ = false;
  }

 private:
  WilderAverage average_;
  double previous_close_ = 0.0;
  bool started_ = false;
};

}  // namespace meridian::indicators
