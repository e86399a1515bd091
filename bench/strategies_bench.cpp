// Cost of Strategy::on_bar: each built-in alone, and all seven on the same bar (the per-bar
// strategy work for one symbol; goal < 100 ns in Release), three ways:
//  - BM_AllStrategiesEachConverts: each strategy handed the core::Bar, converting its prices
//    itself (how the engine called them before BarView);
//  - BM_AllStrategiesOnBar: one BarView per bar handed to seven independent strategies (each
//    computing its own indicators);
//  - BM_StrategyHostOnBar/1/..: the engine's path and the figure the goal is about,
//    engine::StrategyHost::on_bar_closed with one running instance of each class on every
//    symbol: one BarView per bar, the RSI that RSI mean reversion and Stochastic RSI cross both
//    read computed once in the host's IndicatorPool, the instance loop and the signal hand-off
//    (to a sink that only counts); /0/.. without the shared RSI.
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

#include "meridian/engine/strategy_host.hpp"
#include "meridian/strategies/registry.hpp"

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

// The engine's bar path: one running instance of each registered class on every symbol of a
// StrategyHost (calendars off), one on_bar_closed per iteration; range(0) = 1 shares indicators
// (the RSI of RSI mean reversion and Stochastic RSI cross computed once per bar), 0 has each
// instance compute its own; range(1) symbols.
class CountingSink final : public engine::StrategyHost::SignalSink {
 public:
  void on_signal(engine::StrategyHost::Instance&, const core::Bar&, const strategies::Signal& signal) override {
    ++signals;
    benchmark::DoNotOptimize(signal);
  }
  std::int64_t signals = 0;
};

void BM_StrategyHostOnBar(benchmark::State& state) {
  const bool share = state.range(0) != 0;
  const auto symbols = static_cast<std::size_t>(state.range(1));
  const auto bars = random_walk(symbols);
  std::vector<core::Instrument> list;
  for (std::size_t i = 0; i < symbols; ++i)
    list.push_back({0, "SYM" + std::to_string(i), "crypto", core::AssetClass::crypto, "USD", 2, 6, 100.0, 0.5});
  const core::InstrumentTable instruments(std::move(list));
  engine::BarBook book(symbols, 16);
  const market::Calendars calendars{};
  engine::StrategyHost host(instruments, book, {&calendars, false, {}, share});
  std::vector<core::SymbolId> all(symbols);
  for (std::size_t i = 0; i < symbols; ++i) all[i] = static_cast<core::SymbolId>(i);
  std::uint64_t id = 0;
  std::size_t shared = 0;
  for (const auto& cls : strategies::strategy_classes()) {
    engine::StrategyConfig config;
    config.class_name = cls.name;
    config.params = strategies::ParamValues(cls.params);
    auto& inst = host.add(
        host.make({++id, std::string(cls.name), config, all, "default", true}, engine::InstanceState::running));
    shared += host.shares_indicators(inst);
  }
  state.SetLabel(std::to_string(host.all().size()) + " instances, " + std::to_string(shared) + " on shared indicators");
  CountingSink sink;
  std::size_t i = 0;
  for (auto _ : state) host.on_bar_closed(bars[i++ & (kBars - 1)], sink);
  state.counters["signals/bar"] = benchmark::Counter(static_cast<double>(sink.signals) / static_cast<double>(i));
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
BENCHMARK(BM_StrategyHostOnBar)->ArgsProduct({{0, 1}, {1, 16}});
BENCHMARK_MAIN();
