// Fuzz target: the parsers of credentials a client sends (auth/): access tokens
// (TokenSigner::verify, libjwt underneath), refresh tokens and API keys (digest_refresh_token,
// digest_api_key) and the password policy. Every parser reads the whole input.
//
// Checked beyond the sanitizers, against references written here with libsodium:
// - a token verify accepts is three base64url parts within 4 KiB whose signature is the HMAC-
//   SHA256 of its first two parts under the secret, with claims inside the contract (a positive
//   user id, a stored role, iat <= now + 60 s < exp + 60 s, exp in the future);
// - a refresh token is accepted exactly when it is 43 base64url characters that are the
//   canonical encoding of 32 bytes, an API key exactly when it is "mk_" and such a text, and the
//   digest is SHA-256 of the text;
// - an accepted password has 10..1024 bytes and no NUL, and too_long means more than 1024 bytes.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "meridian/auth/access_token.hpp"
#include "meridian/auth/opaque_token.hpp"
#include "meridian/auth/password.hpp"

namespace {

using namespace meridian;

// The seeds in fuzz/corpus/auth are signed with this secret and issuer, at iat 1800000000.
const std::string kSecret = "fuzz-secret-0123456789abcdefghij";  // 32 bytes
const core::Timestamp kNow{std::chrono::seconds(1'800'000'060)};

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "auth_fuzz: %s: '%.*s'\n", what, static_cast<int>(std::min<std::size_t>(input.size(), 200)),
               input.data());
  std::abort();
}

const auth::TokenSigner& signer() {
  static const auth::TokenSigner s = auth::TokenSigner::create(kSecret, "meridian-fuzz").value();
  return s;
}

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

void check_access_token(std::string_view token) {
  const auto claims = signer().verify(token, kNow);
  if (!claims) return;
  if (token.size() > 4096) fail("accepted a token over 4 KiB", token);
  const auto last_dot = token.rfind('.');
  if (last_dot == std::string_view::npos || std::count(token.begin(), token.end(), '.') != 2)
    fail("accepted a token that is not three parts", token);
  // The signature must be HMAC-SHA256(secret, header.payload), computed here independently.
  const std::string_view signed_part = token.substr(0, last_dot);
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(kSecret.data()), kSecret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  if (base64url(mac.data(), mac.size()) != token.substr(last_dot + 1))
    fail("accepted a token whose signature is not the secret's HMAC-SHA256", token);
  if (claims->user_id <= 0) fail("accepted a non-positive user id", token);
  if (claims->role != auth::Role::viewer && claims->role != auth::Role::trader && claims->role != auth::Role::admin)
    fail("accepted a role that is not stored", token);
  if (claims->expires_at <= kNow) fail("accepted an expired token", token);
  if (claims->issued_at > kNow + std::chrono::seconds(60)) fail("accepted a token issued in the future", token);
  if (claims->issued_at >= claims->expires_at) fail("accepted exp <= iat", token);
}

// 43 base64url characters that are the canonical text of 32 bytes.
bool reference_secret_text(std::string_view s) {
  if (s.size() != 43) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  std::array<unsigned char, 32> bin{};
  std::size_t len = 0;
  if (sodium_base642bin(bin.data(), bin.size(), s.data(), s.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != bin.size())
    return false;
  return base64url(bin.data(), bin.size()) == s;
}

void check_digest(std::string_view text, const core::Result<auth::TokenDigest>& got, bool want, const char* what) {
  if (got.has_value() != want) fail(what, text);
  if (!got) return;
  auth::TokenDigest d{};
  crypto_hash_sha256(d.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  if (*got != d) fail("the digest is not SHA-256 of the text", text);
}

void check_opaque(std::string_view text) {
  check_digest(text, auth::digest_refresh_token(text), reference_secret_text(text),
               "digest_refresh_token disagrees with the reference");
  const bool key = text.starts_with("mk_") && reference_secret_text(text.substr(3));
  check_digest(text, auth::digest_api_key(text), key, "digest_api_key disagrees with the reference");
  if (auth::looks_like_api_key(text) != text.starts_with("mk_")) fail("looks_like_api_key", text);
  if (auth::api_key_hint(text) != text.substr(0, 11)) fail("api_key_hint", text);
}

void check_password(std::string_view text) {
  const auto r = auth::check_password_policy(text);
  if (r && (text.size() < 10 || text.size() > 1024 || text.find('\0') != std::string_view::npos))
    fail("accepted a password outside the policy", text);
  if (!r && (r.error() == auth::PasswordIssue::too_long) != (text.size() > 1024)) fail("too_long", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (sodium_init() < 0) std::abort();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_access_token(text);
  check_opaque(text);
  check_password(text);
  return 0;
}
