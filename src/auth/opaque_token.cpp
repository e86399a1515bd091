// Refresh tokens and API keys: 32 bytes from libsodium's CSPRNG as base64url without padding;
// the stored digest is SHA-256 of the whole text form (prefix included, so a refresh token and
// an API key never share a digest).
#include "meridian/auth/opaque_token.hpp"

#include <array>

#include "base64url.hpp"
#include "sodium.hpp"

namespace meridian::auth {

namespace {

constexpr std::size_t kSecretBytes = 32;
// base64 without padding: ceil(32 * 4 / 3).
constexpr std::size_t kSecretChars = 43;
constexpr std::size_t kHintChars = 8;

TokenDigest digest_of(std::string_view text) {
  TokenDigest d{};
  crypto_hash_sha256(d.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return d;
}

OpaqueToken make(std::string_view prefix) {
  detail::ensure_sodium();
  std::array<unsigned char, kSecretBytes> secret{};
  randombytes_buf(secret.data(), secret.size());
  std::array<char, kSecretChars + 1> b64{};  // sodium_bin2base64 writes the NUL too
  sodium_bin2base64(b64.data(), b64.size(), secret.data(), secret.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret.data(), secret.size());
  OpaqueToken token;
  token.text.reserve(prefix.size() + kSecretChars);
  token.text.append(prefix).append(b64.data(), kSecretChars);
  token.digest = digest_of(token.text);
  return token;
}

// Exactly 43 base64url characters that decode to 32 bytes. The last character carries 2 unused
// bits: libsodium refuses them when they are not zero, so every secret has one text form.
bool well_formed_secret(std::string_view s) noexcept {
  if (s.size() != kSecretChars) return false;
  for (char c : s)
    if (!detail::base64url_char(c)) return false;
  detail::ensure_sodium();
  std::array<unsigned char, kSecretBytes> bin{};
  std::size_t len = 0;
  const char* end = nullptr;
  const bool ok = sodium_base642bin(bin.data(), bin.size(), s.data(), s.size(), nullptr, &len, &end,
                                    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
                  len == kSecretBytes && end == s.data() + s.size();
  sodium_memzero(bin.data(), bin.size());
  return ok;
}

}  // namespace

OpaqueToken new_refresh_token() {
  return make("");
}

OpaqueToken new_api_key() {
  return make(kApiKeyPrefix);
}

core::Result<TokenDigest> digest_refresh_token(std::string_view text) {
  if (!well_formed_secret(text)) return core::Errc::parse_error;
  return digest_of(text);
}

core::Result<TokenDigest> digest_api_key(std::string_view text) {
  if (!looks_like_api_key(text) || !well_formed_secret(text.substr(kApiKeyPrefix.size())))
    return core::Errc::parse_error;
  return digest_of(text);
}

bool looks_like_api_key(std::string_view bearer) noexcept {
  return bearer.starts_with(kApiKeyPrefix);
}

// For a malformed text, its first bytes as they are (at most as many as a key's hint).
std::string api_key_hint(std::string_view text) {
  return std::string(text.substr(0, kApiKeyPrefix.size() + kHintChars));
}

std::string to_hex(const TokenDigest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (auto b : digest) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

}  // namespace meridian::auth
