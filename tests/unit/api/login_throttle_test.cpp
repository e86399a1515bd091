// api::LoginThrottle with an injected clock: lockouts per account and per address that double
// up to a cap, forgiveness on success (accounts only), in-flight attempts counted, a bounded table.
#include "meridian/api/login_throttle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using meridian::api::LockoutPolicy;
using meridian::api::LoginThrottle;
using meridian::api::LoginThrottleConfig;
using std::chrono::seconds;
using Outcome = LoginThrottle::Outcome;

namespace {

const LoginThrottle::Keys kAlice{"alice@example.com", "203.0.113.7"};

class LoginThrottleTest : public ::testing::Test {
 protected:
  LoginThrottle::Clock::time_point now{std::chrono::hours(1000)};

  // One attempt with `keys`, finished at once with `outcome`; true when it was admitted.
  bool attempt(LoginThrottle& t, const LoginThrottle::Keys& keys, Outcome outcome) {
    auto a = t.begin(keys, now);
    if (!a) return false;
    (*a)->finish(outcome, now);
    return true;
  }
  std::optional<seconds> refused_for(LoginThrottle& t, const LoginThrottle::Keys& keys) {
    auto a = t.begin(keys, now);
    if (a) return std::nullopt;
    return a.error();
  }
};

TEST_F(LoginThrottleTest, FiveFailuresLockTheAccountForOneSecondThenTheLockoutDoubles) {
  LoginThrottle t;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(attempt(t, kAlice, Outcome::failed)) << i;
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));  // the 5th failure
  EXPECT_EQ(refused_for(t, kAlice), seconds(1));
  now += std::chrono::milliseconds(999);
  EXPECT_EQ(refused_for(t, kAlice), seconds(1));  // rounded up, never 0
  now += std::chrono::milliseconds(1);
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));  // the 6th: 2 s
  EXPECT_EQ(refused_for(t, kAlice), seconds(2));
  now += seconds(2);
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));  // the 7th: 4 s
  EXPECT_EQ(refused_for(t, kAlice), seconds(4));
}

TEST_F(LoginThrottleTest, TheLockoutIsCappedAtFifteenMinutes) {
  LoginThrottle t;
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(attempt(t, kAlice, Outcome::failed)) << i;
    if (auto wait = refused_for(t, kAlice)) {
      EXPECT_LE(*wait, seconds(15 * 60)) << i;
      now += *wait;
    }
  }
  EXPECT_EQ(refused_for(t, kAlice), std::nullopt);  // the last wait has passed
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  EXPECT_EQ(refused_for(t, kAlice), seconds(15 * 60));
}

TEST_F(LoginThrottleTest, ASuccessForgivesTheAccount) {
  LoginThrottle t;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  ASSERT_TRUE(attempt(t, kAlice, Outcome::succeeded));
  // Four more failures without a lockout: the count started again.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(attempt(t, kAlice, Outcome::failed)) << i;
  EXPECT_EQ(refused_for(t, kAlice), std::nullopt);
}

TEST_F(LoginThrottleTest, AnotherAccountIsNotLockedByOnesFailures) {
  LoginThrottle t;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  ASSERT_TRUE(refused_for(t, kAlice));
  // Same address, another account: the address has 5 of its 20 failures, so it may go.
  EXPECT_TRUE(attempt(t, {"bob@example.com", kAlice.address}, Outcome::succeeded));
}

TEST_F(LoginThrottleTest, AnAddressGuessingManyAccountsIsLockedAndASuccessDoesNotForgiveIt) {
  LoginThrottle t;
  const std::string address = "198.51.100.9";
  for (int i = 0; i < 19; ++i)
    ASSERT_TRUE(attempt(t, {"user" + std::to_string(i) + "@example.com", address}, Outcome::failed)) << i;
  // A login of the guesser's own account in between changes nothing for the address.
  ASSERT_TRUE(attempt(t, {"mine@example.com", address}, Outcome::succeeded));
  ASSERT_TRUE(attempt(t, {"user19@example.com", address}, Outcome::failed));  // the 20th
  EXPECT_EQ(refused_for(t, {"fresh@example.com", address}), seconds(1));
  EXPECT_EQ(refused_for(t, {{}, address}), seconds(1));  // a refresh from there too
  // Another address is not concerned.
  EXPECT_TRUE(attempt(t, {"fresh@example.com", "198.51.100.10"}, Outcome::succeeded));
}

