// api::RateLimiter with an injected clock: a token bucket per client (GCRA), the wait it
// reports, independent clients, a bounded table.
#include "meridian/api/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

using meridian::api::ClientAddress;
using meridian::api::RateKey;
using meridian::api::RateLimit;
using meridian::api::RateLimiter;
using namespace std::chrono_literals;

namespace {

RateKey user(std::int64_t id) {
  meridian::auth::Principal p;
  p.user_id = id;
  p.role = meridian::auth::Role::viewer;
  return RateKey::of(p, ClientAddress::parse("192.0.2.1"));
}
RateKey address(const std::string& text) {
  return RateKey::of({}, ClientAddress::parse(text));
}

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiter::Clock::time_point now{std::chrono::hours(1000)};
  // Requests admitted out of `n` sent at `now`.
  int admitted(RateLimiter& limiter, const RateKey& key, int n) {
    int ok = 0;
    for (int i = 0; i < n; ++i) ok += limiter.acquire(key, now) ? 0 : 1;
    return ok;
  }
};

TEST_F(RateLimiterTest, ARestedClientMaySendItsBurstThenOneRequestPerInterval) {
  RateLimiter limiter(RateLimit{50, 100});
  EXPECT_EQ(admitted(limiter, user(1), 150), 100);
  // Refused: the wait is one interval (20 ms at 50/s), and a refused request spends nothing.
  auto wait = limiter.acquire(user(1), now);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 20ms);
  now += 20ms;
  EXPECT_EQ(admitted(limiter, user(1), 5), 1);
  now += 1s;  // 50 more tokens
  EXPECT_EQ(admitted(limiter, user(1), 60), 50);
}

TEST_F(RateLimiterTest, AQuietClientRefillsUpToTheBurstOnly) {
  RateLimiter limiter(RateLimit{10, 3});
  EXPECT_EQ(admitted(limiter, user(1), 3), 3);
  now += 1h;
  EXPECT_EQ(admitted(limiter, user(1), 10), 3);
}

TEST_F(RateLimiterTest, TheWaitIsUntilTheNextToken) {
  RateLimiter limiter(RateLimit{2, 1});  // one every 500 ms
  EXPECT_EQ(admitted(limiter, user(1), 1), 1);
  now += 100ms;
  auto wait = limiter.acquire(user(1), now);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 400ms);
  now += *wait;
  EXPECT_FALSE(limiter.acquire(user(1), now));
}

TEST_F(RateLimiterTest, ClientsHaveBudgetsOfTheirOwn) {
  RateLimiter limiter(RateLimit{1, 2});
  EXPECT_EQ(admitted(limiter, user(1), 5), 2);
  EXPECT_EQ(admitted(limiter, user(2), 5), 2);
  EXPECT_EQ(admitted(limiter, address("192.0.2.1"), 5), 2);  // an address is not user 1
  EXPECT_EQ(admitted(limiter, address("192.0.2.2"), 5), 2);
  meridian::auth::Principal keyed;
  keyed.user_id = 1;
  keyed.api_key_id = 1;  // user 1's API key: a budget apart from their access tokens'
  EXPECT_EQ(admitted(limiter, RateKey::of(keyed, ClientAddress::parse("192.0.2.1")), 5), 2);
}

TEST_F(RateLimiterTest, OneIpv6NetworkIsOneClient) {
  RateLimiter limiter(RateLimit{1, 2});
  EXPECT_EQ(admitted(limiter, address("2001:db8:1:2::1"), 1), 1);
  EXPECT_EQ(admitted(limiter, address("2001:db8:1:2:ffff::9"), 5), 1);  // the same /64
  EXPECT_EQ(admitted(limiter, address("2001:db8:1:3::1"), 5), 2);       // another
}

TEST_F(RateLimiterTest, AForgottenClientComesBackWithAFullBucket) {
  // A tiny table (one client per shard): a flood of new clients pushes client 1 out, and it
  // comes back as a rested client, never with a corrupted budget.
  RateLimiter limiter(RateLimit{1, 3}, 16);
  EXPECT_EQ(admitted(limiter, user(1), 3), 3);
  EXPECT_EQ(admitted(limiter, user(1), 1), 0);
  for (int i = 2; i < 2000; ++i) admitted(limiter, user(i), 1);
  EXPECT_EQ(admitted(limiter, user(1), 5), 3);
}

TEST_F(RateLimiterTest, ADisabledLimitIsRefused) {
  EXPECT_THROW(RateLimiter(RateLimit{0, 100}), std::invalid_argument);
  EXPECT_THROW(RateLimiter(RateLimit{10, 0}), std::invalid_argument);
}

}  // namespace
