#pragma once
// Opaque bearer secrets shown to a client exactly once: refresh tokens and API keys. 256 random
// bits (libsodium's CSPRNG), base64url without padding; only their SHA-256 digest is stored, so
// a copy of the database cannot be replayed.
//
// Contract: the text forms are fixed-length and checked (length, alphabet, prefix) before any
// hashing or lookup, so a malformed bearer is refused cheaply and never reaches the database.
// Digest comparison is by lookup of the whole digest (a unique index), never a prefix compare.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "meridian/core/error.hpp"

namespace meridian::auth {

using TokenDigest = std::array<std::uint8_t, 32>;

struct OpaqueToken {
  std::string text;    // what the client gets
  TokenDigest digest;  // what is stored
};

inline constexpr std::string_view kApiKeyPrefix = "mk_";

// 43 characters of base64url.
OpaqueToken new_refresh_token();
// "mk_" + 43 characters of base64url.
OpaqueToken new_api_key();

// The digest of a presented token; Errc::parse_error when the text is not of the form above.
core::Result<TokenDigest> digest_refresh_token(std::string_view text);
core::Result<TokenDigest> digest_api_key(std::string_view text);
// Whether a bearer credential is an API key (has the prefix) rather than an access token.
bool looks_like_api_key(std::string_view bearer) noexcept;
// What a listing shows of a key: its prefix and first 8 characters ("mk_AbCdEfGh").
std::string api_key_hint(std::string_view text);

// Lower-case hex of a digest (logs and tests; never the token itself).
std::string to_hex(const TokenDigest& digest);

}  // namespace meridian::auth
