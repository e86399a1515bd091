#pragma once
// Average directional index with +DI and -DI, as TA-Lib computes them.
//   up = H - H', down = L' - L;  -DM = down if down > 0 and up < down, +DM = up if up > 0 and
//   up > down, else 0. +DM, -DM and TR are plain sums over bars 1..n-1, then S = S - S/n + x
//   from bar n. ±DI = 100 * S±DM / STR (0 when STR is 0), first at bar n (di_ready()).
//   DX = 100 * |+DI - -DI| / (+DI + -DI). ADX at bar 2n-1 is the mean of DX over bars n..2n-1,
//   a DX that cannot be formed (STR or +DI + -DI is 0) counting 0; after that Wilder smoothing,
//   holding the previous ADX on a bar whose DX cannot be formed. ready() refers to the ADX
//   (warmup() = 2n).
// Zero tests are exact: TA-Lib 0.4 treats anything below 1e-8 as zero, which zeroes the DI of
// instruments priced near 1e-6.
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/ohlcv.hpp"
#include "meridian/indicators/true_range.hpp"
#include "meridian/indicators/wilder_average.hpp"

namespace meridian::indicators {

class Adx {
 public:
  explicit Adx(std::size_t period = 14)
      : period_(checked_period(period, "ADX")), n_(static_cast<double>(period)), adx_(period) {}

  void update(const Ohlcv& bar) noexcept {
    if (bars_ == 0) [[unlikely]] {
      remember(bar);
      bars_ = 1;
      return;
    }
    const double up = bar.high - previous_high_;
    const double down = previous_low_ - bar.low;
    const double plus_dm = up > 0.0 && up > down ? up : 0.0;
    const double minus_dm = down > 0.0 && up < down ? down : 0.0;
    const double tr = true_range(bar.high, bar.low, previous_close_);
    remember(bar);
    if (bars_ < period_) [[unlikely]] {
      plus_dm_ += plus_dm;
      minus_dm_ += minus_dm;
      tr_ += tr;
      ++bars_;
      return;
    }
    plus_dm_ = plus_dm_ - plus_dm_ / n_ + plus_dm;
    minus_dm_ = minus_dm_ - minus_dm_ / n_ + minus_dm;
    tr_ = tr_ - tr_ / n_ + tr;
    di_ready_ = true;
    if (tr_ == 0.0) {
      plus_di_ = minus_di_ = 0.0;
      if (!adx_.ready()) adx_.add(0.0);  // the seed counts a missing DX as 0; later ones hold
      return;
    }
    plus_di_ = 100.0 * (plus_dm_ / tr_);
    minus_di_ = 100.0 * (minus_dm_ / tr_);
    const double di_sum = plus_di_ + minus_di_;
    if (di_sum != 0.0) {
      const double spread = plus_di_ - minus_di_;
      adx_.add(100.0 * ((spread < 0.0 ? -spread : spread) / di_sum));
    } else if (!adx_.ready()) {
      adx_.add(0.0);
    }
  }
  void update(const core::Bar& bar) noexcept { update(to_ohlcv(bar)); }
  // A bar that traded only at `price` (high = low = close = price).
  void update(double price) noexcept { update(price_only(price)); }
  bool ready() const noexcept { return adx_.ready(); }
  bool di_ready() const noexcept { return di_ready_; }
  // value() is the ADX, NaN (kNoValue) before ready(); the DIs are NaN before di_ready().
  double value() const noexcept { return adx(); }
  double adx() const noexcept { return adx_.value(); }
  double plus_di() const noexcept { return di_ready_ ? plus_di_ : kNoValue; }
  double minus_di() const noexcept { return di_ready_ ? minus_di_ : kNoValue; }
  std::size_t warmup() const noexcept { return 2 * period_; }
  std::size_t period() const noexcept { return period_; }
  void reset() noexcept {
    bars_ = 0;
    previous_high_ = previous_low_ = previous_close_ = 0.0;
    plus_dm_ = minus_dm_ = tr_ = 0.0;
    plus_di_ = minus_di_ = 0.0;
    di_ready_ = false;
    adx_.reset();
  }

 private:
  void remember(const Ohlcv& bar) noexcept {
    previous_high_ = bar.high;
    previous_low_ = bar.low;
    previous_close_ = bar.close;
  }

  std::size_t period_;
  double n_;
  std::size_t bars_ = 0;  // bars seen, counted up to the period only
  double previous_high_ = 0.0;
  double previous_low_ = 0.0;
  double previous_close_ = 0.0;
  double plus_dm_ = 0.0;  // smoothed sums
  double minus_dm_ = 0.0;
  double tr_ = 0.0;
  double plus_di_ = 0.0;
  double minus_di_ = 0.0;
  bool di_ready_ = false;
  WilderAverage adx_;  // seeded with the mean of the first n DX values
};

}  // namespace meridian::indicators
