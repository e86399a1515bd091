// Sweep scaling (issue 14: "2 worker threads >= 1.8x one"): 16 combinations of sma_crossover
// (fast_period x slow_period, 4 x 4) over a seeded year of 1-minute bars of one symbol, run by
// backtest::sweep on 1 worker and on 2, each the best of a few repeats (wall time). Prints both
// times, the combinations' bars/s, and the ratio. A plain main; it reports, never asserts.
// Run on an otherwise idle machine: build/bench/bench/bench_sweep [repeats]
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "meridian/backtest/sweep.hpp"
#include "meridian/market/simulated_prices.hpp"

using namespace meridian;

namespace {

constexpr std::size_t kMinutes = 365 * 1440;

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // risk denials are logged at info: not what is measured
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;

  // One instrument: the simulator makes only its path.
  const core::InstrumentTable table({core::default_instruments().front()});
  market::SimConfig sim;
  sim.seed = 14;
  sim.time_step = std::chrono::seconds(10);
  const auto end = core::from_epoch_ms(1'767'225'600'000);  // 2026-01-01
  market::SimulatedPrices prices(table, sim, end - std::chrono::minutes(kMinutes));
  market::ReplayData data;
  data.series.push_back(prices.generate_history(kMinutes, end));

  backtest::SweepSpec spec;
  spec.base.strategy = engine::StrategyConfig::sma_crossover(20, 50);
  spec.base.strategy.position_fraction = 0.1;
  spec.base.symbols = {0};
  spec.base.from = data.series[0].front().open_time;
  spec.base.to = data.series[0].back().open_time + std::chrono::minutes(1);
  spec.base.initial_capital = core::Money::from_units(1'000'000);
  spec.axes = {{"fast_period", {5, 10, 20, 40}, {}, {}, {}}, {"slow_period", {60, 90, 120, 200}, {}, {}, {}}};
  spec.rank = backtest::RankBy::sharpe;
  const auto combinations = backtest::expand(spec);
  if (!combinations) {
    std::fprintf(stderr, "%s: %s\n", combinations.error().field.c_str(), combinations.error().message.c_str());
    return 1;
  }

  auto best_of = [&](unsigned threads) {
    spec.threads = threads;
    double best = 1e300;
    std::uint64_t bars = 0;
    for (int r = 0; r < repeats; ++r) {
      const auto result = backtest::sweep(table, spec, *combinations, data);
      best = std::min(best, result.seconds);
      bars = result.bars * result.ranked.size();
    }
    std::printf("%u thread(s): %zu combinations of %zu bars in %.3f s (%.2f M bars/s)\n", threads,
                combinations->strategies.size(), data.series[0].size(), best, double(bars) / best / 1e6);
    return best;
  };
  std::printf("cores: %u, repeats: %d (best wall time of each)\n", std::thread::hardware_concurrency(), repeats);
  const double one = best_of(1);
  const double two = best_of(2);
  std::printf("speed-up 2 threads / 1 thread: %.2fx (goal >= 1.8x)\n", one / two);
  return 0;
}
