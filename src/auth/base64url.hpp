#pragma once
// The base64url alphabet (RFC 4648 section 5): what opaque tokens and JWT parts are made of.

namespace meridian::auth::detail {

inline bool base64url_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace meridian::auth::detail
