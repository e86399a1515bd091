#pragma once
// Wilder's relative strength index, TA-Lib convention: average gain and loss are seeded with the
// mean of the first n close-to-close changes (bars 1..n) and Wilder-smoothed after; the first
// value is at bar n (warmup() = n + 1). RSI = 100 * AG / (AG + AL), and 50 where AG + AL is 0
// (a flat series has no direction; TA-Lib would print 0 there).
#include <bit>
#include <cstddef>
#include <cstdint>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/wilder_average.hpp"

namespace meridian::indicators {

class Rsi {
 public:
  explicit Rsi(std::size_t period) : gain_(checked_period(period, "RSI")), loss_(period) {}

  void update(double x) noexcept {
    if (started_) [[likely]] {
      const double change = x - previous_;
      gain_.add(change > 0.0 ? change : 0.0);
      loss_.add(change < 0.0 ? -change : 0.0);
    }
    previous_ = x;
    started_ = true;
  }
  void update(const core::Bar& bar) noexcept { update(bar.close.to_double()); }
  bool ready() const noexcept { return gain_.ready(); }
  // NaN (kNoValue) before ready(). Exactly 100 when nothing fell, exactly 0 when nothing rose.
  double value() const noexcept {
    if (!ready()) return kNoValue;
    const double total = gain_.raw_value() + loss_.raw_value();
    return total == 0.0 ? 50.0 : 100.0 * (gain_.raw_value() / total);
  }
  std::size_t warmup() const noexcept { return gain_.period() + 1; }
  std::size_t period() const noexcept { return gain_.period(); }
  void reset() noexcept {
    gain_.reset();
    loss_.reset();
    previous_ = 0.0;
    started_ = false;
  }
  // The same state bit for bit: fed the same closes from now on, both give bit-identical values
  // (how a strategy's own RSI is proven interchangeable with a shared one).
  bool identical(const Rsi& other) const noexcept {
    return started_ == other.started_ && gain_.identical(other.gain_) && loss_.identical(other.loss_) &&
           std::bit_cast<std::uint64_t>(previous_) == std::bit_cast<std::uint64_t>(other.previous_);
  }

 private:
  WilderAverage gain_;
  WilderAverage loss_;
  double previous_ = 0.0;
  bool started_ = false;
};

}  // namespace meridian::indicators
