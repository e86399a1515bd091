#pragma once
// Shared by the strategy tests: bars built from prices, a runner that records one optional
// signal per bar, and the checks every strategy must pass (flat series, symbol independence).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"
#include "meridian/strategies/signal.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies::testing {

using Signals = std::vector<std::optional<Signal>>;

// A Monday 00:00 UTC, so a series of a few hundred one-minute bars stays in one UTC day.
inline const core::Timestamp kT0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5}.time_since_epoch()};

// Bar `index` of a one-minute series; open = the close unless given.
inline core::Bar ohlc_bar(core::SymbolId symbol, std::size_t index, double high, double low, double close,
                          double volume = 0.0) {
  core::Bar b;
  b.symbol = symbol;
  b.timeframe = core::Timeframe::m1;
  b.open_time = kT0 + std::chrono::minutes(index);
  b.open = core::Price::from_double(close);
  b.high = core::Price::from_double(high);
  b.low = core::Price::from_double(low);
  b.close = core::Price::from_double(close);
  b.volume = core::Quantity::from_double(volume);
  b.ticks = 1;
  return b;
}

// A bar that traded at one price.
inline core::Bar price_bar(core::SymbolId symbol, std::size_t index, double close, double volume = 0.0) {
  return ohlc_bar(symbol, index, close, close, close, volume);
}

inline std::vector<core::Bar> price_bars(const std::vector<double>& closes, core::SymbolId symbol = 0) {
  std::vector<core::Bar> bars;
  for (std::size_t i = 0; i < closes.size(); ++i) bars.push_back(price_bar(symbol, i, closes[i]));
  return bars;
}

inline std::vector<core::Bar> with_symbol(std::vector<core::Bar> bars, core::SymbolId symbol) {
  for (auto& b : bars) b.symbol = symbol;
  return bars;
}

inline Signals run(Strategy& s, const std::vector<core::Bar>& bars) {
  Signals out;
  for (const auto& b : bars) out.push_back(s.on_bar(b));
  return out;
}

inline std::vector<std::size_t> signal_bars(const Signals& sigs) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < sigs.size(); ++i)
    if (sigs[i]) idx.push_back(i);
  return idx;
}

inline double value_named(const Signal& s, std::string_view name) {
  for (std::size_t i = 0; i < s.value_count; ++i)
    if (s.values[i].name == name) return s.values[i].value;
  ADD_FAILURE() << "no value " << name;
  return std::nan("");
}

// The fields every signal carries the same way: symbol, price = close, ts = close time,
// class name, a reason, strength in [0, 1], finite values.
inline void expect_well_formed(const Signal& sig, const core::Bar& bar, std::string_view class_name) {
  EXPECT_EQ(sig.symbol, bar.symbol);
  EXPECT_EQ(sig.price, bar.close);
  EXPECT_EQ(sig.ts, bar.open_time + core::period_of(bar.timeframe));
  EXPECT_EQ(sig.strategy, class_name);
  EXPECT_FALSE(sig.reason.empty());
  EXPECT_GE(sig.strength, 0.0);
  EXPECT_LE(sig.strength, 1.0);
  EXPECT_GT(sig.value_count, 0u);
  EXPECT_LE(sig.value_count, sig.values.size());
  for (std::size_t i = 0; i < sig.value_count; ++i) {
    EXPECT_FALSE(sig.values[i].name.empty());
    EXPECT_TRUE(std::isfinite(sig.values[i].value)) << sig.values[i].name;
  }
}

// Flat markets at a round and at a high, awkward price, with constant volume: nothing may fire.
inline void expect_silent_on_flat_series(Strategy& s) {
  for (double price : {100.0, 101.37, 43'210.55, 0.00012345}) {
    s.reset();
    std::vector<core::Bar> bars;
    for (std::size_t i = 0; i < 500; ++i) bars.push_back(price_bar(0, i, price, 1'000.0));
    EXPECT_TRUE(signal_bars(run(s, bars)).empty()) << "flat at " << price;
  }
}

using Factory = std::function<std::unique_ptr<Strategy>(std::size_t symbol_count)>;

// Symbols 0 and 1 interleaved bar by bar through one instance produce exactly the signals of
// each series run alone. Returns the signals of `a` (symbol 0) for further checks.
inline Signals expect_symbols_independent(const Factory& make, const std::vector<core::Bar>& a,
                                          const std::vector<core::Bar>& b) {
  const auto bars_a = with_symbol(a, 0);
  const auto bars_b = with_symbol(b, 1);
  auto together = make(2);
  Signals sa;
  Signals sb;
  for (std::size_t i = 0; i < std::max(bars_a.size(), bars_b.size()); ++i) {
    if (i < bars_a.size()) sa.push_back(together->on_bar(bars_a[i]));
    if (i < bars_b.size()) sb.push_back(together->on_bar(bars_b[i]));
  }
  auto alone_a = make(1);
  auto alone_b = make(2);
  const auto ra = run(*alone_a, bars_a);
  const auto rb = run(*alone_b, bars_b);
  EXPECT_EQ(signal_bars(sa), signal_bars(ra));
  EXPECT_EQ(signal_bars(sb), signal_bars(rb));
  auto same = [](const Signals& x, const Signals& y) {
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      if (!x[i] || !y[i]) continue;
      EXPECT_EQ(x[i]->side, y[i]->side) << "bar " << i;
      EXPECT_EQ(x[i]->symbol, y[i]->symbol) << "bar " << i;
      EXPECT_EQ(x[i]->strength, y[i]->strength) << "bar " << i;
      for (std::size_t v = 0; v < x[i]->value_count; ++v) EXPECT_EQ(x[i]->values[v].value, y[i]->values[v].value);
    }
  };
  same(sa, ra);
  same(sb, rb);
  return sa;
}

// A seeded geometric random walk of one-minute OHLCV bars; volume varies and spikes now and
// then, so volume-filtered rules fire too. Crosses several UTC days when long.
inline std::vector<core::Bar> random_walk(std::uint64_t seed, std::size_t n, core::SymbolId symbol = 0,
                                          double start = 100.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.004);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<core::Bar> bars;
  bars.reserve(n);
  double close = start;
  for (std::size_t i = 0; i < n; ++i) {
    const double open = close;
    close = open * std::exp(step(rng));
    const double high = std::max(open, close) * (1.0 + 0.002 * unit(rng));
    const double low = std::min(open, close) * (1.0 - 0.002 * unit(rng));
    const double volume = 100.0 * (0.5 + unit(rng)) * (unit(rng) < 0.1 ? 4.0 : 1.0);
    auto b = ohlc_bar(symbol, i, high, low, close, volume);
    b.open = core::Price::from_double(open);
    bars.push_back(b);
  }
  return bars;
}

}  // namespace meridian::strategies::testing
