// Backtest throughput on one core: bars per second through backtest::run (the live engine on a
// simulated clock: four ticks a bar, aggregation, the strategy, risk, paper fills), for each of
// the seven strategy classes on one symbol and for one class on ten symbols. The figure counts
// input bars (1m); each is four ticks. Run: build/bench/bench/bench_backtest
#include <benchmark/benchmark.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "meridian/backtest/backtest.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "meridian/market/simulated_prices.hpp"
#include "meridian/strategies/registry.hpp"

using namespace meridian;

namespace {

constexpr std::size_t kMinutes = 100'000;

const core::InstrumentTable& table() {
  static const core::InstrumentTable t{core::default_instruments()};
  return t;
}

// Seeded minutes of every instrument, made once.
const market::ReplayData& bars() {
  static const market::ReplayData data = [] {
    market::SimConfig sim;
    sim.seed = 3;
    sim.time_step = std::chrono::seconds(10);
    sim.regime_mean = std::chrono::minutes(20);
    const auto end = core::from_epoch_ms(1'767'225'600'000);  // 2026-01-01
    market::SimulatedPrices prices(table(), sim, end - std::chrono::minutes(kMinutes));
    market::ReplayData out;
    out.series = prices.generate_series(kMinutes, end);
    return out;
  }();
  return data;
}

backtest::BacktestSpec spec(std::string_view cls, std::size_t symbols) {
  backtest::BacktestSpec s;
  s.strategy = *engine::decode_strategy(nlohmann::json{{"class", cls}}, engine::StrategyConfig{});
  s.strategy.position_fraction = 0.1;
  for (std::size_t k = 0; k < symbols && k < table().size(); ++k) s.symbols.push_back(static_cast<core::SymbolId>(k));
  s.from = bars().series[0].front().open_time;
  s.to = bars().series[0].back().open_time + std::chrono::minutes(1);
  s.initial_capital = core::Money::from_units(1'000'000);
  return s;
}

void run(benchmark::State& state, std::string_view cls, std::size_t symbols) {
  const auto s = spec(cls, symbols);
  const auto data = backtest::select(bars(), s);  // what run() is given: the symbols asked, as a caller loads them
  std::uint64_t total = 0, fills = 0;
  for (auto _ : state) {
    const auto result = backtest::run(table(), s, data);
    total += result.progress.bars_done;
    fills = result.trades.size();
    benchmark::DoNotOptimize(result.metrics.final_equity);
  }
  state.counters["bars/s"] = benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  state.counters["fills"] = static_cast<double>(fills);
}

void BM_Backtest(benchmark::State& state) {
  const auto cls = strategies::strategy_classes()[static_cast<std::size_t>(state.range(0))].name;
  state.SetLabel(std::string(cls) + ", " + std::to_string(state.range(1)) + " symbol(s)");
  run(state, cls, static_cast<std::size_t>(state.range(1)));
}
BENCHMARK(BM_Backtest)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5, 6}, {1}})
    ->Args({0, 10})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // risk denials are logged at info: not what is measured
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
