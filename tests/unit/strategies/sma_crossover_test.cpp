// SMA crossover on crafted series (fast 2, slow 4). Each expected SMA value is written
// out by hand; a long random series is checked against an exact integer oracle.
#include "meridian/strategies/sma_crossover.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using meridian::core::Bar;
using meridian::core::Price;
using meridian::core::Side;
using meridian::core::SymbolId;
using meridian::core::Timeframe;
using meridian::core::Timestamp;
using meridian::strategies::Signal;
using meridian::strategies::SmaCrossover;
using meridian::strategies::SmaCrossoverParams;
using namespace std::chrono_literals;

namespace {
const Timestamp kT0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5}.time_since_epoch()};

Bar bar_at(SymbolId symbol, std::size_t index, double close) {
  Bar b;
  b.symbol = symbol;
  b.timeframe = Timeframe::m1;
  b.open_time = kT0 + std::chrono::minutes(index);
  b.close = Price::from_double(close);
  b.open = b.high = b.low = b.close;
  b.ticks = 1;
  return b;
}

// Runs one symbol's closes through the strategy; returns one optional signal per bar.
std::vector<std::optional<Signal>> run(SmaCrossover& s, const std::vector<double>& closes, SymbolId symbol = 0) {
  std::vector<std::optional<Signal>> out;
  for (std::size_t i = 0; i < closes.size(); ++i) out.push_back(s.on_bar(bar_at(symbol, i, closes[i])));
  return out;
}

std::vector<std::size_t> signal_bars(const std::vector<std::optional<Signal>>& sigs) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < sigs.size(); ++i)
    if (sigs[i]) idx.push_back(i);
  return idx;
}

double value_named(const Signal& s, std::string_view name) {
  for (std::size_t i = 0; i < s.value_count; ++i)
    if (s.values[i].name == name) return s.values[i].value;
  ADD_FAILURE() << "no value " << name;
  return 0;
}
}  // namespace

TEST(SmaCrossover, RejectsInvalidParams) {
  EXPECT_THROW(SmaCrossover({0, 4}, 1), std::invalid_argument);
  EXPECT_THROW(SmaCrossover({-1, 4}, 1), std::invalid_argument);
  EXPECT_THROW(SmaCrossover({4, 4}, 1), std::invalid_argument);
  EXPECT_THROW(SmaCrossover({5, 4}, 1), std::invalid_argument);
  EXPECT_NO_THROW(SmaCrossover({1, 2}, 1));
  SmaCrossover s({2, 4}, 1);
  EXPECT_EQ(s.warmup(), 4u);
  EXPECT_EQ(s.class_name(), "sma_crossover");
  EXPECT_EQ(s.params().fast_period, 2);
  EXPECT_EQ(s.params().slow_period, 4);
}

