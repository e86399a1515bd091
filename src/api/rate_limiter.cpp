#include "meridian/api/rate_limiter.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace meridian::api {

namespace {
// Buckets swept (at most) per acquire: enough to keep pace with new clients, never a scan.
constexpr std::size_t kSweep = 2;

std::uint64_t mix(std::uint64_t x) noexcept {
  // splitmix64's finaliser: every key bit reaches every hash bit (user ids are small and dense).
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

RateKey RateKey::of(const auth::Principal& caller, const ClientAddress& from) noexcept {
  if (caller.api_key_id != 0) return {Kind::api_key, 0, static_cast<std::uint64_t>(caller.api_key_id)};
  if (!caller.anonymous()) return {Kind::user, 0, static_cast<std::uint64_t>(caller.user_id)};
  RateKey key{Kind::address, 0, 0};
  std::memcpy(&key.high, from.network.data(), 8);
  std::memcpy(&key.low, from.network.data() + 8, 8);
  return key;
}

std::size_t RateLimiter::KeyHash::operator()(const RateKey& k) const noexcept {
  return static_cast<std::size_t>(mix(k.high ^ mix(k.low ^ static_cast<std::uint64_t>(k.kind))));
}

struct alignas(64) RateLimiter::Shard {
  explicit Shard(std::size_t capacity) : tats(capacity) {}
  std::mutex mutex;
  // Each client's theoretical arrival time; a value-initialised one (the clock's epoch) is a
  // full bucket.
  core::LruMap<RateKey, Clock::time_point, KeyHash> tats;
};

RateLimiter::RateLimiter(RateLimit limit, std::size_t capacity) {
  if (!limit.enabled() || !std::isfinite(limit.per_second) || limit.burst == 0)
    throw std::invalid_argument("a rate limit needs a positive rate and a burst of at least 1");
  interval_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / limit.per_second));
  if (interval_ <= Clock::duration::zero()) interval_ = Clock::duration(1);
  tolerance_ = interval_ * (limit.burst - 1);
  const auto per_shard = std::max<std::size_t>(1, capacity / kShards);
  for (auto& shard : shards_) shard = std::make_unique<Shard>(per_shard);
}

RateLimiter::~RateLimiter() = default;

std::optional<RateLimiter::Clock::duration> RateLimiter::acquire(const RateKey& key, Clock::time_point now) {
  const auto hash = KeyHash{}(key);
  // The high bits pick the shard; the map uses the whole hash for its buckets.
  auto& shard = *shards_[(hash >> 56) % kShards];
  std::lock_guard lock(shard.mutex);
  shard.tats.erase_stale([now](Clock::time_point tat) { return tat <= now; }, kSweep);
  auto& tat = shard.tats.touch(key).value;
  const auto from = std::max(tat, now);
  if (from - now > tolerance_) return from - tolerance_ - now;
  tat = from + interval_;
  return std::nullopt;
}

}  // namespace meridian::api
