#pragma once
// Test support: one "probe" per indicator type, so that the properties every indicator must
// have (warm-up, reset, bar vs double input, flat series, no allocation) are written once as
// typed tests. A probe makes the indicator with its standard parameters, feeds it a bar the
// way the indicator consumes bars, and lists every output.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "golden.hpp"
#include "meridian/indicators/adx.hpp"
#include "meridian/indicators/atr.hpp"
#include "meridian/indicators/bollinger.hpp"
#include "meridian/indicators/ema.hpp"
#include "meridian/indicators/macd.hpp"
#include "meridian/indicators/rsi.hpp"
#include "meridian/indicators/sma.hpp"
#include "meridian/indicators/stoch_rsi.hpp"
#include "meridian/indicators/supertrend.hpp"
#include "meridian/indicators/vwap.hpp"

namespace meridian::indicators::testing {

// Close-only indicators take the bar's close; range-based ones take the whole bar.
struct ClosePrices {
  template <class I>
  static void feed(I& i, const Ohlcv& bar) {
    i.update(bar.close);
  }
};
struct WholeBars {
  template <class I>
  static void feed(I& i, const Ohlcv& bar) {
    i.update(bar);
  }
};

struct SmaProbe : ClosePrices {
  using Indicator = Sma;
  static Sma make() { return Sma(20); }
  static std::vector<double> outputs(const Sma& i) { return {i.value()}; }
};
struct EmaProbe : ClosePrices {
  using Indicator = Ema;
  static Ema make() { return Ema(20); }
  static std::vector<double> outputs(const Ema& i) { return {i.value()}; }
};
struct RsiProbe : ClosePrices {
  using Indicator = Rsi;
  static Rsi make() { return Rsi(14); }
  static std::vector<double> outputs(const Rsi& i) { return {i.value()}; }
};
struct MacdProbe : ClosePrices {
  using Indicator = Macd;
  static Macd make() { return Macd(12, 26, 9); }
  static std::vector<double> outputs(const Macd& i) { return {i.line(), i.signal(), i.histogram()}; }
};
struct BollingerProbe : ClosePrices {
  using Indicator = BollingerBands;
  static BollingerBands make() { return BollingerBands(20, 2.0); }
  static std::vector<double> outputs(const BollingerBands& i) { return {i.upper(), i.middle(), i.lower()}; }
};
struct StochRsiProbe : ClosePrices {
  using Indicator = StochRsi;
  static StochRsi make() { return StochRsi(14, 14, 3, 3); }
  static std::vector<double> outputs(const StochRsi& i) { return {i.k(), i.d()}; }
};
struct AtrProbe : WholeBars {
  using Indicator = Atr;
  static Atr make() { return Atr(14); }
  static std::vector<double> outputs(const Atr& i) { return {i.value()}; }
};
struct AdxProbe : WholeBars {
  using Indicator = Adx;
  static Adx make() { return Adx(14); }
  static std::vector<double> outputs(const Adx& i) { return {i.plus_di(), i.minus_di(), i.adx()}; }
};
struct SessionVwapProbe : WholeBars {
  using Indicator = SessionVwap;
  static SessionVwap make() { return SessionVwap(); }
  static std::vector<double> outputs(const SessionVwap& i) { return {i.value()}; }
};
struct RollingVwapProbe : WholeBars {
  using Indicator = RollingVwap;
  static RollingVwap make() { return RollingVwap(20); }
  static std::vector<double> outputs(const RollingVwap& i) { return {i.value()}; }
};
struct SuperTrendProbe : WholeBars {
  using Indicator = SuperTrend;
  static SuperTrend make() { return SuperTrend(10, 3.0); }
  static std::vector<double> outputs(const SuperTrend& i) { return {i.value(), static_cast<double>(i.direction())}; }
};

using AllProbes = ::testing::Types<SmaProbe, EmaProbe, RsiProbe, MacdProbe, BollingerProbe, StochRsiProbe, AtrProbe,
                                   AdxProbe, SessionVwapProbe, RollingVwapProbe, SuperTrendProbe>;

// A seeded random walk of hourly bars with non-zero ranges and volumes.
inline std::vector<Ohlcv> random_bars(std::size_t count, std::uint64_t seed, double start = 100.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.01);
  std::uniform_real_distribution<double> wick(0.0, 0.005);
  std::uniform_real_distribution<double> volume(1.0, 1000.0);
  std::vector<Ohlcv> bars;
  double close = start;
  for (std::size_t i = 0; i < count; ++i) {
    Ohlcv b;
    b.time = core::Timestamp(std::chrono::hours(470'000 + static_cast<std::int64_t>(i)));
    b.open = close;
    b.close = close * std::exp(step(rng));
    b.high = std::max(b.open, b.close) * (1 + wick(rng));
    b.low = std::min(b.open, b.close) * (1 - wick(rng));
    b.volume = volume(rng);
    close = b.close;
    bars.push_back(b);
  }
  return bars;
}

// Bars that all trade at one price with `volume` each.
inline std::vector<Ohlcv> flat_bars(std::size_t count, double price, double volume = 10.0) {
  std::vector<Ohlcv> bars(count);
  for (std::size_t i = 0; i < count; ++i) {
    bars[i] = {core::Timestamp(std::chrono::hours(470'000 + static_cast<std::int64_t>(i))),
               price,
               price,
               price,
               price,
               volume};
  }
  return bars;
}

}  // namespace meridian::indicators::testing
