// auth::SharedSecret: refuses weak secrets, matches exactly the configured one.
#include "meridian/auth/shared_secret.hpp"

#include <gtest/gtest.h>

#include <string>

using meridian::auth::kMinSharedSecretChars;
using meridian::auth::SharedSecret;
using meridian::core::Errc;

TEST(SharedSecret, RefusesShortAndRepeatedSecrets) {
  EXPECT_EQ(SharedSecret::create("").error(), Errc::invalid_argument);
  EXPECT_TRUE(SharedSecret::create(std::string(kMinSharedSecretChars - 1, 'k') + "z"));
  EXPECT_EQ(SharedSecret::create(std::string(kMinSharedSecretChars - 1, 'k')).error(), Errc::invalid_argument);
  EXPECT_EQ(SharedSecret::create(std::string(64, 'x')).error(), Errc::invalid_argument);
}

TEST(SharedSecret, MatchesOnlyTheSecretItself) {
  const std::string secret = "scrape-token-0123456789";
  auto s = SharedSecret::create(secret);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->matches(secret));
  EXPECT_FALSE(s->matches(""));
  EXPECT_FALSE(s->matches(secret.substr(0, secret.size() - 1)));  // a prefix
  EXPECT_FALSE(s->matches(secret + "x"));                         // an extension
  EXPECT_FALSE(s->matches("Scrape-token-0123456789"));            // case matters
  EXPECT_FALSE(s->matches(secret + '\0'));
}
