#pragma once
// A bounded cache of verified access tokens in front of TokenSigner::verify, so a client that
// presents the same token on every request pays libjwt's decode and HMAC once, not per request.
//
// Contract:
// - verify(token, now) answers as TokenSigner::verify would: a token is stored only after the
//   signer verified it, so a token that fails (tampered, expired, another key, ...) is never
//   stored, and a stored one is answered from its claims, checked against `now` on every use
//   (lifetime_error): never at or after its exp. An entry found expired is dropped.
// - Entries are keyed by a 128-bit keyed digest of the token's bytes (SipHash-2-4-128 under a
//   random key of this cache), so the tokens themselves are not kept. Another token (one byte
//   changed) is answered from the cache only if its digest equals a stored one: with the key
//   and the digests never shown, each try has a chance of capacity() / 2^128.
// - It caches the signature check only: callers still apply whatever can change under a valid
//   token (api::Identity checks the user's disabled flag and current role on every request).
// - At most capacity() entries, in shards that each forget their least recently used entry to
//   make room (core::LruMap); a full cache allocates nothing more.
// - Any thread: each shard has its own mutex, held for a hash-table lookup and a copy.
// - `signer` outlives the cache; one cache serves one signer.
#include <array>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "meridian/auth/access_token.hpp"

namespace meridian::auth {

class TokenCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;
  static constexpr std::size_t kDefaultShards = 16;

  // `capacity` >= 1 (std::invalid_argument otherwise); `shards` is rounded down to a power of
  // two and to at most `capacity`. capacity() is then a multiple of the shard count, at most
  // `capacity`.
  explicit TokenCache(const TokenSigner& signer, std::size_t capacity = kDefaultCapacity,
                      std::size_t shards = kDefaultShards);
  ~TokenCache();
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  core::Result<AccessClaims, TokenError> verify(std::string_view token, core::Timestamp now);

  std::size_t capacity() const noexcept;
  std::size_t size() const;  // entries held now (a moment's count under concurrent use)

 private:
  using Digest = std::array<unsigned char, 16>;
  struct Shard;

  Digest digest(std::string_view token) const noexcept;
  Shard& shard_of(const Digest& d) const noexcept;

  const TokenSigner& signer_;
  std::array<unsigned char, 16> key_{};
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace meridian::auth
