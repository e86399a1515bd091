#include "meridian/indicators/vwap.hpp"

#include <chrono>
#include <utility>

namespace meridian::indicators {

namespace {
constexpr core::Duration kUtcDay = std::chrono::hours(24);
}  // namespace

SessionVwap::SessionVwap(SessionReset mode) : mode_(mode) {}

SessionVwap::SessionVwap(SessionBoundary is_new_session)
    : mode_(SessionReset::manual), is_new_session_(std::move(is_new_session)) {}

bool SessionVwap::opens_session(core::Timestamp time) {
  bool opens = false;
  if (is_new_session_) {
    opens = has_time_ && is_new_session_(previous_time_, time);
  } else if (mode_ == SessionReset::utc_day) {
    // Comparing against the cached day keeps the per-bar cost to two compares.
    opens = has_time_ && (time < day_start_ || time >= day_end_);
    if (!has_time_ || opens) {
      day_start_ = core::floor_to(time, kUtcDay);
      day_end_ = day_start_ + kUtcDay;
    }
  }
  previous_time_ = time;
  has_time_ = true;
  return opens;
}

void SessionVwap::update(const Ohlcv& bar) {
  if (opens_session(bar.time)) restart_ = true;
  add(typical_price(bar), bar.volume);
}

void SessionVwap::reset() noexcept {
  previous_time_ = day_start_ = day_end_ = core::Timestamp{};
  has_time_ = false;
  restart_ = true;
  started_ = false;
  price_volume_ = volume_ = last_typical_ = 0.0;
}

void RollingVwap::reset() noexcept {
  price_volume_.reset();
  volume_.reset();
  with_volume_ = 0;
  last_typical_ = 0.0;
}

}  // namespace meridian::indicators
