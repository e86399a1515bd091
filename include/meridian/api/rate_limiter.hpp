#pragma once
// The general request rate limit (--rate-limit N/s, --rate-burst B): each client has a token
// bucket of B requests refilled at N per second; a request finding it empty is refused with
// 429 and the wait until the next token (the gate, auth_gate.hpp, answers it).
//
// Contract:
// - The bucket is kept as GCRA's one number, the theoretical arrival time (TAT) of the next
//   request: exactly a token bucket, with no refill arithmetic and no floating point.
// - Thread-safe: acquire() runs on every routed request, from every I/O thread. The table is
//   split into shards by key hash, each under its own mutex held for a lookup and an add.
// - Memory is bounded: at most `capacity` clients are remembered; a full shard forgets its
//   least recently seen client, whose bucket has normally refilled long ago (forgetting a
//   bucket only ever gives a client a full one), and quiet buckets are swept as it goes.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "meridian/api/client_address.hpp"
#include "meridian/auth/principal.hpp"
#include "meridian/core/lru_map.hpp"

namespace meridian::api {

struct RateLimit {
  double per_second = 0;      // 0: no limit
  std::uint32_t burst = 100;  // requests a rested client may make at once (at least 1)
  bool enabled() const noexcept { return per_second > 0; }
};

// Whose budget a request spends: an authenticated caller's API key or, with an access token,
// user; an anonymous caller's address (ClientAddress: an IPv6 /64 is one client).
struct RateKey {
  enum class Kind : std::uint8_t { user, api_key, address };
  Kind kind = Kind::address;
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  static RateKey of(const auth::Principal& caller, const ClientAddress& from) noexcept;
  bool operator==(const RateKey&) const = default;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kDefaultCapacity = 1 << 16;

  // `limit` must be enabled (std::invalid_argument otherwise).
  explicit RateLimiter(RateLimit limit, std::size_t capacity = kDefaultCapacity);
  ~RateLimiter();

  // Spends one request of `key`'s budget at `now`: nullopt when there was one, else how long
  // until there is (nothing is spent).
  std::optional<Clock::duration> acquire(const RateKey& key, Clock::time_point now);

 private:
  struct KeyHash {
    std::size_t operator()(const RateKey& k) const noexcept;
  };
  struct Shard;
  static constexpr std::size_t kShards = 16;

  Clock::duration interval_;   // between two tokens
  Clock::duration tolerance_;  // (burst - 1) intervals: how far ahead of now a TAT may run
  std::array<std::unique_ptr<Shard>, kShards> shards_;
};

}  // namespace meridian::api
