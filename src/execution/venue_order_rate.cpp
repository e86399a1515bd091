// VenueOrderRate: a sliding window of the last max_orders take times.
#include "meridian/execution/venue_order_rate.hpp"

#include <algorithm>

namespace meridian::execution {

VenueOrderRate::VenueOrderRate(std::uint32_t max_orders, std::chrono::milliseconds window)
    : window_(window), times_(std::max<std::uint32_t>(max_orders, 1)) {}

void VenueOrderRate::expire(Clock::time_point now) const {
  // A take at exactly now - window has left the window (it is (now - window, now]).
  while (count_ > 0 && times_[head_] <= now - window_) {
    head_ = (head_ + 1) % times_.size();
    --count_;
  }
}

bool VenueOrderRate::try_take(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  expire(now);
  if (count_ == times_.size()) return false;
  times_[(head_ + count_) % times_.size()] = now;
  ++count_;
  return true;
}

std::uint32_t VenueOrderRate::used(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  expire(now);
  return static_cast<std::uint32_t>(count_);
}

}  // namespace meridian::execution
