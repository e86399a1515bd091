// Properties every indicator must have, as typed tests over all of them (probes.hpp): warm-up
// length and NaN before it, reset() replays identically, core::Bar input equals double input,
// flat series stay finite. Then the special series: flat, flat after a move, monotone up and
// down, a huge one-bar spike, prices near 1e-6.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "meridian/indicators/indicator_set.hpp"
#include "probes.hpp"

namespace meridian::indicators {
namespace {

using testing::flat_bars;
using testing::random_bars;
using testing::same;

template <class Probe>
class EveryIndicator : public ::testing::Test {};
TYPED_TEST_SUITE(EveryIndicator, testing::AllProbes);

TYPED_TEST(EveryIndicator, ReadyExactlyAfterWarmupBars) {
  auto ind = TypeParam::make();
  const auto bars = random_bars(200, 1);
  ASSERT_LT(ind.warmup(), bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    TypeParam::feed(ind, bars[i]);
    ASSERT_EQ(ind.ready(), i + 1 >= ind.warmup()) << "bar " << i;
    // value() is NaN exactly until ready().
    ASSERT_EQ(std::isnan(ind.value()), !ind.ready()) << "bar " << i;
  }
}

TYPED_TEST(EveryIndicator, ResetThenReplayIsIdentical) {
  const auto first = random_bars(150, 2);
  const auto second = random_bars(150, 3, 57.0);
  auto used = TypeParam::make();
  for (const auto& b : first) TypeParam::feed(used, b);
  used.reset();
  EXPECT_FALSE(used.ready());
  auto fresh = TypeParam::make();
  for (std::size_t i = 0; i < second.size(); ++i) {
    TypeParam::feed(used, second[i]);
    TypeParam::feed(fresh, second[i]);
    const auto a = TypeParam::outputs(used);
    const auto b = TypeParam::outputs(fresh);
    for (std::size_t k = 0; k < a.size(); ++k) ASSERT_TRUE(same(a[k], b[k])) << "bar " << i << " output " << k;
  }
}

TYPED_TEST(EveryIndicator, CopyContinuesIndependently) {
  const auto bars = random_bars(120, 4);
  auto original = TypeParam::make();
  for (std::size_t i = 0; i < 60; ++i) TypeParam::feed(original, bars[i]);
  auto copy = original;
  for (std::size_t i = 60; i < bars.size(); ++i) {
    TypeParam::feed(original, bars[i]);
    TypeParam::feed(copy, bars[i]);
  }
  const auto a = TypeParam::outputs(original);
  const auto b = TypeParam::outputs(copy);
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(same(a[k], b[k]));
}

TYPED_TEST(EveryIndicator, FixedPointBarEqualsDoubleBar) {
  // Prices with at most 8 decimals convert to the same doubles either way.
  auto from_bars = TypeParam::make();
  auto from_doubles = TypeParam::make();
  for (const auto& b : random_bars(120, 5)) {
    core::Bar bar;
    bar.open_time = b.time;
    bar.open = core::Price::from_double(b.open);
    bar.high = core::Price::from_double(b.high);
    bar.low = core::Price::from_double(b.low);
    bar.close = core::Price::from_double(b.close);
    bar.volume = core::Quantity::from_double(b.volume);
    from_bars.update(bar);
    TypeParam::feed(from_doubles, to_ohlcv(bar));
    const auto a = TypeParam::outputs(from_bars);
    const auto c = TypeParam::outputs(from_doubles);
    for (std::size_t k = 0; k < a.size(); ++k) ASSERT_TRUE(same(a[k], c[k])) << "output " << k;
  }
}

TYPED_TEST(EveryIndicator, FlatSeriesGivesFiniteValues) {
  for (double price : {100.1, 0.0, 1e-6, 12345.678}) {
    auto ind = TypeParam::make();
    for (const auto& b : flat_bars(300, price)) {
      TypeParam::feed(ind, b);
      if (!ind.ready()) continue;
      for (double v : TypeParam::outputs(ind)) ASSERT_TRUE(std::isfinite(v)) << "price " << price;
    }
  }
}

// ---- flat series ---------------------------------------------------------------------------

TEST(FlatSeries, NeutralValuesWithoutNaN) {
  for (double price : {100.1, 100.25, 1e-6, 0.0}) {
    SCOPED_TRACE(price);
    Rsi rsi(14);
    BollingerBands bb(20, 2.0);
    Atr atr(14);
    Adx adx(14);
    StochRsi stoch;
    Macd macd;
    Ema ema(20);
    SessionVwap vwap;
    RollingVwap rolling(20);
    SuperTrend st;
    for (const auto& b : flat_bars(400, price, 0.0)) {
      rsi.update(b.close);
      bb.update(b.close);
      atr.update(b);
      adx.update(b);
      stoch.update(b.close);
      macd.update(b.close);
      ema.update(b.close);
      vwap.update(b);
      rolling.update(b);
      st.update(b);
    }
    EXPECT_EQ(rsi.value(), 50.0);
    EXPECT_EQ(bb.stddev(), 0.0);
    EXPECT_EQ(bb.upper(), bb.middle());  // exactly zero width
    EXPECT_EQ(bb.lower(), bb.middle());
    EXPECT_EQ(atr.value(), 0.0);
    EXPECT_EQ(adx.plus_di(), 0.0);
    EXPECT_EQ(adx.minus_di(), 0.0);
    EXPECT_EQ(adx.adx(), 0.0);
    EXPECT_EQ(stoch.k(), 0.0);
    EXPECT_EQ(stoch.d(), 0.0);
    // The two EMAs are seeded with means of different lengths, which may round apart by an ulp.
    EXPECT_NEAR(macd.line(), 0.0, 1e-13 * price);
    EXPECT_NEAR(macd.histogram(), 0.0, 1e-13 * price);
    EXPECT_DOUBLE_EQ(ema.value(), price);
    EXPECT_DOUBLE_EQ(vwap.value(), price);  // no volume anywhere: the typical price, not 0/0
    EXPECT_DOUBLE_EQ(rolling.value(), price);
    EXPECT_DOUBLE_EQ(st.value(), price);
    EXPECT_EQ(st.direction(), -1);
  }
}

TEST(FlatSeries, AfterAMoveBandsCloseAndStochasticsSettle) {
  BollingerBands bb(20, 2.0);
  StochRsi stoch;
  Adx adx(14);
  Rsi rsi(14);
  auto bars = random_bars(200, 6);
  const auto flat = flat_bars(100, bars.back().close);
  bars.insert(bars.end(), flat.begin(), flat.end());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    bb.update(bars[i].close);
    stoch.update(bars[i].close);
    adx.update(bars[i]);
    rsi.update(bars[i].close);
    if (adx.ready()) {
      ASSERT_TRUE(std::isfinite(adx.adx()) && std::isfinite(adx.plus_di())) << "bar " << i;
    }
    if (i >= 200 + 19) {
      ASSERT_EQ(bb.stddev(), 0.0) << "bar " << i;  // 20 equal closes: exactly no width
      ASSERT_EQ(bb.upper(), bb.lower());
    }
    // The RSI is constant through the flat stretch but its last bits wobble as both Wilder
    // averages decay; once 14 such values fill the window (bar 213) the range is flat, so raw
    // is 0, %K (3 bars) is 0 from bar 215 and %D from bar 217, up to running-sum residue
    // until the next lap of their windows re-sums them exactly.
    if (i >= 200 + 15) {
      ASSERT_NEAR(stoch.k(), 0.0, 1e-12) << "bar " << i;
    }
    if (i >= 200 + 17) {
      ASSERT_NEAR(stoch.d(), 0.0, 1e-12) << "bar " << i;
    }
    if (i >= 200 + 25) {
      ASSERT_EQ(stoch.k(), 0.0) << "bar " << i;
      ASSERT_EQ(stoch.d(), 0.0) << "bar " << i;
    }
  }
  EXPECT_EQ(stoch.k(), 0.0);
  EXPECT_EQ(stoch.d(), 0.0);
  EXPECT_GT(rsi.value(), 0.0);
  EXPECT_LT(rsi.value(), 100.0);
}

// ---- monotone series -------------------------------------------------------------------------

TEST(MonotoneSeries, RisingGivesRsi100AndFullAdx) {
  Rsi rsi(14);
  Adx adx(14);
  StochRsi stoch;
  SuperTrend st;
  for (int i = 0; i < 300; ++i) {
    const double c = 100.0 + i * 0.5;
    const Ohlcv bar{{}, c - 0.2, c + 0.1, c - 0.3, c, 10.0};
    rsi.update(c);
    adx.update(bar);
    stoch.update(c);
    st.update(bar);
    if (rsi.ready()) {
      ASSERT_EQ(rsi.value(), 100.0) << "bar " << i;
    }
    if (adx.di_ready()) {
      ASSERT_EQ(adx.minus_di(), 0.0) << "bar " << i;
    }
    if (adx.ready()) {
      ASSERT_NEAR(adx.adx(), 100.0, 1e-9) << "bar " << i;
    }
    if (stoch.ready()) {
      ASSERT_EQ(stoch.k(), 0.0) << "a constant RSI of 100 has no range";
    }
  }
  EXPECT_GT(adx.plus_di(), 0.0);
  EXPECT_EQ(st.direction(), 1);
  EXPECT_LT(st.value(), 100.0 + 299 * 0.5);  // the line trails below price in an up trend
}

TEST(MonotoneSeries, FallingGivesRsi0) {
  Rsi rsi(14);
  Adx adx(14);
  for (int i = 0; i < 100; ++i) {
    const double c = 500.0 - i;
    rsi.update(c);
    adx.update(Ohlcv{{}, c + 0.5, c + 1.0, c - 0.5, c, 1.0});
    if (rsi.ready()) {
      ASSERT_EQ(rsi.value(), 0.0);
    }
    if (adx.di_ready()) {
      ASSERT_EQ(adx.plus_di(), 0.0);
    }
  }
}

// ---- extreme series --------------------------------------------------------------------------

TEST(ExtremeSeries, OneBarSpikeOfAMillionTimesLeavesNoResidue) {
  // After a 1e6x spike leaves every window, each indicator agrees with a twin that never
  // saw it but was fed the same recent history.
  auto bars = random_bars(400, 8);
  bars[100].high = bars[100].close = bars[100].open = bars[100].close * 1e6;
  BollingerBands with(20, 2.0), without(20, 2.0);
  Sma sma_with(20), sma_without(20);
  RollingVwap vwap_with(20), vwap_without(20);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    with.update(bars[i].close);
    sma_with.update(bars[i].close);
    vwap_with.update(bars[i]);
    if (i > 100) {
      without.update(bars[i].close);
      sma_without.update(bars[i].close);
      vwap_without.update(bars[i]);
    }
    if (i >= 140) {
      ASSERT_NEAR(with.stddev(), without.stddev(), 1e-12 * without.stddev()) << "bar " << i;
      ASSERT_NEAR(sma_with.value(), sma_without.value(), 1e-13 * sma_without.value()) << "bar " << i;
      ASSERT_NEAR(vwap_with.value(), vwap_without.value(), 1e-13 * vwap_without.value()) << "bar " << i;
    }
  }
}

