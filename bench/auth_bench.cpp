// Identity primitives: the cost of a login (argon2id at PasswordCost::standard(), which should
// take 50-100 ms here) and of what an authenticated request pays (JWT verify, once per token, or an
// API key's format check and digest), and JWT issue.
// Run: build/bench/bench/bench_auth (the `bench` preset: release, no sanitizers)
#include <benchmark/benchmark.h>

#include <string>

#include "meridian/auth/access_token.hpp"
#include "meridian/auth/opaque_token.hpp"
#include "meridian/auth/password.hpp"

using namespace meridian;

namespace {

const std::string kPassword = "orbit-lantern-quietly-47";

const auth::TokenSigner& signer() {
  static const auth::TokenSigner s = auth::TokenSigner::create("bench-secret-0123456789abcdefghij", "meridian").value();
  return s;
}

void BM_HashStandard(benchmark::State& state) {
  const auto cost = auth::PasswordCost::standard();
  for (auto _ : state) benchmark::DoNotOptimize(auth::hash_password(kPassword, cost));
  state.SetLabel("argon2id t=" + std::to_string(cost.opslimit) + " m=" + std::to_string(cost.memlimit >> 20) + "MiB");
}
BENCHMARK(BM_HashStandard)->Unit(benchmark::kMillisecond)->Iterations(20);

// A login: verify against a stored hash at the standard cost (what a wrong password costs too).
void BM_VerifyStandard(benchmark::State& state) {
  const auto hash = auth::hash_password(kPassword, auth::PasswordCost::standard());
  for (auto _ : state) benchmark::DoNotOptimize(auth::verify_password(hash, kPassword));
}
BENCHMARK(BM_VerifyStandard)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_PasswordPolicy(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(auth::check_password_policy(kPassword));
}
BENCHMARK(BM_PasswordPolicy);

void BM_JwtIssue(benchmark::State& state) {
  const auto now = core::now();
  for (auto _ : state) benchmark::DoNotOptimize(signer().issue(42, auth::Role::trader, now));
}
BENCHMARK(BM_JwtIssue)->Unit(benchmark::kMicrosecond);

// What a token's first request pays (later ones are answered by auth::TokenCache: bench_token_cache).
void BM_JwtVerify(benchmark::State& state) {
  const auto now = core::now();
  const auto token = signer().issue(42, auth::Role::trader, now);
  for (auto _ : state) benchmark::DoNotOptimize(signer().verify(token, now));
}
BENCHMARK(BM_JwtVerify)->Unit(benchmark::kMicrosecond);

// A bad signature goes as far as a good one.
void BM_JwtVerifyBadSignature(benchmark::State& state) {
  const auto now = core::now();
  auto token = signer().issue(42, auth::Role::trader, now);
  token.back() = token.back() == 'A' ? 'B' : 'A';
  for (auto _ : state) benchmark::DoNotOptimize(signer().verify(token, now));
}
BENCHMARK(BM_JwtVerifyBadSignature)->Unit(benchmark::kMicrosecond);

// What every request with an API key pays before its in-memory lookup.
void BM_DigestApiKey(benchmark::State& state) {
  const auto key = auth::new_api_key();
  for (auto _ : state) benchmark::DoNotOptimize(auth::digest_api_key(key.text));
}
BENCHMARK(BM_DigestApiKey)->Unit(benchmark::kMicrosecond);

void BM_NewRefreshToken(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(auth::new_refresh_token());
}
BENCHMARK(BM_NewRefreshToken)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
