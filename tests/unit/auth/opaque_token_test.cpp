#include "meridian/auth/opaque_token.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace meridian::auth {
namespace {

bool base64url(std::string_view s) {
  return s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

TEST(OpaqueToken, RefreshTokensAre43Base64urlCharactersAndTheirDigest) {
  const auto token = new_refresh_token();
  EXPECT_EQ(token.text.size(), 43u);
  EXPECT_TRUE(base64url(token.text)) << token.text;
  const auto digest = digest_refresh_token(token.text);
  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ(*digest, token.digest);
  EXPECT_FALSE(looks_like_api_key(token.text));
}

TEST(OpaqueToken, ApiKeysHaveThePrefix) {
  const auto key = new_api_key();
  EXPECT_EQ(key.text.size(), 46u);
  EXPECT_TRUE(key.text.starts_with("mk_"));
  EXPECT_TRUE(base64url(key.text.substr(3)));
  EXPECT_TRUE(looks_like_api_key(key.text));
  const auto digest = digest_api_key(key.text);
  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ(*digest, key.digest);
  EXPECT_EQ(api_key_hint(key.text), key.text.substr(0, 11));
}

TEST(OpaqueToken, EveryTokenIsNew) {
  std::set<std::string> seen;
  std::set<TokenDigest> digests;
  for (int i = 0; i < 200; ++i) {
    const auto t = i % 2 ? new_refresh_token() : new_api_key();
    EXPECT_TRUE(seen.insert(t.text).second);
    EXPECT_TRUE(digests.insert(t.digest).second);
  }
}

TEST(OpaqueToken, DigestIsSha256OfTheText) {
  const std::string refresh(43, 'A');
  EXPECT_EQ(to_hex(digest_refresh_token(refresh).value()),
            "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a");
  EXPECT_EQ(to_hex(digest_api_key("mk_" + refresh).value()),
            "99e486a4273ed468c603dc51c1ba2232199a90d1df4a5d0a099a9d41f215d54a");
}

TEST(OpaqueToken, RefreshTokenFormatIsChecked) {
  const auto good = new_refresh_token().text;
  auto refused = [](std::string_view text) {
    const auto r = digest_refresh_token(text);
    return !r.has_value() && r.error() == core::Errc::parse_error;
  };
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused(good.substr(0, 42)));
  EXPECT_TRUE(refused(good + "A"));
  EXPECT_TRUE(refused(good + "="));
  EXPECT_TRUE(refused("mk_" + good));
  EXPECT_TRUE(refused(std::string(1 << 20, 'A')));
  for (char bad : {'+', '/', '=', ' ', '.', '\0', '\xC3'}) {
    auto text = good;
    text[10] = bad;
    EXPECT_TRUE(refused(text)) << static_cast<int>(bad);
  }
  // The last character carries 2 unused bits, which must be zero: "B" (000001) is not the
  // canonical form of any 32 bytes, "A" and "E" are.
  EXPECT_TRUE(refused(std::string(42, 'A') + "B"));
  EXPECT_TRUE(digest_refresh_token(std::string(42, 'A') + "E").has_value());
}

TEST(OpaqueToken, ApiKeyFormatIsChecked) {
  const auto good = new_api_key().text;
  auto refused = [](std::string_view text) {
    const auto r = digest_api_key(text);
    return !r.has_value() && r.error() == core::Errc::parse_error;
  };
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused("mk_"));
  EXPECT_TRUE(refused(good.substr(3)));  // no prefix: a refresh token
  EXPECT_TRUE(refused("MK_" + good.substr(3)));
  EXPECT_TRUE(refused("mk-" + good.substr(3)));
  EXPECT_TRUE(refused(good.substr(0, 45)));
  EXPECT_TRUE(refused(good + "x"));
  EXPECT_TRUE(refused("mk_" + std::string(1 << 20, 'A')));
  auto spaced = good;
  spaced[20] = ' ';
  EXPECT_TRUE(refused(spaced));
}

TEST(OpaqueToken, HintOfAShortTextIsWhatThereIs) {
  EXPECT_EQ(api_key_hint("mk_abc"), "mk_abc");
  EXPECT_EQ(api_key_hint(""), "");
}

TEST(OpaqueToken, BearerKindIsThePrefix) {
  EXPECT_TRUE(looks_like_api_key("mk_x"));
  EXPECT_FALSE(looks_like_api_key("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
  EXPECT_FALSE(looks_like_api_key("mk"));
  EXPECT_FALSE(looks_like_api_key(""));
}

TEST(OpaqueToken, HexIsLowerCase) {
  TokenDigest d{};
  d[0] = 0xAB;
  d[31] = 0x01;
  const auto hex = to_hex(d);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_TRUE(hex.starts_with("ab00"));
  EXPECT_TRUE(hex.ends_with("0001"));
}

}  // namespace
}  // namespace meridian::auth
