#pragma once
// Volume-weighted average price of the typical price (H + L + C) / 3.
//   SessionVwap: cumulative over a session, restarting when a session starts (by default when
//     the bar's UTC day changes; or by a caller-supplied rule; or only when the caller says).
//   RollingVwap: over the last N bars (ready from bar N-1, like an SMA).
// Where the volume summed so far is 0 the value is the latest bar's typical price (no 0/0).
#include <cstddef>
#include <functional>

#include "meridian/core/types.hpp"
#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/ohlcv.hpp"
#include "meridian/indicators/rolling_sum.hpp"

namespace meridian::indicators {

inline double typical_price(const Ohlcv& bar) noexcept {
  return (bar.high + bar.low + bar.close) / 3.0;
}

enum class SessionReset {
  utc_day,  // a bar whose open time is on a different UTC day than the previous bar's
  manual,   // only start_session()
};

class SessionVwap {
 public:
  // Decides from the previous and the current bar's open time whether `current` opens a new
  // session (e.g. an exchange's 09:30 local open). Called once per bar with a timestamp.
  using SessionBoundary = std::function<bool(core::Timestamp previous, core::Timestamp current)>;

  explicit SessionVwap(SessionReset mode = SessionReset::utc_day);
  explicit SessionVwap(SessionBoundary is_new_session);

  // The next bar opens a new session, whatever the boundary rule says.
  void start_session() noexcept { restart_ = true; }
  void update(const Ohlcv& bar);
  void update(const core::Bar& bar) { update(to_ohlcv(bar)); }
  // A price without a bar: counts with unit volume (a price-only feed gets the session's mean
  // price) and, having no time, never starts a session by itself.
  void update(double price) noexcept { add(price, 1.0); }
  bool ready() const noexcept { return started_; }
  // NaN (kNoValue) before the first bar.
  double value() const noexcept {
    if (!started_) return kNoValue;
    return volume_ > 0.0 ? price_volume_ / volume_ : last_typical_;
  }
  std::size_t warmup() const noexcept { return 1; }
  void reset() noexcept;

 private:
  bool opens_session(core::Timestamp time);
  void add(double typical, double volume) noexcept {
    if (restart_) {
      price_volume_ = volume_ = 0.0;
      restart_ = false;
    }
    price_volume_ += typical * volume;
    volume_ += volume;
    last_typical_ = typical;
    started_ = true;
  }

  SessionReset mode_;
  SessionBoundary is_new_session_;  // empty unless given
  core::Timestamp previous_time_{};
  core::Timestamp day_start_{};  // UTC day of the previous bar: [day_start_, day_end_)
  core::Timestamp day_end_{};
  bool has_time_ = false;
  bool restart_ = true;
  bool started_ = false;
  double price_volume_ = 0.0;
  double volume_ = 0.0;
  double last_typical_ = 0.0;
};

class RollingVwap {
 public:
  explicit RollingVwap(std::size_t period) : price_volume_(checked_period(period, "VWAP")), volume_(period) {}

  void update(const Ohlcv& bar) noexcept { add(typical_price(bar), bar.volume); }
  void update(const core::Bar& bar) noexcept { update(to_ohlcv(bar)); }
  // A price without a bar counts with unit volume (the window's mean price).
  void update(double price) noexcept { add(price, 1.0); }
  bool ready() const noexcept { return volume_.full(); }
  // NaN (kNoValue) before ready().
  double value() const noexcept {
    if (!ready()) return kNoValue;
    // Counting the bars with volume, not testing the running sum, keeps a window whose volume
    // has all left from dividing rounding residue by rounding residue.
    return with_volume_ > 0 ? price_volume_.sum() / volume_.sum() : last_typical_;
  }
  std::size_t warmup() const noexcept { return volume_.period(); }
  void reset() noexcept;

 private:
  void add(double typical, double volume) noexcept {
    price_volume_.push(typical * volume);
    const double leaving = volume_.push(volume);
    with_volume_ += static_cast<std::ptrdiff_t>(volume != 0.0) - static_cast<std::ptrdiff_t>(leaving != 0.0);
    last_typical_ = typical;
  }

  RollingSum price_volume_;
  RollingSum volume_;
  std::ptrdiff_t with_volume_ = 0;  // bars in the window with non-zero volume
  double last_typical_ = 0.0;
};

}  // namespace meridian::indicators
