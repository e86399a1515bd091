// The hot path: ticks into the engine (bar aggregation, strategy on bar close, risk,
// paper fill, journal record). Run: build/release-bench/bench/bench_engine
#include <benchmark/benchmark.h>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/market/simulated_prices.hpp"

using namespace meridian;

namespace {

struct Rig {
  core::InstrumentTable instruments{core::default_instruments()};
  execution::PaperExecutor executor{execution::PaperConfig{}, instruments};
  engine::JournalQueue journal{1 << 20};
  std::unique_ptr<engine::Portfolio> engine;
  std::vector<std::vector<core::Tick>> batches;

  explicit Rig(std::size_t steps) {
    engine::PortfolioConfig config;
    config.strategy =
        engine::StrategyConfig::sma_crossover(3, 8);  // frequent crossovers: the fill path is exercised too
    engine = std::make_unique<engine::Portfolio>(instruments, config, executor, journal, engine::RecoveredState{});
    market::SimulatedPrices prices(instruments, market::SimConfig{}, core::now());
    batches.resize(steps);
    for (auto& b : batches) prices.step(b);
  }
  // Moves every batch past the last one, so the next pass is new market time: replaying the
  // same timestamps would make every tick late and measure only the late-tick path.
  void next_pass() {
    const auto span = batches.back().front().ts - batches.front().front().ts + std::chrono::seconds(1);
    for (auto& b : batches)
      for (auto& t : b) t.ts += span;
  }
  // The journal consumer's job, done between iterations so the ring never fills.
  void drain() {
    std::uint64_t last = 0;
    while (auto e = journal.try_pop()) last = e->seq;
    if (last) engine->on_durable(last);
  }
};

void BM_TicksThroughEngine(benchmark::State& state) {
  Rig rig(4096);
  std::size_t i = 0;
  std::int64_t ticks = 0;
  for (auto _ : state) {
    const auto& batch = rig.batches[i++ % rig.batches.size()];
    rig.engine->on_ticks(batch);
    ticks += static_cast<std::int64_t>(batch.size());
    if (i % 1024 == 0) {
      state.PauseTiming();
      rig.drain();
      if (i % rig.batches.size() == 0) rig.next_pass();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(ticks);
}
BENCHMARK(BM_TicksThroughEngine);

void BM_SnapshotPublish(benchmark::State& state) {
  Rig rig(256);
  for (const auto& b : rig.batches) rig.engine->on_ticks(b);
  for (auto _ : state) benchmark::DoNotOptimize(rig.engine->make_snapshot());
}
BENCHMARK(BM_SnapshotPublish);

}  // namespace

BENCHMARK_MAIN();
