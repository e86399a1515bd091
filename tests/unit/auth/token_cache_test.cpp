// auth::TokenCache: answers as TokenSigner::verify would, from the claims it stored once the
// signer verified a token. To tell a hit from a fresh verify, some tests give the signer under
// the cache another key afterwards (TokenSigner is assignable): a stored token is still answered
// from its claims, while anything verified afresh is refused (bad_signature).
#include "meridian/auth/token_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "token_test_support.hpp"

namespace meridian::auth {

namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using test::kNow;
using test::signer;

const std::string kOtherSecret = "Zp3-uW9qLc0vXn6Rt2Yb8Mk4Hd1Gs7Jf";

// The token with its signature's last character changed (still base64url).
std::string tampered(std::string token) {
  token.back() = token.back() == 'A' ? 'B' : 'A';
  return token;
}

TEST(TokenCache, AVerifiedTokenIsAnsweredFromTheCacheUntilItExpires) {
  auto s = signer();
  TokenCache cache(s);
  const auto token = s.issue(42, Role::trader, kNow);
  const auto exp = kNow + minutes(15);

  auto first = cache.verify(token, kNow);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->user_id, 42);
  EXPECT_EQ(first->role, Role::trader);
  EXPECT_EQ(first->expires_at, exp);
  EXPECT_EQ(cache.size(), 1u);

  s = signer(kOtherSecret);  // from here on, only the cache accepts the token
  ASSERT_EQ(s.verify(token, kNow).error(), TokenError::bad_signature);
  auto later = cache.verify(token, exp - std::chrono::nanoseconds(1));
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->user_id, 42);
  EXPECT_EQ(later->role, Role::trader);

  // At exp and after: expired, and the entry is gone (verified afresh now: bad_signature).
  EXPECT_EQ(cache.verify(token, exp).error(), TokenError::expired);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.verify(token, kNow).error(), TokenError::bad_signature);
}

TEST(TokenCache, AStoredTokenStillObeysItsIssueTimeWhenTheClockGoesBack) {
  const auto s = signer();
  TokenCache cache(s);
  const auto token = s.issue(42, Role::trader, kNow);
  ASSERT_TRUE(cache.verify(token, kNow).has_value());
  // Issued over the allowed skew after this (earlier) time, as TokenSigner::verify has it.
  EXPECT_EQ(s.verify(token, kNow - minutes(5)).error(), TokenError::not_yet_valid);
  EXPECT_EQ(cache.verify(token, kNow - minutes(5)).error(), TokenError::not_yet_valid);
  EXPECT_TRUE(cache.verify(token, kNow).has_value());
}

TEST(TokenCache, ATamperedTokenIsRefusedAndNeverStored) {
  const auto s = signer();
  TokenCache cache(s);
  const auto token = s.issue(42, Role::admin, kNow);
  ASSERT_TRUE(cache.verify(token, kNow).has_value());
  ASSERT_EQ(cache.size(), 1u);

  const auto bad = tampered(token);
  EXPECT_EQ(cache.verify(bad, kNow).error(), TokenError::bad_signature);
  EXPECT_EQ(cache.verify(bad, kNow).error(), TokenError::bad_signature);
  // A prefix or an extension of the cached token is another token.
  EXPECT_FALSE(cache.verify(token.substr(0, token.size() - 1), kNow).has_value());
  EXPECT_FALSE(cache.verify(token + "A", kNow).has_value());
  EXPECT_FALSE(cache.verify(token + '\0', kNow).has_value());
  EXPECT_EQ(cache.size(), 1u);  // only the genuine token
  EXPECT_TRUE(cache.verify(token, kNow).has_value());
}

TEST(TokenCache, ATokenRefusedForItsTimeIsNotStored) {
  auto s = signer();
  TokenCache cache(s);
  const auto token = s.issue(7, Role::viewer, kNow);
  EXPECT_EQ(cache.verify(token, kNow + minutes(20)).error(), TokenError::expired);
  EXPECT_EQ(cache.verify(token, kNow - minutes(5)).error(), TokenError::not_yet_valid);
  EXPECT_EQ(cache.size(), 0u);
  s = signer(kOtherSecret);
  EXPECT_EQ(cache.verify(token, kNow).error(), TokenError::bad_signature);
}

TEST(TokenCache, CapacityIsBoundedAndTheLeastRecentlyUsedTokenGoesFirst) {
  auto s = signer();
  TokenCache cache(s, 4, 1);  // one shard: exact LRU order
  ASSERT_EQ(cache.capacity(), 4u);
  std::vector<std::string> tokens;
  for (int user = 1; user <= 5; ++user) tokens.push_back(s.issue(user, Role::viewer, kNow));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(cache.verify(tokens[i], kNow).has_value());
  EXPECT_EQ(cache.size(), 4u);
  ASSERT_TRUE(cache.verify(tokens[0], kNow).has_value());  // user 1's is now the most recent
  ASSERT_TRUE(cache.verify(tokens[4], kNow).has_value());  // evicts user 2's, the least recent
  EXPECT_EQ(cache.size(), 4u);

  s = signer(kOtherSecret);
  EXPECT_EQ(cache.verify(tokens[1], kNow).error(), TokenError::bad_signature) << "evicted: verified afresh";
  for (int i : {0, 2, 3, 4}) {
    auto c = cache.verify(tokens[static_cast<std::size_t>(i)], kNow);
    ASSERT_TRUE(c.has_value()) << "user " << i + 1 << " should still be cached";
    EXPECT_EQ(c->user_id, i + 1);
  }
  EXPECT_EQ(cache.size(), 4u);
}

TEST(TokenCache, ManyShardsStayWithinTheCapacity) {
  const auto s = signer();
  TokenCache cache(s, 64, 16);
  EXPECT_EQ(cache.capacity(), 64u);
  for (int user = 1; user <= 500; ++user) ASSERT_TRUE(cache.verify(s.issue(user, Role::viewer, kNow), kNow));
  EXPECT_LE(cache.size(), 64u);
  EXPECT_GT(cache.size(), 0u);
}

TEST(TokenCache, CapacityAndShardsAreNormalised) {
  const auto s = signer();
  EXPECT_THROW(TokenCache(s, 0), std::invalid_argument);
  EXPECT_EQ(TokenCache(s, 10, 16).capacity(), 8u);    // 8 shards of 1
  EXPECT_EQ(TokenCache(s, 100, 3).capacity(), 100u);  // 2 shards of 50
  EXPECT_EQ(TokenCache(s, 5, 0).capacity(), 5u);      // at least one shard
}

TEST(TokenCache, ThreadsShareItSafely) {
  // Several threads verifying the same and different tokens at once (ASan/TSan builds check the
  // locking); every answer is the right user's.
  const auto s = signer();
  TokenCache cache(s, 32, 4);
  std::vector<std::string> tokens;
  for (int user = 1; user <= 48; ++user) tokens.push_back(s.issue(user, Role::viewer, kNow));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        const auto k = static_cast<std::size_t>((i * 7 + t * 13) % 48);
        auto c = cache.verify(tokens[k], kNow);
        if (!c || c->user_id != static_cast<std::int64_t>(k + 1)) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache.size(), 32u);
}

}  // namespace
}  // namespace meridian::auth
