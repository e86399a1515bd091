// The hot path: ticks into the engine (bar aggregation, strategy on bar close, risk,
// paper fill, journal record). The strategy step alone (StrategyHost::on_bar_closed) is in
// bench_strategies. Run: build/bench/bench/bench_engine
#include <benchmark/benchmark.h>

#include <string>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/market/simulated_prices.hpp"

using namespace meridian;

namespace {

// One portfolio of the rig: what EngineRunner holds per portfolio.
struct Unit {
  Unit(const core::InstrumentTable& instruments, engine::PortfolioId id)
      : executor{execution::PaperConfig{}, instruments}, journal{1 << 20} {
    engine::PortfolioConfig config;
    config.portfolio_id = id;
    config.journal_bars = id == engine::kDefaultPortfolioId;
    config.strategy =
        engine::StrategyConfig::sma_crossover(3, 8);  // frequent crossovers: the fill path is exercised too
    engine = std::make_unique<engine::Portfolio>(instruments, config, executor, journal, engine::RecoveredState{});
  }
  execution::PaperExecutor executor;
  engine::JournalQueue journal;
  std::unique_ptr<engine::Portfolio> engine;
};

struct Rig {
  core::InstrumentTable instruments{core::default_instruments()};
  std::vector<std::unique_ptr<Unit>> units;
  std::unique_ptr<engine::Portfolio>& engine;
  std::vector<std::vector<core::Tick>> batches;

  explicit Rig(std::size_t steps, std::size_t portfolios = 1) : engine(add_units(portfolios)) {
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
    for (auto& u : units) {
      std::uint64_t last = 0;
      while (auto e = u->journal.try_pop()) last = e->seq;
      if (last) u->engine->on_durable(last);
    }
  }

 private:
  std::unique_ptr<engine::Portfolio>& add_units(std::size_t n) {
    for (std::size_t k = 0; k < n; ++k)
      units.push_back(std::make_unique<Unit>(instruments, static_cast<engine::PortfolioId>(k + 1)));
    return units.front()->engine;
  }
};

// Every batch through every portfolio of the rig, as EngineRunner's dispatch does: each
// portfolio sees every tick (each aggregates and decides on its own). Items are ticks of the
// market, so ns per item grows with the number of portfolios.
void run_batches(benchmark::State& state, Rig& rig) {
  std::size_t i = 0;
  std::int64_t ticks = 0;
  for (auto _ : state) {
    const auto& batch = rig.batches[i++ % rig.batches.size()];
    for (auto& u : rig.units) u->engine->on_ticks(batch);
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

void BM_TicksThroughEngine(benchmark::State& state) {
  Rig rig(4096);
  run_batches(state, rig);
}
BENCHMARK(BM_TicksThroughEngine);

void BM_TicksThroughPortfolios(benchmark::State& state) {
  Rig rig(4096, static_cast<std::size_t>(state.range(0)));
  run_batches(state, rig);
}
BENCHMARK(BM_TicksThroughPortfolios)->Arg(4)->Arg(16);

void BM_SnapshotPublish(benchmark::State& state) {
  Rig rig(256);
  for (const auto& b : rig.batches) rig.engine->on_ticks(b);
  for (auto _ : state) benchmark::DoNotOptimize(rig.engine->make_snapshot());
}
BENCHMARK(BM_SnapshotPublish);

}  // namespace

BENCHMARK_MAIN();
