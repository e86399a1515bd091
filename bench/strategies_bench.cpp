// Cost of Strategy::on_bar: each built-in alone, and all seven on the same bar (the per-bar
// strategy work for one symbol; goal < 100 ns in Release), three ways:
//  - BM_AllStrategiesEachConverts: each strategy handed the core::Bar, converting its prices
//    itself (how the engine called them before BarView);
//  - BM_AllStrategiesOnBar: one BarView per bar handed to seven independent strategies (the
//    engine's instance loop today);
//  - BM_StrategySetOnBar: the seven in one StrategySet, the RSI that RSI mean reversion and
//    Stochastic RSI cross both read computed once per bar in the set's IndicatorPool.
// Bars are a pre-generated seeded random walk, round-robin over `symbols` symbols, so
// per-symbol state is exercised as the engine does. Run pinned, and read the CPU column on a
// shared machine: taskset -c 1 build/bench/bench/bench_strategies
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "meridian/strategies/registry.hpp"
#include "meridian/strategies/strategy_set.hpp"

using namespace meridian;

namespace {

constexpr std::size_t kBars = 1 << 16;  // a power of two: the cycle index is a mask

std::vector<core::Bar> random_walk(std::size_t symbols) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> step(0.0, 0.004);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> close(symbols, 100.0);
  const core::Timestamp t0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5}.time_since_epoch()};
  std::vector<core::Bar> bars(kBars);
  for (std::size_t i = 0; i < kBars; ++i) {
    const auto symbol = static_cast<core::SymbolId>(i % symbols);
    const double open = close[symbol];
    const double c = open * std::exp(step(rng));
    close[symbol] = c;
    auto& b = bars[i];
    b.symbol = symbol;
    b.timeframe = core::Timeframe::m1;
    b.open_time = t0 + std::chrono::minutes(i / symbols);
    b.open = core::Price::from_double(open);
    b.high = core::Price::from_double(std::max(open, c) * (1.0 + 0.002 * unit(rng)));
    b.low = core::Price::from_double(std::min(open, c) * (1.0 - 0.002 * unit(rng)));
    b.close = core::Price::from_double(c);
    b.volume = core::Quantity::from_double(100.0 * (0.5 + unit(rng)) * (unit(rng) < 0.1 ? 4.0 : 1.0));
    b.ticks = 1;
  }
  return bars;
}

std::unique_ptr<strategies::Strategy> make(const strategies::StrategyClass& cls, std::size_t symbols) {
  return cls.create(strategies::ParamValues(cls.params), symbols);
}

// One strategy class (by registry index), one bar per iteration.
void BM_OnBar(benchmark::State& state) {
  const auto& cls = strategies::strategy_classes()[static_cast<std::size_t>(state.range(0))];
  const auto symbols = static_cast<std::size_t>(state.range(1));
  state.SetLabel(std::string(cls.name));
  const auto bars = random_walk(symbols);
  auto strategy = make(cls, symbols);
  std::size_t i = 0;
  std::int64_t signals = 0;
  for (auto _ : state) {
    const auto sig = strategy->on_bar(bars[i++ & (kBars - 1)]);
    signals += sig.has_value();
    benchmark::DoNotOptimize(sig);
  }
  state.counters["signals/bar"] = benchmark::Counter(static_cast<double>(signals) / static_cast<double>(i));
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}

std::vector<std::unique_ptr<strategies::Strategy>> all_classes(std::size_t symbols) {
  std::vector<std::unique_ptr<strategies::Strategy>> all;
  for (const auto& cls : strategies::strategy_classes()) all.push_back(make(cls, symbols));
  return all;
}

// All registered classes on the same bar per iteration, each converting the bar itself.
void BM_AllStrategiesEachConverts(benchmark::State& state) {
  const auto symbols = static_cast<std::size_t>(state.range(0));
  const auto bars = random_walk(symbols);
  auto all = all_classes(symbols);
  state.SetLabel(std::to_string(all.size()) + " strategies, a BarView each");
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& bar = bars[i++ & (kBars - 1)];
    for (auto& s : all) {
      auto sig = s->on_bar(bar);  // converts: one BarView per strategy
      benchmark::DoNotOptimize(sig);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}

// All registered classes on the same bar per iteration, one BarView for all.
void BM_AllStrategiesOnBar(benchmark::State& state) {
  const auto symbols = static_cast<std::size_t>(state.range(0));
  const auto bars = random_walk(symbols);
  auto all = all_classes(symbols);
  state.SetLabel(std::to_string(all.size()) + " strategies, one BarView");
  std::size_t i = 0;
  for (auto _ : state) {
    const strategies::BarView view(bars[i++ & (kBars - 1)]);
    for (auto& s : all) {
      auto sig = s->on_bar(view);
      benchmark::DoNotOptimize(sig);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}

// All registered classes in one StrategySet (shared indicators), one BarView for all.
void BM_StrategySetOnBar(benchmark::State& state) {
  const auto symbols = static_cast<std::size_t>(state.range(0));
  const auto bars = random_walk(symbols);
  strategies::StrategySet set(symbols);
  for (const auto& cls : strategies::strategy_classes()) set.add(cls, strategies::ParamValues(cls.params));
  state.SetLabel(std::to_string(set.size()) + " strategies, " + std::to_string(set.pool().size()) +
                 " pooled indicator");
  std::size_t i = 0;
  std::int64_t signals = 0;
  for (auto _ : state) {
    const strategies::BarView view(bars[i++ & (kBars - 1)]);
    set.on_bar(view, [&](std::size_t, const strategies::Signal& sig) {
      ++signals;
      benchmark::DoNotOptimize(sig);
    });
  }
  benchmark::DoNotOptimize(signals);
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}

void per_class_args(benchmark::internal::Benchmark* b) {
  for (std::size_t c = 0; c < strategies::strategy_classes().size(); ++c)
    for (int symbols : {1, 16}) b->Args({static_cast<std::int64_t>(c), symbols});
}

}  // namespace

BENCHMARK(BM_OnBar)->Apply(per_class_args);
BENCHMARK(BM_AllStrategiesEachConverts)->Arg(1)->Arg(16);
BENCHMARK(BM_AllStrategiesOnBar)->Arg(1)->Arg(16);
BENCHMARK(BM_StrategySetOnBar)->Arg(1)->Arg(16);
BENCHMARK_MAIN();
