#pragma once
// libsodium must be initialised once before its CSPRNG or hashing is used (it picks the fastest
// implementations and opens the random source). Every auth function that calls libsodium calls
// this first; it is thread-safe and cheap after the first call.
#include <sodium.h>

#include <stdexcept>

namespace meridian::auth::detail {

inline void ensure_sodium() {
  static const bool ready = [] {
    // 0: initialised now, 1: already initialised (by another library); -1: unusable.
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    return true;
  }();
  (void)ready;
}

}  // namespace meridian::auth::detail
