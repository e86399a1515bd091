#include "meridian/transport/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace meridian::transport {

Backoff::Backoff(BackoffConfig config, std::uint64_t seed) : config_(config), rng_(seed) {
  // Nonsense settings would give zero or negative delays, a reconnect storm.
  config_.initial = std::max(config_.initial, std::chrono::milliseconds(1));
  config_.max = std::max(config_.max, config_.initial);
  config_.multiplier = std::max(config_.multiplier, 1.0);
  config_.jitter = std::clamp(config_.jitter, 0.0, 1.0);
}

std::chrono::milliseconds Backoff::base() const noexcept {
  const double b = static_cast<double>(config_.initial.count()) * std::pow(config_.multiplier, attempts_);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(b, static_cast<double>(config_.max.count()))));
}

std::chrono::milliseconds Backoff::next() {
  const double b = static_cast<double>(base().count());
  std::uniform_real_distribution<double> u(-config_.jitter, config_.jitter);
  const double d = std::clamp(b * (1.0 + u(rng_)), 1.0, static_cast<double>(config_.max.count()));
  // Stop counting once the base is capped, so attempts_ never overflows pow().
  if (base() < config_.max) ++attempts_;
  return std::chrono::milliseconds(static_cast<std::int64_t>(d));
}

void Backoff::reset() noexcept {
  attempts_ = 0;
}

}  // namespace meridian::transport
