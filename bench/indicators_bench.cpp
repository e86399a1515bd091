// Streaming indicator updates: ns per update for each indicator and for the whole panel per bar.
// Each iteration streams a pre-generated series of kBars bars through one long-lived indicator
// and reads its value after every update (what a strategy does), so the figures are comparable
// to TA-Lib's batch ns/bar. `per_update` is seconds per update (shown as ns).
// Run: build/<release-dir>/bench/bench_indicators
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "meridian/indicators/adx.hpp"
#include "meridian/indicators/atr.hpp"
#include "meridian/indicators/bollinger.hpp"
#include "meridian/indicators/ema.hpp"
#include "meridian/indicators/indicator_set.hpp"
#include "meridian/indicators/macd.hpp"
#include "meridian/indicators/rsi.hpp"
#include "meridian/indicators/sma.hpp"
#include "meridian/indicators/stoch_rsi.hpp"
#include "meridian/indicators/supertrend.hpp"
#include "meridian/indicators/vwap.hpp"

using namespace meridian;
using namespace meridian::indicators;

namespace {

constexpr std::size_t kBars = 4096;

// A seeded random walk of 1-minute bars (fits in L2; the same data for every benchmark).
const std::vector<Ohlcv>& bars() {
  static const std::vector<Ohlcv> data = [] {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> step(0.0, 0.002);
    std::uniform_real_distribution<double> wick(0.0, 0.001);
    std::uniform_real_distribution<double> volume(1.0, 1000.0);
    std::vector<Ohlcv> out(kBars);
    double close = 100.0;
    for (std::size_t i = 0; i < kBars; ++i) {
      Ohlcv& b = out[i];
      b.time = core::Timestamp(std::chrono::minutes(28'000'000 + static_cast<std::int64_t>(i)));
      b.open = close;
      b.close = close * std::exp(step(rng));
      b.high = std::max(b.open, b.close) * (1 + wick(rng));
      b.low = std::min(b.open, b.close) * (1 - wick(rng));
      b.volume = volume(rng);
      close = b.close;
    }
    return out;
  }();
  return data;
}

const std::vector<double>& closes() {
  static const std::vector<double> data = [] {
    std::vector<double> out;
    for (const auto& b : bars()) out.push_back(b.close);
    return out;
  }();
  return data;
}

void report(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBars));
  state.counters["per_update"] = benchmark::Counter(
      static_cast<double>(kBars), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

template <class Indicator>
void stream_closes(benchmark::State& state, Indicator indicator) {
  const auto& xs = closes();
  for (auto _ : state) {
    for (double x : xs) {
      indicator.update(x);
      benchmark::DoNotOptimize(indicator.value());
    }
  }
  report(state);
}

template <class Indicator>
void stream_bars(benchmark::State& state, Indicator indicator) {
  const auto& bs = bars();
  for (auto _ : state) {
    for (const Ohlcv& b : bs) {
      indicator.update(b);
      benchmark::DoNotOptimize(indicator.value());
    }
  }
  report(state);
}

void BM_Sma20(benchmark::State& state) {
  stream_closes(state, Sma(20));
}
void BM_Ema20(benchmark::State& state) {
  stream_closes(state, Ema(20));
}
void BM_Rsi14(benchmark::State& state) {
  stream_closes(state, Rsi(14));
}
void BM_Macd_12_26_9(benchmark::State& state) {
  Macd macd(12, 26, 9);
  const auto& xs = closes();
  for (auto _ : state) {
    for (double x : xs) {
      macd.update(x);
      benchmark::DoNotOptimize(macd.line());
      benchmark::DoNotOptimize(macd.signal());
      benchmark::DoNotOptimize(macd.histogram());
    }
  }
  report(state);
}
void BM_Bollinger_20_2(benchmark::State& state) {
  BollingerBands bb(20, 2.0);
  const auto& xs = closes();
  for (auto _ : state) {
    for (double x : xs) {
      bb.update(x);
      benchmark::DoNotOptimize(bb.upper());
      benchmark::DoNotOptimize(bb.middle());
      benchmark::DoNotOptimize(bb.lower());
    }
  }
  report(state);
}
void BM_Atr14(benchmark::State& state) {
  stream_bars(state, Atr(14));
}
void BM_StochRsi_14_14_3_3(benchmark::State& state) {
  StochRsi s(14, 14, 3, 3);
  const auto& xs = closes();
  for (auto _ : state) {
    for (double x : xs) {
      s.update(x);
      benchmark::DoNotOptimize(s.k());
      benchmark::DoNotOptimize(s.d());
    }
  }
  report(state);
}
void BM_Adx14(benchmark::State& state) {
  Adx adx(14);
  const auto& bs = bars();
  for (auto _ : state) {
    for (const Ohlcv& b : bs) {
      adx.update(b);
      benchmark::DoNotOptimize(adx.adx());
      benchmark::DoNotOptimize(adx.plus_di());
      benchmark::DoNotOptimize(adx.minus_di());
    }
  }
  report(state);
}
void BM_SessionVwap(benchmark::State& state) {
  stream_bars(state, SessionVwap());
}
void BM_RollingVwap20(benchmark::State& state) {
  stream_bars(state, RollingVwap(20));
}
void BM_SuperTrend_10_3(benchmark::State& state) {
  SuperTrend st(10, 3.0);
  const auto& bs = bars();
  for (auto _ : state) {
    for (const Ohlcv& b : bs) {
      st.update(b);
      benchmark::DoNotOptimize(st.value());
      benchmark::DoNotOptimize(st.direction());
    }
  }
  report(state);
}

// Everything the CLI prints, per bar: all indicators updated and the row read.
void BM_IndicatorSetPerBar(benchmark::State& state) {
  IndicatorSet set;
  const auto& bs = bars();
  for (auto _ : state) {
    for (const Ohlcv& b : bs) {
      set.update(b);
      benchmark::DoNotOptimize(set.row());
    }
  }
  report(state);
}

// The same from fixed-point core::Bar, as the engine feeds it (includes the conversion).
void BM_IndicatorSetPerCoreBar(benchmark::State& state) {
  std::vector<core::Bar> fixed;
  for (const auto& b : bars()) {
    core::Bar bar;
    bar.open_time = b.time;
    bar.open = core::Price::from_double(b.open);
    bar.high = core::Price::from_double(b.high);
    bar.low = core::Price::from_double(b.low);
    bar.close = core::Price::from_double(b.close);
    bar.volume = core::Quantity::from_double(b.volume);
    fixed.push_back(bar);
  }
  IndicatorSet set;
  for (auto _ : state) {
    for (const core::Bar& b : fixed) {
      set.update(b);
      benchmark::DoNotOptimize(set.row());
    }
  }
  report(state);
}

BENCHMARK(BM_Sma20);
BENCHMARK(BM_Ema20);
BENCHMARK(BM_Rsi14);
BENCHMARK(BM_Macd_12_26_9);
BENCHMARK(BM_Bollinger_20_2);
BENCHMARK(BM_Atr14);
BENCHMARK(BM_StochRsi_14_14_3_3);
BENCHMARK(BM_Adx14);
BENCHMARK(BM_SessionVwap);
BENCHMARK(BM_RollingVwap20);
BENCHMARK(BM_SuperTrend_10_3);
BENCHMARK(BM_IndicatorSetPerBar);
BENCHMARK(BM_IndicatorSetPerCoreBar);

}  // namespace

BENCHMARK_MAIN();
