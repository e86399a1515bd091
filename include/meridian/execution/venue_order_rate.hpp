#pragma once
// A venue's limit on how many orders an account may send in a window (Alpaca: 200 API requests
// a minute; Binance: orders per 10 s and per day), kept on our side so the daemon refuses an
// order it would otherwise send into a 429 or, worse, a ban of the whole account.
//
// Contract:
// - One per venue account, shared by every portfolio's gateway trading on it (hence the
//   mutex: each gateway asks from its own engine-strand call; never on a per-tick path).
// - try_take is a sliding window: at most `max_orders` takes within any `window`. A refused
//   take takes nothing, so a burst that is refused does not push the window further out.
// - New orders and replaces take a slot; cancels never do (a person stopping everything must
//   never be refused by our own limiter).
// - No allocation after construction (a ring of max_orders times).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

namespace meridian::execution {

class VenueOrderRate {
 public:
  using Clock = std::chrono::steady_clock;
  // `max_orders` >= 1 (0 is taken as 1), `window` > 0.
  VenueOrderRate(std::uint32_t max_orders, std::chrono::milliseconds window);

  // One order at `now`: true (counted) when fewer than max_orders were taken in (now - window, now].
  bool try_take(Clock::time_point now = Clock::now());
  // Takes within the window ending at `now`.
  std::uint32_t used(Clock::time_point now = Clock::now()) const;
  std::uint32_t max_orders() const noexcept { return static_cast<std::uint32_t>(times_.size()); }
  std::chrono::milliseconds window() const noexcept { return window_; }

 private:
  void expire(Clock::time_point now) const;

  const std::chrono::milliseconds window_;
  mutable std::mutex mutex_;
  mutable std::vector<Clock::time_point> times_;  // a ring: the last `count_` takes from `head_`
  mutable std::size_t head_ = 0;
  mutable std::size_t count_ = 0;
};

}  // namespace meridian::execution
