// Ticks through aggregation into every timeframe on one core: 1m bars (market::BarAggregator)
// rolled up into 5m, 15m, 1h, 4h and 1d (market::TimeframeRollup) with the forming bars read
// as a snapshot would; the engine's BarBook (adds the bounded histories); and one tick through
// the whole engine with 1,000 symbols subscribed by the running strategy.
// Run: build/<release-bench>/bench/bench_aggregation
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <random>
#include <string>

#include "meridian/engine/bar_book.hpp"
#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/market/bar_aggregator.hpp"
#include "meridian/market/timeframe_rollup.hpp"

using namespace meridian;

namespace {

// An endless tick stream: symbols in turn, each every `spacing` of market time, prices from a
// random walk table. Time only moves forward, so no tick is late however long a run lasts.
class TickStream {
 public:
  TickStream(std::size_t symbols, core::Duration spacing) : symbols_(symbols), spacing_(spacing) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> step(0.0, 0.0005);
    double p = 100.0;
    for (auto& price : prices_) {
      p *= 1.0 + step(rng);
      price = core::Price::from_double(p).rounded(2);
    }
  }
  const core::Tick& next() noexcept {
    tick_.symbol = static_cast<core::SymbolId>(n_ % symbols_);
    tick_.ts = kStart + spacing_ * static_cast<std::int64_t>(n_ / symbols_);
    tick_.last = prices_[n_ % prices_.size()];
    tick_.bid = tick_.last;
    tick_.ask = tick_.last;
    tick_.volume = core::Quantity::from_units(1);
    ++n_;
    return tick_;
  }

 private:
  static constexpr core::Timestamp kStart{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5}.time_since_epoch()};
  std::size_t symbols_;
  core::Duration spacing_;
  std::array<core::Price, 4093> prices_{};  // prime: the price path does not repeat with the symbol cycle
  core::Tick tick_{};
  std::uint64_t n_ = 0;
};

// BarAggregator + TimeframeRollup, as the engine drives them; args: symbols.
void BM_AggregateAllTimeframes(benchmark::State& state) {
  const auto symbols = static_cast<std::size_t>(state.range(0));
  market::BarAggregator minutes(core::Timeframe::m1, symbols);
  market::TimeframeRollup rollup(symbols);
  TickStream stream(symbols, std::chrono::milliseconds(250));
  std::size_t closed = 0;
  for (auto _ : state) {
    const auto& tick = stream.next();
    if (auto minute = minutes.on_tick(tick)) {
      closed += rollup.on_minute(*minute, minutes.partial(tick.symbol)->open_time).size();
      benchmark::DoNotOptimize(closed);
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["higher_bars"] = static_cast<double>(closed);
}
BENCHMARK(BM_AggregateAllTimeframes)->Arg(1)->Arg(10)->Arg(1000);

// The same and every forming bar read per tick (more than a snapshot ever needs).
void BM_AggregateAndReadFormingBars(benchmark::State& state) {
  const auto symbols = static_cast<std::size_t>(state.range(0));
  market::BarAggregator minutes(core::Timeframe::m1, symbols);
  market::TimeframeRollup rollup(symbols);
  TickStream stream(symbols, std::chrono::milliseconds(250));
  for (auto _ : state) {
    const auto& tick = stream.next();
    if (auto minute = minutes.on_tick(tick)) rollup.on_minute(*minute, minutes.partial(tick.symbol)->open_time);
    for (auto tf : market::TimeframeRollup::kTimeframes)
      benchmark::DoNotOptimize(rollup.forming(tick.symbol, tf, minutes.partial(tick.symbol)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AggregateAndReadFormingBars)->Arg(1)->Arg(1000);

// The engine's BarBook: aggregation plus the bounded per-timeframe histories.
void BM_BarBook(benchmark::State& state) {
  const auto symbols = static_cast<std::size_t>(state.range(0));
  engine::BarBook book(symbols, 5000);
  TickStream stream(symbols, std::chrono::milliseconds(250));
  std::size_t closed = 0;
  for (auto _ : state) book.on_tick(stream.next(), [&](const core::Bar&) { ++closed; });
  benchmark::DoNotOptimize(closed);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BarBook)->Arg(1)->Arg(1000);

// One tick through Portfolio::on_ticks with 1,000 instruments, all subscribed by the
// running session's strategy (SMA 3/8 crossover: bar closes do signal and trade).
void BM_EngineTickWith1000Symbols(benchmark::State& state) {
  constexpr std::size_t kSymbols = 1000;
  std::vector<core::Instrument> list;
  for (std::size_t i = 0; i < kSymbols; ++i)
    list.push_back({0, "SYM" + std::to_string(i), "crypto", core::AssetClass::crypto, "USD", 2, 6, 100.0, 0.5});
  core::InstrumentTable instruments(std::move(list));
  execution::PaperExecutor executor{execution::PaperConfig{}, instruments};
  engine::JournalQueue journal{1 << 20};
  engine::PortfolioConfig config;
  config.strategy = engine::StrategyConfig::sma_crossover(3, 8);
  spdlog::set_level(spdlog::level::warn);  // risk denials are logged at info: not what is measured
  engine::Portfolio engine(instruments, config, executor, journal, engine::RecoveredState{});
  TickStream stream(kSymbols, std::chrono::milliseconds(250));
  std::uint64_t n = 0;
  for (auto _ : state) {
    engine.on_ticks(std::span<const core::Tick>(&stream.next(), 1));
    if (++n % 65536 == 0) {
      // The journal writer's job, outside the timing: the ring never fills.
      state.PauseTiming();
      std::uint64_t last = 0;
      while (auto e = journal.try_pop()) last = e->seq;
      if (last) engine.on_durable(last);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineTickWith1000Symbols);

}  // namespace

BENCHMARK_MAIN();
