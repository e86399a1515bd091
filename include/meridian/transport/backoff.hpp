#pragma once
// Reconnect delays for network clients: exponential growth with random jitter, so a fleet of
// clients that lost a server at the same moment do not all come back at the same moment.
// Pure: no clock, no I/O; one owner (not thread-safe).
#include <chrono>
#include <cstdint>
#include <random>

namespace meridian::transport {

struct BackoffConfig {
  std::chrono::milliseconds initial{500};  // base of the first delay
  std::chrono::milliseconds max{30'000};   // no delay (jitter included) exceeds this
  double multiplier = 2.0;                 // base growth per failed attempt (>= 1)
  double jitter = 0.2;                     // delay = base * (1 + u), u uniform in [-jitter, +jitter]
};

class Backoff {
 public:
  explicit Backoff(BackoffConfig config = {}, std::uint64_t seed = std::random_device{}());

  // The delay before the next attempt; each call counts one more failed attempt.
  std::chrono::milliseconds next();
  // After a success: the next delay starts from `initial` again.
  void reset() noexcept;
  // Failed attempts since the last reset, counted until the base reaches `max`.
  int attempts() const noexcept { return attempts_; }
  // The un-jittered delay the next call is centred on.
  std::chrono::milliseconds base() const noexcept;

 private:
  BackoffConfig config_;
  std::mt19937_64 rng_;
  int attempts_ = 0;
};

}  // namespace meridian::transport
