// SuperTrend flip with a 2-bar ATR and factor 1, small enough to follow by hand: true range
// from bar 1, ATR at bar 2 = mean of TR 1..2, then (ATR + TR) / 2; bands (H + L) / 2 ± ATR,
// ratcheted as the SuperTrend indicator documents; the direction starts down at bar 2.
// Prices sit near 1000 so the strength (breakout as a fraction of price) is not saturated.
#include "meridian/strategies/supertrend_flip.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "meridian/strategies/registry.hpp"
#include "strategy_test_support.hpp"

using meridian::core::Bar;
using meridian::core::Side;
using meridian::strategies::ParamValues;
using meridian::strategies::SuperTrendFlip;
using meridian::strategies::SuperTrendFlipParams;
using namespace meridian::strategies::testing;

namespace {
const SuperTrendFlipParams kSmall{2, 1.0};

struct Hlc {
  double high, low, close;
};

std::vector<Bar> hlc_bars(const std::vector<Hlc>& spec) {
  std::vector<Bar> bars;
  for (std::size_t i = 0; i < spec.size(); ++i)
    bars.push_back(ohlc_bar(0, i, spec[i].high, spec[i].low, spec[i].close));
  return bars;
}

const std::vector<Hlc> kUpThenDown{{1011, 1009, 1010}, {1011, 1009, 1010}, {1011, 1009, 1010}, {1011, 1009, 1010},
                                   {1015, 1013, 1015}, {1015, 1013, 1014}, {1011, 1009, 1009}};
}  // namespace

TEST(SuperTrendFlip, BuysOnFlipUpSellsOnFlipDown) {
  //  bar H/L/C             TR  ATR    final upper  final lower  direction
  //   0-1 1011/1009/1010   2   -      -            -            warm-up
  //   2   1011/1009/1010   2   2      1012         1008         down (first value: baseline)
  //   3   1011/1009/1010   2   2      1012         1008         down
  //   4   1015/1013/1015   5   3.5    1012 (kept)  1010.5       close 1015 > 1012: up -> BUY
  //   5   1015/1013/1014   2   2.75   1016.75      1011.25      up
  //   6   1011/1009/1009   5   3.875  1013.875     1011.25      close 1009 < 1011.25: down -> SELL
  SuperTrendFlip s(kSmall, 1);
  const auto bars = hlc_bars(kUpThenDown);
  const auto sigs = run(s, bars);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{4, 6}));

  const auto& buy = *sigs[4];
  expect_well_formed(buy, bars[4], "supertrend_flip");
  EXPECT_EQ(buy.side, Side::buy);
  EXPECT_DOUBLE_EQ(value_named(buy, "close"), 1015.0);
  EXPECT_DOUBLE_EQ(value_named(buy, "supertrend"), 1010.5);  // the lower band carries an up trend
  EXPECT_DOUBLE_EQ(value_named(buy, "supertrend_upper"), 1012.0);
  EXPECT_DOUBLE_EQ(value_named(buy, "supertrend_lower"), 1010.5);
  EXPECT_NEAR(buy.strength, (1015.0 - 1012.0) / (0.01 * 1015.0), 1e-12);  // 3 beyond the band

  const auto& sell = *sigs[6];
  expect_well_formed(sell, bars[6], "supertrend_flip");
  EXPECT_EQ(sell.side, Side::sell);
  EXPECT_DOUBLE_EQ(value_named(sell, "supertrend"), 1013.875);
  EXPECT_NEAR(sell.strength, (1011.25 - 1009.0) / (0.01 * 1009.0), 1e-12);
}

TEST(SuperTrendFlip, EarliestFlipIsTheBarAfterTheFirstValue) {
  // The jump of bar 4 above, one bar earlier: the first value (bar 2) is down, bar 3 flips up.
  SuperTrendFlip s(kSmall, 1);
  EXPECT_EQ(s.warmup(), 4u);
  const auto sigs = run(s, hlc_bars({{1011, 1009, 1010}, {1011, 1009, 1010}, {1011, 1009, 1010}, {1015, 1013, 1015}}));
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{3}));
  EXPECT_EQ(sigs[3]->side, Side::buy);
}

TEST(SuperTrendFlip, TheStartingDirectionIsNotAFlip) {
  // The jump lands on the first ready bar (bar 2: TR 6, ATR 4, upper 1019, lower 1011), which
  // starts "down" whatever the close does; then the price holds at 1015 and the upper band
  // (1015 + ATR, ATR falling towards 2) stays above it: no flip, so no signal at all.
  std::vector<Hlc> spec{{1011, 1009, 1010}, {1011, 1009, 1010}};
  for (int i = 0; i < 20; ++i) spec.push_back({1016, 1014, 1015});
  SuperTrendFlip s(kSmall, 1);
  EXPECT_TRUE(signal_bars(run(s, hlc_bars(spec))).empty());
}

TEST(SuperTrendFlip, FlatSeriesNeverSignals) {
  SuperTrendFlip s(kSmall, 1);
  expect_silent_on_flat_series(s);
  SuperTrendFlip defaults(SuperTrendFlipParams{}, 1);
  expect_silent_on_flat_series(defaults);
}

TEST(SuperTrendFlip, SymbolsAreIndependent) {
  // b mirrors a (price -> 2000 - price). SuperTrend is not symmetric (it starts down), so the
  // mirrored jump at bar 4 only confirms "down", and the mirrored drop at bar 6 flips it up.
  std::vector<Hlc> mirrored;
  for (const auto& h : kUpThenDown) mirrored.push_back({2000 - h.low, 2000 - h.high, 2000 - h.close});
  const auto sa = expect_symbols_independent([](std::size_t n) { return std::make_unique<SuperTrendFlip>(kSmall, n); },
                                             hlc_bars(kUpThenDown), hlc_bars(mirrored));
  EXPECT_EQ(signal_bars(sa), (std::vector<std::size_t>{4, 6}));
  SuperTrendFlip alone(kSmall, 1);
  const auto sb = run(alone, hlc_bars(mirrored));
  ASSERT_EQ(signal_bars(sb), (std::vector<std::size_t>{6}));
  EXPECT_EQ(sb[6]->side, Side::buy);
}

TEST(SuperTrendFlip, ResetRestartsWarmUp) {
  SuperTrendFlip s(kSmall, 1);
  run(s, hlc_bars(kUpThenDown));
  s.reset();
  EXPECT_EQ(signal_bars(run(s, hlc_bars(kUpThenDown))), (std::vector<std::size_t>{4, 6}));
}

TEST(SuperTrendFlip, ParamsMapFromSchemaOrder) {
  ParamValues v(SuperTrendFlip::kSchema);
  v.set(0, 7);
  v.set(1, 2.5);
  SuperTrendFlip s(v, 1);
  EXPECT_EQ(s.params(), (SuperTrendFlipParams{7, 2.5}));
  EXPECT_EQ(s.warmup(), 9u);
}

TEST(SuperTrendFlip, RejectsInvalidParams) {
  EXPECT_THROW(SuperTrendFlip(SuperTrendFlipParams{0, 3.0}, 1), std::invalid_argument);
  EXPECT_THROW(SuperTrendFlip(SuperTrendFlipParams{10, 0.0}, 1), std::invalid_argument);

  const auto* cls = meridian::strategies::find_strategy_class("supertrend_flip");
  ASSERT_NE(cls, nullptr);
  ParamValues v(cls->params);
  v.set(1, 100.0);
  const auto err = meridian::strategies::validate_params(*cls, v);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("factor"), std::string::npos) << *err;
}
