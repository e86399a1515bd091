#pragma once
// What the access-token tests share: gtest's printer for TokenError, the test secret and
// instant, and a signer over them (TokenSigner's default 15-minute lifetime).
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "meridian/auth/access_token.hpp"

namespace meridian::auth {

// gtest prints a TokenError by its reason code (found by ADL: not in an anonymous namespace).
inline void PrintTo(TokenError e, std::ostream* os) {
  *os << to_string(e);
}

namespace test {

inline const std::string kSecret = "k8ZqN4v2-9xLr7Tb0Wc5Hy3Jd6Fs1Gm!";  // 32 bytes
inline const std::string kIssuer = "meridian-test";
inline const core::Timestamp kNow{std::chrono::seconds(1'800'000'000)};

inline TokenSigner signer(const std::string& secret = kSecret, const std::string& issuer = kIssuer) {
  auto s = TokenSigner::create(secret, issuer);
  EXPECT_TRUE(s.has_value());
  return std::move(s).value();
}

}  // namespace test
}  // namespace meridian::auth
