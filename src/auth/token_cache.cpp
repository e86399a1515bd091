#include "meridian/auth/token_cache.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "meridian/core/lru_map.hpp"
#include "sodium.hpp"

namespace meridian::auth {

namespace {

static_assert(crypto_shorthash_siphashx24_BYTES == 16 && crypto_shorthash_siphashx24_KEYBYTES == 16);

// The digest is a keyed PRF's output: its first bytes are a good hash already.
struct FirstBytes {
  std::size_t operator()(const std::array<unsigned char, 16>& d) const noexcept {
    std::size_t h = 0;
    std::memcpy(&h, d.data(), sizeof h);
    return h;
  }
};

}  // namespace

// Its own cache line, so threads working on different shards do not share one.
struct alignas(64) TokenCache::Shard {
  explicit Shard(std::size_t capacity) : entries(capacity) {}
  std::mutex mutex;
  core::LruMap<Digest, AccessClaims, FirstBytes> entries;
};

TokenCache::TokenCache(const TokenSigner& signer, std::size_t capacity, std::size_t shards) : signer_(signer) {
  if (capacity == 0) throw std::invalid_argument("TokenCache capacity must be at least 1");
  shards = std::bit_floor(std::clamp<std::size_t>(shards, 1, capacity));
  detail::ensure_sodium();
  randombytes_buf(key_.data(), key_.size());
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>(capacity / shards));
}

TokenCache::~TokenCache() {
  sodium_memzero(key_.data(), key_.size());
}

TokenCache::Digest TokenCache::digest(std::string_view token) const noexcept {
  Digest d;
  crypto_shorthash_siphashx24(d.data(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                              key_.data());
  return d;
}

TokenCache::Shard& TokenCache::shard_of(const Digest& d) const noexcept {
  // The digest's last bytes pick the shard, its first the bucket within it.
  std::size_t h = 0;
  std::memcpy(&h, d.data() + d.size() - sizeof h, sizeof h);
  return *shards_[h & (shards_.size() - 1)];
}

core::Result<AccessClaims, TokenError> TokenCache::verify(std::string_view token, core::Timestamp now) {
  const auto d = digest(token);
  auto& shard = shard_of(d);
  {
    std::lock_guard lock(shard.mutex);
    if (const auto* cached = shard.entries.find(d)) {
      const auto late = lifetime_error(*cached, now);
      if (!late) return *cached;
      if (*late == TokenError::expired) shard.entries.erase(d);
      return *late;
    }
  }
  // Outside the lock: libjwt's decode and HMAC take microseconds.
  auto verified = signer_.verify(token, now);
  if (verified) {
    std::lock_guard lock(shard.mutex);
    shard.entries.touch(d).value = *verified;
  }
  return verified;
}

std::size_t TokenCache::capacity() const noexcept {
  return shards_.size() * shards_.front()->entries.capacity();
}

std::size_t TokenCache::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    n += shard->entries.size();
  }
  return n;
}

}  // namespace meridian::auth
