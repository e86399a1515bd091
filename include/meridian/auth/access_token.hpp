#pragma once
// Short-lived access tokens: JWTs signed HS256 with the daemon's secret, made and checked by
// libjwt (no hand-written JWT parsing or signature code).
//
// Contract: verify accepts only a token this signer issued: alg exactly HS256 (alg "none" and
// every other algorithm are refused before any claim is read), a valid signature under this
// secret, iss equal to the issuer, exp in the future, iat not in the future (beyond 60 s of clock
// skew), sub a positive user id (a decimal string, RFC 7519's type for sub) and role a known
// role; a token over 4 KiB is malformed unread. Everything else is a TokenError whose
// to_string is the reason code of the 401 reply. The role is the user's role at issue time: a
// role change or a disabled account takes effect when the token expires (ttl, 15 min default)
// or at once where the caller also checks the user (api::Identity does for disabled users).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/auth/role.hpp"
#include "meridian/core/error.hpp"
#include "meridian/core/time.hpp"

namespace meridian::auth {

enum class TokenError {
  malformed,      // not three base64url parts of JSON
  bad_algorithm,  // alg is not HS256 (none, RS256, ...)
  bad_signature,  // signed with another key, or altered
  expired,
  not_yet_valid,  // iat in the future
  bad_issuer,
  bad_claims,  // sub/role/exp missing or of the wrong type
};
std::string_view to_string(TokenError e) noexcept;  // "malformed", "bad_algorithm", ...

struct AccessClaims {
  std::int64_t user_id = 0;
  Role role = Role::anonymous;
  core::Timestamp issued_at{};
  core::Timestamp expires_at{};
};

// verify's time checks, in its order: expired (now at or after exp), then not_yet_valid (iat
// beyond the clock skew ahead of now); none when the claims are current. Claims verified once
// are checked again with this on every later use (auth::TokenCache).
std::optional<TokenError> lifetime_error(const AccessClaims& claims, core::Timestamp now) noexcept;

inline constexpr std::size_t kMinSigningSecretBytes = 32;

class TokenSigner {
 public:
  // Errc::invalid_argument for a secret shorter than kMinSigningSecretBytes or one byte repeated,
  // an empty issuer, or a ttl that is not positive.
  static core::Result<TokenSigner> create(std::string secret, std::string issuer,
                                          std::chrono::seconds ttl = std::chrono::minutes(15));

  // A token for `user_id` with `role`, valid from `now` for ttl().
  std::string issue(std::int64_t user_id, Role role, core::Timestamp now) const;
  core::Result<AccessClaims, TokenError> verify(std::string_view token, core::Timestamp now) const;
  std::chrono::seconds ttl() const noexcept { return ttl_; }

 private:
  TokenSigner(std::string secret, std::string issuer, std::chrono::seconds ttl);
  std::string secret_;
  std::string issuer_;
  std::chrono::seconds ttl_;
};

}  // namespace meridian::auth
