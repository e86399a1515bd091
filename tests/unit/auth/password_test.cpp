#include "meridian/auth/password.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <string>

namespace meridian::auth {
namespace {

PasswordIssue issue_of(std::string_view password) {
  const auto r = check_password_policy(password);
  EXPECT_FALSE(r.has_value()) << "accepted: " << password;
  return r.has_value() ? PasswordIssue::too_common : r.error();
}

TEST(PasswordPolicy, AcceptsALongUncommonPassphrase) {
  EXPECT_TRUE(check_password_policy("orbit-lantern-quietly-47").has_value());
  EXPECT_TRUE(check_password_policy("0123456789x!q").has_value());
}

TEST(PasswordPolicy, LengthIsCountedInBytesFrom10To1024) {
  EXPECT_EQ(issue_of(""), PasswordIssue::too_short);
  EXPECT_EQ(issue_of("vK3#pz9Lq"), PasswordIssue::too_short);    // 9
  EXPECT_TRUE(check_password_policy("vK3#pz9Lqw").has_value());  // 10
  std::string longest(kMaxPasswordBytes, 'x');
  longest[0] = 'Q';
  longest[1] = '7';
  EXPECT_TRUE(check_password_policy(longest).has_value());
  EXPECT_EQ(issue_of(longest + "y"), PasswordIssue::too_long);
  EXPECT_EQ(issue_of(std::string(1 << 20, 'z')), PasswordIssue::too_long);
  // Multi-byte characters count by their bytes: 5 two-byte letters are 10 bytes.
  EXPECT_TRUE(check_password_policy("\xC3\xBC\xC3\xA9\xC3\xB1\xC3\xB8\xC3\x9F").has_value());
}

TEST(PasswordPolicy, RefusesANulByte) {
  EXPECT_EQ(issue_of(std::string("orbit-lantern\0-quietly", 22)), PasswordIssue::contains_nul);
  EXPECT_EQ(issue_of(std::string(12, '\0')), PasswordIssue::contains_nul);
}

TEST(PasswordPolicy, RefusesInvalidUtf8) {
  const std::string base = "orbit-lantern-";
  EXPECT_EQ(issue_of(base + "\xC0\x80"), PasswordIssue::not_utf8);          // overlong NUL
  EXPECT_EQ(issue_of(base + "\xE0\x80\xAF"), PasswordIssue::not_utf8);      // overlong '/'
  EXPECT_EQ(issue_of(base + "\x80"), PasswordIssue::not_utf8);              // a lone continuation
  EXPECT_EQ(issue_of(base + "\xED\xA0\x80"), PasswordIssue::not_utf8);      // a surrogate
  EXPECT_EQ(issue_of(base + "\xF4\x90\x80\x80"), PasswordIssue::not_utf8);  // above U+10FFFF
  EXPECT_EQ(issue_of(base + "\xE2\x82"), PasswordIssue::not_utf8);          // cut short
  EXPECT_EQ(issue_of(base + "\xFF"), PasswordIssue::not_utf8);
  EXPECT_TRUE(check_password_policy(base + "\xE2\x82\xAC\xF0\x9F\x94\x91").has_value());  // euro sign, key emoji
}

TEST(PasswordPolicy, RefusesCommonPasswordsWithoutCase) {
  EXPECT_EQ(issue_of("password123"), PasswordIssue::too_common);
  EXPECT_EQ(issue_of("PassWord123"), PasswordIssue::too_common);
  EXPECT_EQ(issue_of("qwertyuiop"), PasswordIssue::too_common);
  EXPECT_EQ(issue_of("1234567890"), PasswordIssue::too_common);
  EXPECT_EQ(issue_of("1q2w3e4r5t"), PasswordIssue::too_common);
  EXPECT_EQ(issue_of("iloveyou123"), PasswordIssue::too_common);
  EXPECT_EQ(issue_of("Football2024"), PasswordIssue::too_common);
  EXPECT_EQ(issue_of("P@ssw0rd123"), PasswordIssue::too_common);
  EXPECT_EQ(issue_of("password1990"), PasswordIssue::too_common);
  // A common password inside a longer one is not the common password.
  EXPECT_TRUE(check_password_policy("password123 and a river").has_value());
}

TEST(PasswordPolicy, EveryIssueHasANameAndASentence) {
  for (auto issue : {PasswordIssue::too_short, PasswordIssue::too_long, PasswordIssue::contains_nul,
                     PasswordIssue::not_utf8, PasswordIssue::too_common}) {
    EXPECT_FALSE(to_string(issue).empty());
    EXPECT_FALSE(describe(issue).empty());
  }
  EXPECT_EQ(to_string(PasswordIssue::too_short), "too_short");
  EXPECT_EQ(to_string(PasswordIssue::too_common), "too_common");
  EXPECT_EQ(describe(PasswordIssue::too_short), "a password needs at least 10 characters");
}

TEST(PasswordHash, IsArgon2idAndVerifies) {
  const auto hash = hash_password("orbit-lantern-quietly-47", PasswordCost::minimum());
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << hash;
  EXPECT_TRUE(verify_password(hash, "orbit-lantern-quietly-47"));
  EXPECT_FALSE(verify_password(hash, "orbit-lantern-quietly-48"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(PasswordHash, EachHashHasItsOwnSalt) {
  const auto a = hash_password("orbit-lantern-quietly-47", PasswordCost::minimum());
  const auto b = hash_password("orbit-lantern-quietly-47", PasswordCost::minimum());
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(b, "orbit-lantern-quietly-47"));
}

TEST(PasswordHash, PasswordsWithNulAndNonAsciiBytesHashWhole) {
  const std::string with_nul("abc\0def", 7);
  const auto hash = hash_password(with_nul, PasswordCost::minimum());
  EXPECT_TRUE(verify_password(hash, with_nul));
  EXPECT_FALSE(verify_password(hash, "abc"));
}

TEST(PasswordHash, StandardCostIsInTheHash) {
  const auto cost = PasswordCost::standard();
  EXPECT_EQ(cost.opslimit, 2u);
  EXPECT_EQ(cost.memlimit, std::size_t{64} << 20);
  const auto hash = hash_password("orbit-lantern-quietly-47", cost);
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << hash;
  EXPECT_TRUE(verify_password(hash, "orbit-lantern-quietly-47"));
  EXPECT_FALSE(needs_rehash(hash, cost));
}

TEST(PasswordHash, MalformedHashesNeverVerify) {
  const auto good = hash_password("orbit-lantern-quietly-47", PasswordCost::minimum());
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("not a hash", "not a hash"));
  EXPECT_FALSE(verify_password(good.substr(0, good.size() - 4), "orbit-lantern-quietly-47"));
  EXPECT_FALSE(verify_password(good + std::string(200, 'A'), "orbit-lantern-quietly-47"));
  EXPECT_FALSE(
      verify_password(good.substr(0, 10) + std::string(1, '\0') + good.substr(11), "orbit-lantern-quietly-47"));
  EXPECT_FALSE(verify_password(std::string(1 << 16, '$'), "x"));
}

TEST(PasswordHash, NeedsRehashWhenTheCostOrAlgorithmDiffers) {
  const auto cheap = hash_password("orbit-lantern-quietly-47", PasswordCost::minimum());
  EXPECT_FALSE(needs_rehash(cheap, PasswordCost::minimum()));
  EXPECT_TRUE(needs_rehash(cheap, PasswordCost::standard()));
  EXPECT_TRUE(needs_rehash("", PasswordCost::minimum()));
  EXPECT_TRUE(needs_rehash("garbage", PasswordCost::minimum()));

  // An argon2i hash (an older default) still verifies, and is replaced at the next login.
  ASSERT_GE(sodium_init(), 0);
  std::array<char, crypto_pwhash_STRBYTES> argon2i{};
  ASSERT_EQ(crypto_pwhash_str_alg(argon2i.data(), "orbit-lantern", 13, 3, crypto_pwhash_MEMLIMIT_MIN,
                                  crypto_pwhash_ALG_ARGON2I13),
            0);
  EXPECT_TRUE(verify_password(argon2i.data(), "orbit-lantern"));
  EXPECT_TRUE(needs_rehash(argon2i.data(), {3, crypto_pwhash_MEMLIMIT_MIN}));
}

TEST(PasswordHash, DecoyIsMadeOncePerCostAndMatchesNothingGuessable) {
  const auto& decoy = decoy_hash(PasswordCost::minimum());
  EXPECT_EQ(&decoy, &decoy_hash(PasswordCost::minimum()));
  EXPECT_TRUE(decoy.starts_with("$argon2id$v=19$m=8,t=1,p=1$"));
  EXPECT_FALSE(verify_password(decoy, ""));
  EXPECT_FALSE(verify_password(decoy, "password123"));
  const auto& other = decoy_hash({2, crypto_pwhash_MEMLIMIT_MIN});
  EXPECT_NE(&other, &decoy);
  EXPECT_TRUE(other.starts_with("$argon2id$v=19$m=8,t=2,p=1$"));
  EXPECT_EQ(&decoy, &decoy_hash(PasswordCost::minimum()));
}

}  // namespace
}  // namespace meridian::auth
