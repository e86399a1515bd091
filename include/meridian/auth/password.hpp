#pragma once
// Passwords: a policy check and argon2id hashing (libsodium crypto_pwhash_str), never stored or
// logged in clear.
//
// Contract: hash_password's output is the self-describing "$argon2id$v=19$m=...,t=...,p=1$..."
// string (parameters inside), so a cost change applies to new hashes while old ones still verify;
// needs_rehash tells a login to store a fresh hash. Hashing runs for tens of milliseconds and
// takes `cost.memlimit` bytes: callers run it off the I/O threads (api::Identity's workers).
#include <cstddef>
#include <string>
#include <string_view>

#include "meridian/core/error.hpp"

namespace meridian::auth {

struct PasswordCost {
  unsigned long long opslimit;
  std::size_t memlimit;  // bytes

  // What the daemon uses: chosen so one hash costs ~50-100 ms on the reference machine
  // (bench_auth reports it).
  static PasswordCost standard() noexcept;
  // libsodium's minimum (fast): only for tests, never a daemon.
  static PasswordCost minimum() noexcept;
};

enum class PasswordIssue {
  too_short,     // fewer than kMinPasswordBytes
  too_long,      // more than kMaxPasswordBytes (1 KiB): a client's mistake or an attack on the hasher
  contains_nul,  // a NUL byte (crypto_pwhash_str and many clients cut there)
  not_utf8,      // not valid UTF-8
  too_common,    // in the shipped common-password list (case-insensitive)
};
inline constexpr std::size_t kMinPasswordBytes = 10;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

std::string_view to_string(PasswordIssue issue) noexcept;  // "too_short", ...
// A sentence for the client ("a password needs at least 10 characters").
std::string_view describe(PasswordIssue issue) noexcept;

// Whether `password` may be set. The list is data/common-passwords.txt compiled in.
core::Result<void, PasswordIssue> check_password_policy(std::string_view password);

// Throws std::bad_alloc when the memory limit cannot be allocated.
std::string hash_password(std::string_view password, PasswordCost cost);
// Constant-time in the password; false for a malformed hash.
bool verify_password(std::string_view hash, std::string_view password) noexcept;
bool needs_rehash(std::string_view hash, PasswordCost cost) noexcept;
// A hash of a random password at `cost`, made once: a login for an unknown email verifies
// against it so it costs as much as a real one (no user enumeration by timing).
const std::string& decoy_hash(PasswordCost cost);

}  // namespace meridian::auth