TEST(ExtremeSeries, PricesNearOneMillionthStillHaveDirection) {
  // TA-Lib 0.4 treats values below 1e-8 as zero, which would zero these DIs; we do not.
  Adx adx(14);
  Rsi rsi(14);
  Atr atr(14);
  BollingerBands bb(20, 2.0);
  for (const auto& b : random_bars(200, 9, 1e-6)) {
    adx.update(b);
    rsi.update(b.close);
    atr.update(b);
    bb.update(b.close);
  }
  EXPECT_GT(adx.plus_di(), 1.0);
  EXPECT_GT(adx.minus_di(), 1.0);
  EXPECT_GT(adx.adx(), 0.0);
  EXPECT_NE(rsi.value(), 50.0);
  EXPECT_GT(atr.value(), 0.0);
  EXPECT_GT(bb.stddev(), 0.0);
}

TEST(ExtremeSeries, NaNInputRecoversAfterItLeavesTheWindow) {
  Sma sma(5);
  BollingerBands bb(5, 2.0);
  for (int i = 0; i < 20; ++i) {
    const double x = i == 3 ? std::numeric_limits<double>::quiet_NaN() : 10.0 + i;
    sma.update(x);
    bb.update(x);
  }
  EXPECT_DOUBLE_EQ(sma.value(), 27.0);  // mean of 25..29
  EXPECT_NEAR(bb.stddev(), std::sqrt(2.0), 1e-12);
}

}  // namespace
}  // namespace meridian::indicators
