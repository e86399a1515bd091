// Access tokens through libjwt 1.10 (Debian 12's; its CVE-2024-25189 fix makes the HMAC
// comparison constant-time).
//
// libjwt 1.x checks a signature only when it is given a key; given no key it accepts every
// token as it is (and reports its alg as none). verify therefore decodes twice: once without a
// key, only to read the header's "alg" text (so malformed and bad_algorithm are told apart
// before any key is used), then with the secret, which verifies the signature; claims are read
// only from that second, verified decode. Given a key, libjwt refuses an unsigned token itself,
// and jwt_get_alg of the verified token is checked again.
//
// Claims: iss (the issuer), sub (the user id as a decimal string, as RFC 7519 has sub a
// string), role ("viewer", "trader", "admin"), iat and exp (integer seconds since the epoch).
#include "meridian/auth/access_token.hpp"

#include <jwt.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>

#include "base64url.hpp"

namespace meridian::auth {

namespace {

// An access token is ~250 bytes; anything much longer is refused before libjwt reads it.
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::chrono::seconds kClockSkew{60};
// Seconds beyond which a time does not fit core::Timestamp (int64 nanoseconds): the same bound
// as core::parse_time's.
constexpr long kMaxEpochSeconds = core::kTimeLimitMs / 1000;

struct JwtFree {
  void operator()(jwt_t* j) const noexcept { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

struct CFree {
  void operator()(char* p) const noexcept { std::free(p); }
};

// Decodes `token` (NUL-terminated); with a null key libjwt checks no signature.
JwtPtr decode(const std::string& token, const std::string* key) {
  jwt_t* raw = nullptr;
  const int rc = key ? jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key->data()),
                                  static_cast<int>(key->size()))
                     : jwt_decode(&raw, token.c_str(), nullptr, 0);
  JwtPtr out(raw);
  if (rc != 0) out.reset();
  return out;
}

// A positive integer claim (what libjwt reads as 0 is a string, a fraction or a boolean).
std::optional<long> seconds_claim(jwt_t* j, const char* name) {
  const long v = jwt_get_grant_int(j, name);
  if (v <= 0 || v > kMaxEpochSeconds) return std::nullopt;
  return v;
}

// "1" .. "9223372036854775807": digits only, no sign, no leading zero.
std::optional<std::int64_t> user_id_claim(const char* text) {
  if (!text) return std::nullopt;
  const std::string_view s(text);
  if (s.empty() || s.size() > 19 || s[0] == '0') return std::nullopt;
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

// The JWS compact form's outline: three base64url parts (the last may be empty) joined by two
// dots, within kMaxTokenBytes. libjwt decodes the parts; this only refuses early what can not be
// a token (a fourth part, a NUL that would end the C string libjwt reads, padding, spaces).
bool compact_form(std::string_view token) noexcept {
  if (token.empty() || token.size() > kMaxTokenBytes) return false;
  int dots = 0;
  for (char c : token) {
    if (c == '.')
      ++dots;
    else if (!detail::base64url_char(c))
      return false;
  }
  return dots == 2;
}

void check(int rc, const char* what) {
  if (rc == ENOMEM) throw std::bad_alloc();
  if (rc != 0) throw std::runtime_error(std::string("libjwt: ") + what + " failed");
}

}  // namespace

std::string_view to_string(TokenError e) noexcept {
  switch (e) {
    case TokenError::malformed: return "malformed";
    case TokenError::bad_algorithm: return "bad_algorithm";
    case TokenError::bad_signature: return "bad_signature";
    case TokenError::expired: return "expired";
    case TokenError::not_yet_valid: return "not_yet_valid";
    case TokenError::bad_issuer: return "bad_issuer";
    case TokenError::bad_claims: return "bad_claims";
  }
  return "malformed";
}

std::optional<TokenError> lifetime_error(const AccessClaims& claims, core::Timestamp now) noexcept {
  if (now >= claims.expires_at) return TokenError::expired;
  if (claims.issued_at > now + kClockSkew) return TokenError::not_yet_valid;
  return std::nullopt;
}

TokenSigner::TokenSigner(std::string secret, std::string issuer, std::chrono::seconds ttl)
    : secret_(std::move(secret)), issuer_(std::move(issuer)), ttl_(ttl) {}

core::Result<TokenSigner> TokenSigner::create(std::string secret, std::string issuer, std::chrono::seconds ttl) {
  if (secret.size() < kMinSigningSecretBytes) return core::Errc::invalid_argument;
  if (secret.find_first_not_of(secret[0]) == std::string::npos) return core::Errc::invalid_argument;
  // libjwt takes the key length as an int; an issuer is needed to check one.
  if (secret.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return core::Errc::invalid_argument;
  if (issuer.empty() || ttl <= std::chrono::seconds::zero()) return core::Errc::invalid_argument;
  return TokenSigner(std::move(secret), std::move(issuer), ttl);
}

std::string TokenSigner::issue(std::int64_t user_id, Role role, core::Timestamp now) const {
  jwt_t* raw = nullptr;
  check(jwt_new(&raw), "jwt_new");
  const JwtPtr j(raw);
  const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  check(jwt_add_grant(j.get(), "iss", issuer_.c_str()), "iss");
  check(jwt_add_grant(j.get(), "sub", std::to_string(user_id).c_str()), "sub");
  check(jwt_add_grant(j.get(), "role", std::string(to_string(role)).c_str()), "role");
  check(jwt_add_grant_int(j.get(), "iat", static_cast<long>(iat)), "iat");
  check(jwt_add_grant_int(j.get(), "exp", static_cast<long>(iat + ttl_.count())), "exp");
  check(jwt_set_alg(j.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                    static_cast<int>(secret_.size())),
        "jwt_set_alg");
  const std::unique_ptr<char, CFree> text(jwt_encode_str(j.get()));
  if (!text) throw std::bad_alloc();
  return std::string(text.get());
}

core::Result<AccessClaims, TokenError> TokenSigner::verify(std::string_view token, core::Timestamp now) const {
  if (!compact_form(token)) return TokenError::malformed;
  const std::string text(token);

  // The header, unverified: only its alg is read from this decode.
  const auto unverified = decode(text, nullptr);
  if (!unverified) return TokenError::malformed;
  const char* alg = jwt_get_header(unverified.get(), "alg");
  if (!alg || std::string_view(alg) != "HS256") return TokenError::bad_algorithm;

  const auto j = decode(text, &secret_);
  if (!j) return TokenError::bad_signature;
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) return TokenError::bad_algorithm;

  const char* iss = jwt_get_grant(j.get(), "iss");
  if (!iss || issuer_ != iss) return TokenError::bad_issuer;

  const auto user_id = user_id_claim(jwt_get_grant(j.get(), "sub"));
  const char* role_text = jwt_get_grant(j.get(), "role");
  const auto role = role_text ? parse_role(role_text) : std::nullopt;
  const auto iat = seconds_claim(j.get(), "iat");
  const auto exp = seconds_claim(j.get(), "exp");
  if (!user_id || !role || !iat || !exp || *exp <= *iat) return TokenError::bad_claims;

  AccessClaims claims;
  claims.user_id = *user_id;
  claims.role = *role;
  claims.issued_at = core::Timestamp(std::chrono::seconds(*iat));
  claims.expires_at = core::Timestamp(std::chrono::seconds(*exp));
  if (auto late = lifetime_error(claims, now)) return *late;
  return claims;
}

}  // namespace meridian::auth
