#include "meridian/auth/shared_secret.hpp"

#include <algorithm>

#include "sodium.hpp"

namespace meridian::auth {

namespace {
TokenDigest sha256(std::string_view text) noexcept {
  TokenDigest d{};
  crypto_hash_sha256(d.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return d;
}
}  // namespace

core::Result<SharedSecret> SharedSecret::create(std::string_view secret) {
  if (secret.size() < kMinSharedSecretChars) return core::Errc::invalid_argument;
  if (std::all_of(secret.begin(), secret.end(), [&](char c) { return c == secret.front(); }))
    return core::Errc::invalid_argument;
  detail::ensure_sodium();
  return SharedSecret(sha256(secret));
}

bool SharedSecret::matches(std::string_view presented) const noexcept {
  // Digests of equal length whatever was presented: the comparison's time says nothing.
  const auto digest = sha256(presented);
  return sodium_memcmp(digest.data(), digest_.data(), digest.size()) == 0;
}

}  // namespace meridian::auth