TEST(SmaCrossover, GoldenThenDeathCrossOnCraftedSeries) {
  //  bar close  fast(2)            slow(4)                  sign
  //   0   10    -                  -                        warm-up
  //   1    9    -                  -                        warm-up
  //   2    8    -                  -                        warm-up
  //   3    7    (8+7)/2 = 7.5      (10+9+8+7)/4 = 8.5       -  (first ready bar: baseline)
  //   4    8    (7+8)/2 = 7.5      (9+8+7+8)/4  = 8         -
  //   5   10    (8+10)/2 = 9       (8+7+8+10)/4 = 8.25      +  -> BUY
  //   6   11    10.5               (7+8+10+11)/4 = 9        +
  //   7   12    11.5               (8+10+11+12)/4 = 10.25   +
  //   8    8    (12+8)/2 = 10      (10+11+12+8)/4 = 10.25   -  -> SELL
  //   9    7    7.5                (11+12+8+7)/4 = 9.5      -
  SmaCrossover s({2, 4}, 1);
  const auto sigs = run(s, {10, 9, 8, 7, 8, 10, 11, 12, 8, 7});
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{5, 8}));

  const Signal& buy = *sigs[5];
  EXPECT_EQ(buy.side, Side::buy);
  EXPECT_EQ(buy.symbol, 0u);
  EXPECT_EQ(buy.price, Price::from_units(10));
  EXPECT_EQ(buy.ts, kT0 + 6min);  // the bar closes at open_time + 1m
  EXPECT_EQ(buy.strategy, "sma_crossover");
  EXPECT_DOUBLE_EQ(value_named(buy, "sma_fast"), 9.0);
  EXPECT_DOUBLE_EQ(value_named(buy, "sma_slow"), 8.25);
  EXPECT_DOUBLE_EQ(value_named(buy, "close"), 10.0);
  EXPECT_GT(buy.strength, 0.0);
  EXPECT_LE(buy.strength, 1.0);
  EXPECT_FALSE(buy.reason.empty());

  const Signal& sell = *sigs[8];
  EXPECT_EQ(sell.side, Side::sell);
  EXPECT_EQ(sell.price, Price::from_units(8));
  EXPECT_DOUBLE_EQ(value_named(sell, "sma_fast"), 10.0);
  EXPECT_DOUBLE_EQ(value_named(sell, "sma_slow"), 10.25);
}

TEST(SmaCrossover, NoSignalDuringWarmUpEvenIfAveragesDiffer) {
  // fast > slow already at the first ready bar (3): no cross has been observed, so no
  // signal; fast stays above slow afterwards.
  //   bar 3: fast (3+4)/2 = 3.5 > slow (1+2+3+4)/4 = 2.5
  SmaCrossover s({2, 4}, 1);
  const auto sigs = run(s, {1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_TRUE(signal_bars(sigs).empty());
}

TEST(SmaCrossover, FlatSeriesNeverSignals) {
  SmaCrossover s({2, 4}, 1);
  std::vector<double> flat(200, 101.37);
  EXPECT_TRUE(signal_bars(run(s, flat)).empty());
}

TEST(SmaCrossover, TouchingWithoutCrossingIsNotASignal) {
  //   bar 3: 10,9,8,7  fast 7.5 slow 8.5             -
  //   bar 4: +10       fast 8.5 slow (9+8+7+10)/4=8.5  equal
  //   bar 5: +4        fast 7   slow (8+7+10+4)/4=7.25 -  (back below: no cross)
  SmaCrossover s({2, 4}, 1);
  EXPECT_TRUE(signal_bars(run(s, {10, 9, 8, 7, 10, 4})).empty());
}

TEST(SmaCrossover, CrossingThroughEqualityIsOneSignal) {
  //   bar 4: equal (as above); bar 5: +6 fast (10+6)/2=8 > slow (8+7+10+6)/4=7.75 -> BUY
  SmaCrossover s({2, 4}, 1);
  const auto sigs = run(s, {10, 9, 8, 7, 10, 6});
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{5}));
  EXPECT_EQ(sigs[5]->side, Side::buy);
}

TEST(SmaCrossover, SymbolsAreIndependent) {
  const std::vector<double> a{10, 9, 8, 7, 8, 10, 11, 12, 8, 7};  // buy at 5, sell at 8
  const std::vector<double> b{1, 2, 3, 4, 3, 1, 1, 1, 9, 9};      // bar 5: fast 2 < slow 2.75 (was >): sell;
                                                                  // bar 8: fast 5 > slow 3: buy
  SmaCrossover together({2, 4}, 2);
  std::vector<std::optional<Signal>> sa;
  std::vector<std::optional<Signal>> sb;
  for (std::size_t i = 0; i < a.size(); ++i) {  // interleaved: a0 b0 a1 b1 ...
    sa.push_back(together.on_bar(bar_at(0, i, a[i])));
    sb.push_back(together.on_bar(bar_at(1, i, b[i])));
  }
  SmaCrossover alone_a({2, 4}, 1);
  SmaCrossover alone_b({2, 4}, 2);
  const auto ra = run(alone_a, a, 0);
  const auto rb = run(alone_b, b, 1);
  ASSERT_EQ(signal_bars(sa), signal_bars(ra));
  ASSERT_EQ(signal_bars(sb), signal_bars(rb));
  ASSERT_EQ(signal_bars(sa), (std::vector<std::size_t>{5, 8}));
  ASSERT_EQ(signal_bars(sb), (std::vector<std::size_t>{5, 8}));
  EXPECT_EQ(sa[5]->side, Side::buy);
  EXPECT_EQ(sb[5]->side, Side::sell);
  EXPECT_EQ(sb[5]->symbol, 1u);
  EXPECT_EQ(sb[8]->side, Side::buy);
}

