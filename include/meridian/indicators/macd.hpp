#pragma once
// MACD as TA-Lib computes it. Both EMAs start at bar slow-1: the slow one is the ordinary
// EMA(slow); the fast one is seeded there with the mean of the `fast` closes ending at bar
// slow-1 (not at bar fast-1 as a free-standing EMA would be), then updates as EMA(fast). The
// signal is EMA(signal) of the MACD line from bar slow-1, so line, signal and histogram all
// start at bar slow+signal-2 (33 for 12/26/9; warmup() = 34).
#include <algorithm>
#include <cstddef>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/ema.hpp"

namespace meridian::indicators {

class Macd {
 public:
  // As in TA-Lib, periods given as (slow, fast) are swapped so that fast <= slow.
  explicit Macd(std::size_t fast = 12, std::size_t slow = 26, std::size_t signal = 9)
      : fast_(checked_period(std::min(fast, slow), "MACD fast")),
        slow_(checked_period(std::max(fast, slow), "MACD slow")),
        signal_(checked_period(signal, "MACD signal")),
        fast_offset_(std::max(fast, slow) - std::min(fast, slow)) {}

  void update(double x) noexcept {
    // Feeding the fast EMA only from bar slow-fast makes its seed the mean of closes
    // slow-fast .. slow-1, which is exactly TA-Lib's seeding.
    if (skipped_ < fast_offset_) [[unlikely]]
      ++skipped_;
    else
      fast_.update(x);
    slow_.update(x);
    if (!slow_.ready()) [[unlikely]]
      return;
    line_ = fast_.value() - slow_.value();
    signal_.update(line_);
  }
  void update(const core::Bar& bar) noexcept { update(bar.close.to_double()); }
  bool ready() const noexcept { return signal_.ready(); }
  // value() is the MACD line. All three outputs are NaN (kNoValue) before ready().
  double value() const noexcept { return line(); }
  double line() const noexcept { return ready() ? line_ : kNoValue; }
  double signal() const noexcept { return signal_.value(); }
  double histogram() const noexcept { return ready() ? line_ - signal_.value() : kNoValue; }
  std::size_t warmup() const noexcept { return slow_.period() + signal_.period() - 1; }
  void reset() noexcept {
    fast_.reset();
    slow_.reset();
    signal_.reset();
    skipped_ = 0;
    line_ = 0.0;
  }

 private:
  Ema fast_;
  Ema slow_;
  Ema signal_;
  std::size_t fast_offset_;
  std::size_t skipped_ = 0;
  double line_ = 0.0;
};

}  // namespace meridian::indicators
