// What an access token costs a request (issue 13: auth must cost at most 5 % of requests/s):
// api::Identity::authenticate_bearer for a token seen for the first time (libjwt's decode and
// HMAC, then stored) and for one answered from auth::TokenCache, the whole header path of a
// request with a cached token, and the cache's hit alone from one and two threads (its shards'
// mutexes under contention).
// Run: build/bench/bench/bench_token_cache (the `bench` preset: release, no sanitizers)
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "meridian/api/identity.hpp"
#include "meridian/auth/token_cache.hpp"

using namespace meridian;

namespace {

auth::TokenSigner make_signer() {
  return auth::TokenSigner::create("bench-secret-0123456789abcdefghij", "meridian").value();
}

// An Identity with no store behind it (never connected: authenticate() does not use it).
struct Rig {
  explicit Rig(std::size_t cache_capacity) : identity(store, make_signer(), config(cache_capacity)) {}
  static api::IdentityConfig config(std::size_t cache_capacity) {
    api::IdentityConfig c;
    c.workers = 1;
    c.token_cache_capacity = cache_capacity;
    return c;
  }
  storage::IdentityStore store{"postgresql://nobody@127.0.0.1:1/none"};
  api::Identity identity;
};

// Cold: two tokens taking turns in a cache of one entry, so every call verifies with libjwt
// and stores the result (a token's first request, or one evicted from a full cache).
void BM_AuthenticateBearerCold(benchmark::State& state) {
  Rig rig(1);
  const auto now = core::now();
  const auto signer = make_signer();
  const std::string tokens[] = {signer.issue(42, auth::Role::trader, now), signer.issue(43, auth::Role::trader, now)};
  std::size_t i = 0;
  for (auto _ : state) {
    auto c = rig.identity.authenticate_bearer(tokens[i++ & 1], now);
    if (!c) state.SkipWithError("refused");
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_AuthenticateBearerCold);

// Cached: the same token on every request (a client's next requests within its token's life).
void BM_AuthenticateBearerCached(benchmark::State& state) {
  Rig rig(auth::TokenCache::kDefaultCapacity);
  const auto now = core::now();
  const auto token = make_signer().issue(42, auth::Role::trader, now);
  for (auto _ : state) {
    auto c = rig.identity.authenticate_bearer(token, now);
    if (!c) state.SkipWithError("refused");
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_AuthenticateBearerCached);

// What HttpSession's gate runs for a request carrying a cached token: the Authorization
// header's parse, then the above.
void BM_AuthenticateRequestCached(benchmark::State& state) {
  Rig rig(auth::TokenCache::kDefaultCapacity);
  api::HttpRequest req{api::http::verb::get, "/api/trading/status", 11};
  req.set(api::http::field::host, "127.0.0.1:8080");
  req.set(api::http::field::authorization, "Bearer " + make_signer().issue(42, auth::Role::trader, core::now()));
  for (auto _ : state) {
    auto c = rig.identity.authenticate(req);
    if (!c) state.SkipWithError("refused");
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_AuthenticateRequestCached);

// The cache's hit alone (digest, shard lock, lookup), from each thread a token of its own among
// 64 live ones.
void BM_TokenCacheHit(benchmark::State& state) {
  static const auto signer = make_signer();
  static auth::TokenCache cache(signer);
  static const auto now = core::now();
  static const auto tokens = [] {
    std::vector<std::string> t;
    for (int user = 1; user <= 64; ++user) t.push_back(signer.issue(user, auth::Role::viewer, now));
    return t;
  }();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 31;
  for (auto _ : state) benchmark::DoNotOptimize(cache.verify(tokens[i++ % tokens.size()], now));
}
BENCHMARK(BM_TokenCacheHit)->Threads(1)->Threads(2);

}  // namespace

BENCHMARK_MAIN();