TEST(SmaCrossover, UnknownSymbolIsIgnored) {
  SmaCrossover s({2, 4}, 1);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_FALSE(s.on_bar(bar_at(5, i, i % 2 ? 1.0 : 100.0)));
}

TEST(SmaCrossover, ResetRestartsWarmUp) {
  SmaCrossover s({2, 4}, 1);
  run(s, {10, 9, 8, 7, 8});  // established "below"
  s.reset();
  // After reset the state is fresh: the same series behaves exactly as on a new instance.
  const std::vector<double> series{10, 9, 8, 7, 8, 10, 11, 12, 8, 7};
  SmaCrossover fresh({2, 4}, 1);
  EXPECT_EQ(signal_bars(run(s, series)), signal_bars(run(fresh, series)));
  s.reset();
  // Right after reset a single rising bar cannot signal (warm-up again).
  EXPECT_FALSE(s.on_bar(bar_at(0, 0, 50)));
}

TEST(SmaCrossover, MatchesExactOracleOnRandomWalk) {
  // Prices in whole cents; the oracle decides the sign of fast - slow exactly with
  // integers: sign(sum_fast * slow - sum_slow * fast). Any nonzero difference is at
  // least 0.01 / (fast * slow), far above the strategy's relative tolerance.
  constexpr int kFast = 5;
  constexpr int kSlow = 20;
  std::mt19937_64 rng(77);
  std::uniform_int_distribution<int> step(-30, 30);
  std::vector<std::int64_t> cents{100'00};
  for (int i = 1; i < 5000; ++i) cents.push_back(std::max<std::int64_t>(1'00, cents.back() + step(rng)));

  SmaCrossover s({kFast, kSlow}, 1);
  int last_sign = 0;
  int buys = 0;
  int sells = 0;
  for (std::size_t i = 0; i < cents.size(); ++i) {
    Bar b = bar_at(0, i, 0);
    b.close = Price::from_raw(cents[i] * 1'000'000);  // cents -> 1e-8 units
    const auto sig = s.on_bar(b);

    std::optional<Side> expected;
    if (i + 1 >= kSlow) {
      std::int64_t sf = 0;
      std::int64_t ss = 0;
      for (std::size_t k = i + 1 - kFast; k <= i; ++k) sf += cents[k];
      for (std::size_t k = i + 1 - kSlow; k <= i; ++k) ss += cents[k];
      const std::int64_t d = sf * kSlow - ss * kFast;
      const int sign = d > 0 ? 1 : (d < 0 ? -1 : 0);
      if (last_sign != 0 && sign != 0 && sign != last_sign) expected = sign > 0 ? Side::buy : Side::sell;
      if (sign != 0) last_sign = sign;
    }
    ASSERT_EQ(sig.has_value(), expected.has_value()) << "bar " << i;
    if (sig) {
      ASSERT_EQ(sig->side, *expected) << "bar " << i;
      (sig->side == Side::buy ? buys : sells)++;
    }
  }
  // The walk must actually exercise the strategy, and signals alternate.
  EXPECT_GT(buys, 10);
  EXPECT_LE(std::abs(buys - sells), 1);
}