TEST_F(LoginThrottleTest, AttemptsInFlightCountAgainstWhatIsLeft) {
  LoginThrottle t;
  // Five at once may run (what is left before the lockout), the sixth waits.
  std::vector<std::shared_ptr<LoginThrottle::Attempt>> running;
  for (int i = 0; i < 5; ++i) {
    auto a = t.begin(kAlice, now);
    ASSERT_TRUE(a) << i;
    running.push_back(*a);
  }
  EXPECT_EQ(refused_for(t, kAlice), seconds(1));
  for (auto& a : running) a->finish(Outcome::failed, now);
  running.clear();
  now += seconds(1);
  // Past the threshold: one at a time.
  auto one = t.begin(kAlice, now);
  ASSERT_TRUE(one);
  EXPECT_EQ(refused_for(t, kAlice), seconds(1));
  (*one)->finish(Outcome::succeeded, now);
  EXPECT_TRUE(attempt(t, kAlice, Outcome::succeeded));
}

TEST_F(LoginThrottleTest, ADroppedAttemptIsUndecidedAndFreesItsPlace) {
  LoginThrottle t;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  {
    auto a = t.begin(kAlice, now);  // the last place before the lockout
    ASSERT_TRUE(a);
    EXPECT_TRUE(refused_for(t, kAlice));
  }  // dropped unfinished: its job never ran
  EXPECT_EQ(refused_for(t, kAlice), std::nullopt);
  ASSERT_TRUE(attempt(t, kAlice, Outcome::undecided));  // the daemon's own failure: no count
  EXPECT_EQ(refused_for(t, kAlice), std::nullopt);
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  EXPECT_EQ(refused_for(t, kAlice), seconds(1));
}

TEST_F(LoginThrottleTest, FailuresAreForgottenAfterAQuietHour) {
  LoginThrottle t;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  now += std::chrono::minutes(59);
  ASSERT_TRUE(attempt(t, kAlice, Outcome::undecided));  // neither counts nor forgets
  EXPECT_EQ(t.size(), 2u);                              // the account and the address
  now += std::chrono::minutes(2);
  // A begin() sweeps the quiet entries from the old end of the table.
  ASSERT_TRUE(attempt(t, {"carol@example.com", "192.0.2.1"}, Outcome::succeeded));
  EXPECT_EQ(t.size(), 0u);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(attempt(t, kAlice, Outcome::failed)) << i;
  EXPECT_EQ(refused_for(t, kAlice), std::nullopt);
}

TEST_F(LoginThrottleTest, TheTableIsBounded) {
  LoginThrottleConfig config;
  config.capacity = 64;
  LoginThrottle t(config);
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(
        attempt(t, {"u" + std::to_string(i) + "@example.com", "10.0.0." + std::to_string(i % 250)}, Outcome::failed));
  EXPECT_LE(t.size(), 64u);
}

TEST_F(LoginThrottleTest, SuccessesLeaveNothingBehind) {
  LoginThrottle t;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(attempt(t, kAlice, Outcome::succeeded));
  EXPECT_EQ(t.size(), 0u);
}

TEST_F(LoginThrottleTest, AConfiguredPolicyIsUsed) {
  LoginThrottleConfig config;
  config.account = LockoutPolicy{2, seconds(10), seconds(30)};
  LoginThrottle t(config);
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  EXPECT_EQ(refused_for(t, kAlice), seconds(10));
  now += seconds(10);
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  EXPECT_EQ(refused_for(t, kAlice), seconds(20));
  now += seconds(20);
  ASSERT_TRUE(attempt(t, kAlice, Outcome::failed));
  EXPECT_EQ(refused_for(t, kAlice), seconds(30));  // capped

  LoginThrottleConfig broken;
  broken.account.free_failures = 0;
  EXPECT_THROW(LoginThrottle{broken}, std::invalid_argument);
}

}  // namespace
