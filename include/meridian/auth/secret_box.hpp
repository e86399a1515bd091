#pragma once
// Secrets kept at rest (users' broker credentials): sealed with XChaCha20-Poly1305 (libsodium's
// crypto_aead_xchacha20poly1305_ietf) under a 32-byte master key the operator holds outside the
// database, so a copy of the database alone reveals none of them.
//
// Contract:
// - A master key is named by its key_id: 16 lower-case hex digits of a keyed BLAKE2b of the key
//   (a one-way function of it: the id can be stored, logged and shown). Every sealed value
//   carries the key_id it was sealed under, so a rotation knows which key opens which row.
// - seal binds the key_id and the caller's `context` as associated data: a sealed value opens
//   only under the same key and the same context (a row copied to another user or broker does
//   not open). Nonces are 192 random bits, so a collision under one key is never expected.
// - open: Errc::conflict when the value was sealed under another key_id (no decryption is
//   tried), Errc::rejected when it does not authenticate (altered, or another context),
//   Errc::parse_error when it is too short to be sealed at all.
// - Key material and plaintexts are wiped (sodium_memzero) when their owners are destroyed;
//   nothing here ever puts key bytes or a plaintext into an error or a log line.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/error.hpp"

namespace meridian::auth {

inline constexpr std::size_t kMasterKeyBytes = 32;
inline constexpr std::size_t kSealNonceBytes = 24;  // XChaCha20
inline constexpr std::size_t kSealTagBytes = 16;    // Poly1305

// A plaintext secret that is wiped when destroyed or moved from. Move-only: a copy would be one
// more buffer to wipe.
class SecretText {
 public:
  SecretText() = default;
  explicit SecretText(std::string_view text) : text_(text) {}
  SecretText(SecretText&& other) noexcept;
  SecretText& operator=(SecretText&& other) noexcept;
  SecretText(const SecretText&) = delete;
  SecretText& operator=(const SecretText&) = delete;
  ~SecretText();

  std::string_view view() const noexcept { return text_; }
  std::size_t size() const noexcept { return text_.size(); }
  bool empty() const noexcept { return text_.empty(); }

 private:
  std::string text_;
};

// Overwrites every byte `s` holds (its whole capacity) with zeros, then empties it.
void wipe(std::string& s) noexcept;

struct Sealed {
  std::vector<std::uint8_t> ciphertext;  // the plaintext's length + kSealTagBytes
  std::array<std::uint8_t, kSealNonceBytes> nonce{};
  std::string key_id;
};

class SecretBox {
 public:
  // The master key as configured: 64 hex digits, or base64 (standard or URL-safe alphabet,
  // padded or not) of exactly 32 bytes; surrounding whitespace is ignored. Errc::invalid_argument
  // for anything else, and for a key of one repeated byte (all zeros: a placeholder, not a key).
  static core::Result<SecretBox> from_text(std::string_view text);
  static core::Result<SecretBox> from_bytes(const std::array<std::uint8_t, kMasterKeyBytes>& key);
  // A fresh random key (libsodium's CSPRNG) and its text form (64 hex digits), e.g. for tests
  // and for an operator making a new key.
  static std::string new_key_text();

  SecretBox(SecretBox&&) noexcept;
  SecretBox& operator=(SecretBox&&) noexcept;
  ~SecretBox();

  const std::string& key_id() const noexcept { return key_id_; }
  Sealed seal(std::string_view plaintext, std::string_view context) const;
  core::Result<SecretText> open(const Sealed& sealed, std::string_view context) const;

 private:
  struct Key;
  explicit SecretBox(std::unique_ptr<Key> key);
  // Refuses a key of one repeated byte.
  static core::Result<SecretBox> from_key(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;  // on the heap: a move never leaves a copy of the key behind
  std::string key_id_;
};

}  // namespace meridian::auth
