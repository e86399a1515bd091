#include "meridian/api/login_throttle.hpp"

#include <algorithm>
#include <stdexcept>

namespace meridian::api {

namespace {
using std::chrono::seconds;

// Entries swept (at most) per begin(): quiet keys leave without a scan of the table.
constexpr std::size_t kSweep = 2;
// 2^20 lockouts is beyond any cap worth configuring; the shift never overflows.
constexpr std::uint32_t kMaxDoublings = 20;

// A wait in whole seconds for Retry-After: rounded up, at least 1.
seconds retry_after(LoginThrottle::Clock::duration wait) {
  return std::max(seconds(1), std::chrono::ceil<seconds>(wait));
}

void check(const LockoutPolicy& p) {
  if (p.free_failures == 0 || p.first_lockout <= seconds::zero() || p.max_lockout < p.first_lockout)
    throw std::invalid_argument("a lockout policy needs a free failure, a positive lockout and a cap above it");
}
}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleConfig config) : config_(config), entries_(config.capacity) {
  check(config_.account);
  check(config_.address);
}

LoginThrottle::Attempt::~Attempt() {
  if (!finished_) throttle_->finish(keys_, Outcome::undecided, Clock::now());
}

void LoginThrottle::Attempt::finish(Outcome outcome, Clock::time_point now) {
  if (finished_) return;
  finished_ = true;
  throttle_->finish(keys_, outcome, now);
}

std::string LoginThrottle::key_of(Kind kind, const std::string& text) {
  std::string key;
  key.reserve(text.size() + 1);
  key += static_cast<char>(kind);
  key += text;
  return key;
}

std::optional<seconds> LoginThrottle::wait(Kind kind, const std::string& text, Clock::time_point now) {
  if (text.empty()) return std::nullopt;
  const Entry* e = entries_.find(key_of(kind, text));
  if (!e) return std::nullopt;
  const auto& p = policy(kind);
  if (now < e->locked_until) return retry_after(e->locked_until - now);
  // What is left before the lockout may be tried at once; past it, one attempt at a time.
  const auto room = e->failures < p.free_failures ? p.free_failures - e->failures : 1;
  if (e->in_flight >= room) return seconds(1);
  return std::nullopt;
}

core::Result<std::shared_ptr<LoginThrottle::Attempt>, seconds> LoginThrottle::begin(Keys keys, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  entries_.erase_stale(
      [&](const Entry& e) {
        return e.in_flight == 0 && now >= std::max(e.last_failure, e.locked_until) + config_.forget_after;
      },
      kSweep);
  const auto account = wait(Kind::account, keys.account, now);
  const auto address = wait(Kind::address, keys.address, now);
  if (account || address) return std::max(account.value_or(seconds(0)), address.value_or(seconds(0)));
  if (!keys.account.empty()) ++entries_.touch(key_of(Kind::account, keys.account)).value.in_flight;
  if (!keys.address.empty()) ++entries_.touch(key_of(Kind::address, keys.address)).value.in_flight;
  return std::shared_ptr<Attempt>(new Attempt(*this, std::move(keys)));
}

void LoginThrottle::finish(const Keys& keys, Outcome outcome, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  settle(Kind::account, keys.account, outcome, now);
  settle(Kind::address, keys.address, outcome, now);
}

void LoginThrottle::settle(Kind kind, const std::string& text, Outcome outcome, Clock::time_point now) {
  if (text.empty()) return;
  const auto key = key_of(kind, text);
  if (outcome == Outcome::failed) {
    // Counted even when the entry was evicted meanwhile (it starts again from this failure).
    Entry& e = entries_.touch(key).value;
    if (e.in_flight > 0) --e.in_flight;
    if (e.failures < UINT32_MAX) ++e.failures;
    e.last_failure = now;
    const auto& p = policy(kind);
    if (e.failures >= p.free_failures) {
      const auto doublings = std::min(e.failures - p.free_failures, kMaxDoublings);
      e.locked_until = now + std::min<seconds>(p.first_lockout * (std::int64_t{1} << doublings), p.max_lockout);
    }
    return;
  }
  Entry* e = entries_.find(key);
  if (!e) return;
  if (e->in_flight > 0) --e->in_flight;
  if (outcome == Outcome::succeeded && kind == Kind::account) *e = Entry{0, e->in_flight, {}, {}};
  if (e->failures == 0 && e->in_flight == 0) entries_.erase(key);
}

std::size_t LoginThrottle::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace meridian::api
