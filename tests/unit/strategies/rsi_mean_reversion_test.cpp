// RSI mean reversion on crafted series with a 2-bar RSI, small enough to follow by hand:
// Wilder averages seeded with the mean of the first two changes, then avg = (avg + x) / 2,
// RSI = 100 * AG / (AG + AL).
#include "meridian/strategies/rsi_mean_reversion.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "meridian/strategies/registry.hpp"
#include "strategy_test_support.hpp"

using meridian::core::Side;
using meridian::strategies::ParamValues;
using meridian::strategies::RsiMeanReversion;
using meridian::strategies::RsiMeanReversionParams;
using meridian::strategies::Strategy;
using namespace meridian::strategies::testing;

namespace {
const RsiMeanReversionParams kSmall{2, 30.0, 70.0};
}

TEST(RsiMeanReversion, BuysOnCrossUpThroughOversoldSellsOnCrossDownThroughOverbought) {
  //  bar close change  AG                AL                  RSI
  //   0   10    -      -                 -                   warm-up
  //   1    9   -1      -                 -                   warm-up
  //   2    8   -1      0                 1                   0      first value: baseline
  //   3    8    0      0                 0.5                 0      below 30
  //   4   11   +3      1.5               0.25                85.71  crossed up through 30 -> BUY
  //                                                                 (crossing 70 upwards is not a sell)
  //   5   11    0      0.75              0.125               85.71
  //   6    9   -2      0.375             1.0625              26.09  crossed down through 70 -> SELL
  //                                                                 (crossing 30 downwards is not a buy)
  RsiMeanReversion s(kSmall, 1);
  const auto bars = price_bars({10, 9, 8, 8, 11, 11, 9});
  const auto sigs = run(s, bars);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{4, 6}));

  const auto& buy = *sigs[4];
  expect_well_formed(buy, bars[4], "rsi_mean_reversion");
  EXPECT_EQ(buy.side, Side::buy);
  EXPECT_NEAR(value_named(buy, "rsi"), 100.0 * 1.5 / 1.75, 1e-9);
  EXPECT_EQ(value_named(buy, "oversold"), 30.0);
  EXPECT_EQ(value_named(buy, "rsi_trough"), 0.0);
  EXPECT_EQ(value_named(buy, "close"), 11.0);
  EXPECT_DOUBLE_EQ(buy.strength, 1.0);  // the RSI had reached 0: the deepest possible trough

  const auto& sell = *sigs[6];
  expect_well_formed(sell, bars[6], "rsi_mean_reversion");
  EXPECT_EQ(sell.side, Side::sell);
  EXPECT_NEAR(value_named(sell, "rsi"), 100.0 * 0.375 / 1.4375, 1e-9);
  EXPECT_NEAR(value_named(sell, "rsi_peak"), 100.0 * 1.5 / 1.75, 1e-9);
  // Peak 85.71 of a possible 100 beyond 70: (85.71 - 70) / 30.
  EXPECT_NEAR(sell.strength, (100.0 * 1.5 / 1.75 - 70.0) / 30.0, 1e-9);
}

TEST(RsiMeanReversion, EarliestSignalIsTheBarAfterTheFirstRsi) {
  //   bar 2: RSI 0 (baseline); bar 3: +3 -> AG 1.5, AL 0.5, RSI 75 -> BUY at bar 3 = warmup() - 1
  RsiMeanReversion s(kSmall, 1);
  EXPECT_EQ(s.warmup(), 4u);
  const auto sigs = run(s, price_bars({10, 9, 8, 11}));
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{3}));
  EXPECT_EQ(sigs[3]->side, Side::buy);
}

TEST(RsiMeanReversion, NoSignalWhenTheFirstRsiIsAlreadyPastTheLevel) {
  // The RSI starts at 100 (bar 2) after a warm-up that fell and rose: nothing was crossed
  // between two RSI values, and it stays at 100 while the price rises.
  RsiMeanReversion s(kSmall, 1);
  EXPECT_TRUE(signal_bars(run(s, price_bars({10, 11, 12, 13, 14, 15}))).empty());
}

