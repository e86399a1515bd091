#pragma once
// SuperTrend as TradingView's ta.supertrend(factor, period), on a TA-Lib ATR (Wilder, first at
// bar n, so the first SuperTrend is at bar n too; warmup() = n + 1).
//   basic bands: hl2 ± factor * ATR.
//   final upper = basic upper if it is below the previous final upper or the previous close
//     closed above that band, else the previous final upper; final lower mirrored.
//   direction: down on the first bar with an ATR; then, if the line was the upper band, up
//     when the close breaks above the final upper, else down; if it was the lower band, down
//     when the close breaks below the final lower, else up.
//   line = final lower in an up trend, final upper in a down trend.
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/atr.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/ohlcv.hpp"

namespace meridian::indicators {

class SuperTrend {
 public:
  explicit SuperTrend(std::size_t period = 10, double factor = 3.0) : atr_(period), factor_(factor) {}

  void update(const Ohlcv& bar) noexcept {
    const double previous_close = previous_close_;
    previous_close_ = bar.close;
    atr_.update(bar);
    if (!atr_.ready()) [[unlikely]]
      return;
    const double mid = (bar.high + bar.low) / 2.0;
    const double offset = factor_ * atr_.value();
    const double basic_upper = mid + offset;
    const double basic_lower = mid - offset;
    if (direction_ == 0) [[unlikely]] {
      upper_ = basic_upper;
      lower_ = basic_lower;
      direction_ = -1;
      return;
    }
    upper_ = basic_upper < upper_ || previous_close > upper_ ? basic_upper : upper_;
    lower_ = basic_lower > lower_ || previous_close < lower_ ? basic_lower : lower_;
    if (direction_ < 0)  // the line was the upper band
      direction_ = bar.close > upper_ ? 1 : -1;
    else
      direction_ = bar.close < lower_ ? -1 : 1;
  }
  void update(const core::Bar& bar) noexcept { update(to_ohlcv(bar)); }
  // A bar that traded only at `price` (high = low = close = price).
  void update(double price) noexcept { update(price_only(price)); }
  bool ready() const noexcept { return direction_ != 0; }
  // The SuperTrend line; NaN (kNoValue) before ready().
  double value() const noexcept {
    if (!ready()) return kNoValue;
    return direction_ > 0 ? lower_ : upper_;
  }
  // +1 up trend, -1 down trend, 0 before ready().
  int direction() const noexcept { return direction_; }
  double upper_band() const noexcept { return ready() ? upper_ : kNoValue; }
  double lower_band() const noexcept { return ready() ? lower_ : kNoValue; }
  std::size_t warmup() const noexcept { return atr_.warmup(); }
  void reset() noexcept {
    atr_.reset();
    previous_close_ = upper_ = lower_ = 0.0;
    direction_ = 0;
  }

 private:
  Atr atr_;
  double factor_;
  double previous_close_ = 0.0;
  double upper_ = 0.0;  // final bands
  double lower_ = 0.0;
  int direction_ = 0;
};

}  // namespace meridian::indicators
