#pragma once
// Password guessing and refresh-token guessing, slowed per account (the email presented) and
// per client address (ClientAddress): after `free_failures` failures, each further one locks
// that key out for a time that doubles from `first_lockout` up to `max_lockout`. A locked-out
// attempt is refused before any work is queued (no hash, no database), so a flood of guesses
// costs the daemon a table lookup each and never delays anyone else's sign-in.
//
// Contract:
// - begin() admits an attempt or says how long to wait; an admitted attempt is in flight until
//   its Attempt is finished (or dropped: it counts as undecided). Attempts in flight count
//   against what is left before the lockout (with free_failures - failures in flight at most,
//   and one at a time once past it), so a burst sent at once cannot run more guesses than a
//   sequence could.
// - A failure counts against every key of the attempt; a success forgets the account's
//   failures. An address's failures are not forgiven by a success (a guesser would log in to
//   an account of their own between guesses): they are forgotten `forget_after` past the
//   address's last lockout or failure, as every quiet entry is.
// - Keys are compared exactly: callers normalise them (an email in lower case).
// - Thread-safe (one mutex: sign-ins are rare and each call is a few lookups). At most
//   `capacity` keys are remembered; a full table forgets its least recently used key. Every
//   remembered key took a failed attempt, i.e. a password hash on the bounded worker pool,
//   so evicting a locked key takes an attacker far longer than its longest lockout.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "meridian/core/error.hpp"
#include "meridian/core/lru_map.hpp"

namespace meridian::api {

struct LockoutPolicy {
  std::uint32_t free_failures = 5;
  std::chrono::seconds first_lockout{1};
  std::chrono::seconds max_lockout{15 * 60};
};

struct LoginThrottleConfig {
  LockoutPolicy account{};
  // An address is shared by everyone behind one NAT or proxy: more failures before a lockout.
  LockoutPolicy address{20, std::chrono::seconds(1), std::chrono::seconds(15 * 60)};
  std::chrono::seconds forget_after{60 * 60};
  std::size_t capacity = 1 << 15;
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Outcome { failed, succeeded, undecided };

  // What an attempt is throttled by; an empty member is not a key (a refresh names no account).
  struct Keys {
    std::string account;
    std::string address;
  };

  // One admitted attempt. finish() once with its outcome; destroyed unfinished, it is undecided
  // (its job never ran, or answered neither way). Must not outlive its throttle.
  class Attempt {
   public:
    ~Attempt();
    Attempt(const Attempt&) = delete;
    Attempt& operator=(const Attempt&) = delete;
    void finish(Outcome outcome, Clock::time_point now);
    void finish(Outcome outcome) { finish(outcome, Clock::now()); }

   private:
    friend class LoginThrottle;
    Attempt(LoginThrottle& throttle, Keys keys) : throttle_(&throttle), keys_(std::move(keys)) {}
    LoginThrottle* throttle_;
    Keys keys_;
    bool finished_ = false;
  };

  explicit LoginThrottle(LoginThrottleConfig config = {});

  // The attempt, in flight from now, or the wait before one would be admitted (at least 1 s).
  core::Result<std::shared_ptr<Attempt>, std::chrono::seconds> begin(Keys keys, Clock::time_point now);
  core::Result<std::shared_ptr<Attempt>, std::chrono::seconds> begin(Keys keys) {
    return begin(std::move(keys), Clock::now());
  }

  std::size_t size() const;  // keys remembered (tests)

 private:
  struct Entry {
    std::uint32_t failures = 0;
    std::uint32_t in_flight = 0;
    Clock::time_point last_failure{};
    Clock::time_point locked_until{};  // the epoch: not locked
  };
  enum class Kind : char { account = 'e', address = 'a' };

  static std::string key_of(Kind kind, const std::string& text);
  const LockoutPolicy& policy(Kind kind) const noexcept {
    return kind == Kind::account ? config_.account : config_.address;
  }
  std::optional<std::chrono::seconds> wait(Kind kind, const std::string& text, Clock::time_point now);
  void finish(const Keys& keys, Outcome outcome, Clock::time_point now);
  void settle(Kind kind, const std::string& text, Outcome outcome, Clock::time_point now);

  const LoginThrottleConfig config_;
  mutable std::mutex mutex_;
  core::LruMap<std::string, Entry> entries_;
};

}  // namespace meridian::api