TEST(RsiMeanReversion, TouchingTheLevelIsNotACross) {
  // oversold 50 is hit exactly: bar 2 RSI 0; bar 3 +1 -> AG 0.5, AL 0.5 -> RSI 50 (equal);
  // bar 4 +1 -> AG 0.75, AL 0.25 -> 75: the previous bar was on the level, not below it.
  RsiMeanReversion s(RsiMeanReversionParams{2, 50.0, 70.0}, 1);
  EXPECT_TRUE(signal_bars(run(s, price_bars({10, 9, 8, 9, 10}))).empty());
}

TEST(RsiMeanReversion, FlatSeriesNeverSignals) {
  RsiMeanReversion s(kSmall, 1);
  expect_silent_on_flat_series(s);
}

TEST(RsiMeanReversion, SymbolsAreIndependent) {
  // b mirrors a (price -> 20 - price): its RSI is 100 - RSI, so it sells at 4 and buys at 6.
  const auto a = price_bars({10, 9, 8, 8, 11, 11, 9});
  const auto b = price_bars({10, 11, 12, 12, 9, 9, 11});
  const auto sa =
      expect_symbols_independent([](std::size_t n) { return std::make_unique<RsiMeanReversion>(kSmall, n); }, a, b);
  EXPECT_EQ(signal_bars(sa), (std::vector<std::size_t>{4, 6}));
  RsiMeanReversion alone(kSmall, 1);
  const auto sb = run(alone, b);
  ASSERT_EQ(signal_bars(sb), (std::vector<std::size_t>{4, 6}));
  EXPECT_EQ(sb[4]->side, Side::sell);
  EXPECT_EQ(sb[6]->side, Side::buy);
}

TEST(RsiMeanReversion, ResetRestartsWarmUp) {
  RsiMeanReversion s(kSmall, 1);
  run(s, price_bars({10, 9, 8, 8}));  // established "below 30"
  s.reset();
  EXPECT_TRUE(signal_bars(run(s, price_bars({11, 12, 13, 14}))).empty());
  s.reset();
  EXPECT_EQ(signal_bars(run(s, price_bars({10, 9, 8, 8, 11, 11, 9}))), (std::vector<std::size_t>{4, 6}));
}

TEST(RsiMeanReversion, ParamsMapFromSchemaOrder) {
  ParamValues v(RsiMeanReversion::kSchema);
  v.set(0, 9);
  v.set(1, 25);
  v.set(2, 80);
  RsiMeanReversion s(v, 1);
  EXPECT_EQ(s.params(), (RsiMeanReversionParams{9, 25.0, 80.0}));
  EXPECT_EQ(s.warmup(), 11u);
  EXPECT_EQ(RsiMeanReversion(ParamValues(RsiMeanReversion::kSchema), 1).params(), RsiMeanReversionParams{});
}

TEST(RsiMeanReversion, RejectsInvalidParams) {
  EXPECT_THROW(RsiMeanReversion(RsiMeanReversionParams{1, 30, 70}, 1), std::invalid_argument);
  EXPECT_THROW(RsiMeanReversion(RsiMeanReversionParams{14, 70, 30}, 1), std::invalid_argument);
  EXPECT_THROW(RsiMeanReversion(RsiMeanReversionParams{14, 50, 50}, 1), std::invalid_argument);
  EXPECT_THROW(RsiMeanReversion(RsiMeanReversionParams{14, 0, 70}, 1), std::invalid_argument);
  EXPECT_THROW(RsiMeanReversion(RsiMeanReversionParams{14, 30, 100}, 1), std::invalid_argument);

  const auto* cls = meridian::strategies::find_strategy_class("rsi_mean_reversion");
  ASSERT_NE(cls, nullptr);
  ParamValues v(cls->params);
  v.set(1, 70);
  v.set(2, 30);
  const auto err = meridian::strategies::validate_params(*cls, v);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("oversold"), std::string::npos) << *err;
}
