#pragma once
// "Logged once per burst": a venue that keeps failing gets one log line when the trouble
// starts and one when it ends (with the count), not one per failed message. A venue that
// flaps (a bad answer between good ones) would start a burst each time, so a new burst is
// only logged once `quiet` has passed since the last logged one; the ones in between are
// counted and reported with the next line. Pure: the caller passes the time.
#include <chrono>
#include <cstdint>
#include <optional>

namespace meridian::market {

class BurstLog {
 public:
  using Clock = std::chrono::steady_clock;
  explicit BurstLog(Clock::duration quiet = std::chrono::minutes(1)) : quiet_(quiet) {}

  // A failure; true when it should be logged: it starts a burst and the log is not in its
  // quiet period. `unreported()` then counts it and the silent ones before it.
  bool failure(Clock::time_point now) noexcept {
    ++failures_;
    if (in_burst_) return false;
    in_burst_ = true;
    burst_logged_ = !last_logged_ || now - *last_logged_ >= quiet_;
    if (burst_logged_) last_logged_ = now;
    return burst_logged_;
  }
  // A success; returns how many failures to report as recovered from (0: no burst ended, or
  // it was a silent one whose count waits for the next logged line).
  std::uint64_t success() noexcept {
    if (!in_burst_) return 0;
    in_burst_ = false;
    if (!burst_logged_) return 0;
    const auto n = failures_;
    failures_ = 0;
    return n;
  }
  // Failures not yet reported in a "recovered" line.
  std::uint64_t unreported() const noexcept { return failures_; }

 private:
  Clock::duration quiet_;
  std::optional<Clock::time_point> last_logged_;
  std::uint64_t failures_ = 0;
  bool in_burst_ = false;
  bool burst_logged_ = false;
};

}  // namespace meridian::market
