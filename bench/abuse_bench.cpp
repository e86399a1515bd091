// What the abuse limits cost: the request rate limit runs on every routed request (the gate),
// the login throttle on every sign-in; a locked-out guess must cost a lookup, not a hash.
// Run: build/bench/bench/bench_abuse (the `bench` preset: release, no sanitizers)
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "meridian/api/auth_gate.hpp"
#include "meridian/api/login_throttle.hpp"
#include "meridian/api/rate_limiter.hpp"
#include "meridian/api/router.hpp"

using namespace meridian;

namespace {

// One request of a client among `range(0)` known ones, from as many threads as the benchmark
// runs (the shards' mutexes under contention).
void BM_RateLimiterAcquire(benchmark::State& state) {
  static api::RateLimiter limiter(api::RateLimit{1e6, 1'000'000});
  const auto clients = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t i = static_cast<std::uint64_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    const api::RateKey key{api::RateKey::Kind::user, 0, 1 + i++ % clients};
    benchmark::DoNotOptimize(limiter.acquire(key, api::RateLimiter::Clock::now()));
  }
}
BENCHMARK(BM_RateLimiterAcquire)->Arg(1)->Arg(10'000)->Threads(1)->Threads(2);

// The whole gate for an anonymous request with auth off: address parse, limiter, role check.
void BM_GateAdmitAnonymous(benchmark::State& state) {
  api::Gate gate(api::AuthPolicy{}, nullptr, api::RateLimit{1e6, 1'000'000}, std::nullopt);
  const api::Route route{api::http::verb::get, "/api/trading/status", api::Role::viewer, "bench",
                         [](const api::Request&, api::Reply) {}};
  const api::HttpRequest req{api::http::verb::get, "/api/trading/status", 11};
  for (auto _ : state) benchmark::DoNotOptimize(gate.admit(route, req, "203.0.113.7"));
}
BENCHMARK(BM_GateAdmitAnonymous);

// A guess at a locked-out account: what each of 10,000 failed logins a minute costs once the
// lockout holds (no hash is queued).
void BM_LoginThrottleLockedOut(benchmark::State& state) {
  api::LoginThrottle throttle;
  const api::LoginThrottle::Keys keys{"victim@example.com", "203.0.113.7"};
  const auto now = api::LoginThrottle::Clock::now();  // one instant: the lockout holds throughout
  for (int i = 0; i < 5; ++i) (*throttle.begin(keys, now))->finish(api::LoginThrottle::Outcome::failed, now);
  for (auto _ : state) {
    auto attempt = throttle.begin(keys, now);
    if (attempt) state.SkipWithError("not locked out");
    benchmark::DoNotOptimize(attempt);
  }
}
BENCHMARK(BM_LoginThrottleLockedOut);

// An admitted sign-in's bookkeeping: begin, then finish as a success (the entries go away).
void BM_LoginThrottleAdmitted(benchmark::State& state) {
  api::LoginThrottle throttle;
  const api::LoginThrottle::Keys keys{"user@example.com", "203.0.113.7"};
  for (auto _ : state) (*throttle.begin(keys))->finish(api::LoginThrottle::Outcome::succeeded);
}
BENCHMARK(BM_LoginThrottleAdmitted);

}  // namespace

BENCHMARK_MAIN();
