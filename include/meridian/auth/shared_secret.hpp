#pragma once
// A secret shared with a client out of band and presented verbatim on each request: the
// metrics scrape token (--metrics-token). Only its SHA-256 digest is kept, and a presented
// value is compared by digest in constant time (sodium_memcmp), so neither the comparison's
// duration nor a memory dump tells the secret, nor its length.
//
// Contract: create() refuses a secret shorter than kMinSharedSecretChars or one character
// repeated (a placeholder such as "xxxxxxxxxxxxxxxx"), so a guessable token never guards
// anything. matches() is safe to call from any thread.
#include <string_view>

#include "meridian/auth/opaque_token.hpp"
#include "meridian/core/error.hpp"

namespace meridian::auth {

inline constexpr std::size_t kMinSharedSecretChars = 16;

class SharedSecret {
 public:
  // Errc::invalid_argument for a secret that is too short or one character repeated.
  static core::Result<SharedSecret> create(std::string_view secret);

  bool matches(std::string_view presented) const noexcept;

 private:
  explicit SharedSecret(const TokenDigest& digest) : digest_(digest) {}
  TokenDigest digest_;
};

}  // namespace meridian::auth
