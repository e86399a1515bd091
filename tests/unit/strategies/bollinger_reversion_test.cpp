// Bollinger reversion with a 3-bar window and bands 1 standard deviation wide, small enough
// to follow by hand: middle = mean of the last 3 closes, sd = population standard deviation.
#include "meridian/strategies/bollinger_reversion.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "meridian/strategies/registry.hpp"
#include "strategy_test_support.hpp"

using meridian::core::Side;
using meridian::strategies::BollingerReversion;
using meridian::strategies::BollingerReversionParams;
using meridian::strategies::ParamValues;
using namespace meridian::strategies::testing;

namespace {
const BollingerReversionParams kSmall{3, 1.0};
const std::vector<double> kCloses{10, 10, 10, 7, 8, 11, 10};
}  // namespace

TEST(BollingerReversion, BuysOnReentryFromBelowSellsOnReentryFromAbove) {
  //  bar close  window     middle   sd       lower    upper    close is
  //   0-1  10   -          -        -        -        -        warm-up
  //   2   10   10 10 10   10       0        10       10       on both bands (first bands)
  //   3    7   10 10  7   9        1.4142   7.5858   10.4142  below the lower band
  //   4    8   10  7  8   8.3333   1.2472   7.0861   9.5806   inside -> BUY
  //   5   11    7  8 11   8.6667   1.6997   6.9670   10.3663  above the upper band
  //   6   10    8 11 10   9.6667   1.2472   8.4194   10.9139  inside -> SELL
  BollingerReversion s(kSmall, 1);
  const auto bars = price_bars(kCloses);
  const auto sigs = run(s, bars);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{4, 6}));

  const auto& buy = *sigs[4];
  expect_well_formed(buy, bars[4], "bollinger_reversion");
  EXPECT_EQ(buy.side, Side::buy);
  const double sd = std::sqrt(14.0) / 3.0;  // deviations 5/3, -4/3, -1/3: variance 14/9
  EXPECT_EQ(value_named(buy, "close"), 8.0);
  EXPECT_NEAR(value_named(buy, "bb_middle"), 25.0 / 3.0, 1e-9);
  EXPECT_NEAR(value_named(buy, "bb_lower"), 25.0 / 3.0 - sd, 1e-9);
  EXPECT_NEAR(value_named(buy, "bb_upper"), 25.0 / 3.0 + sd, 1e-9);
  // Room left to the middle band in half-widths: (8.3333 - 8) / 1.2472 = 1 / sqrt(14).
  EXPECT_NEAR(buy.strength, 1.0 / std::sqrt(14.0), 1e-9);

  const auto& sell = *sigs[6];
  expect_well_formed(sell, bars[6], "bollinger_reversion");
  EXPECT_EQ(sell.side, Side::sell);
  EXPECT_NEAR(value_named(sell, "bb_middle"), 29.0 / 3.0, 1e-9);
  EXPECT_NEAR(sell.strength, 1.0 / std::sqrt(14.0), 1e-9);  // (10 - 9.6667) / 1.2472
}

TEST(BollingerReversion, JumpAcrossBothBandsIsNotAReversion) {
  //   bar 3 close 7: below (as above); bar 4 close 20: window 10 7 20, middle 12.3333,
  //   sd 5.5578, upper 17.8911: from below the lower band to above the upper one.
  BollingerReversion s(kSmall, 1);
  EXPECT_TRUE(signal_bars(run(s, price_bars({10, 10, 10, 7, 20}))).empty());
}

TEST(BollingerReversion, NoSignalOnTheFirstBands) {
  // The first bands (bar 2) have the close inside; the warm-up bars were far below them, but
  // no band existed then, so nothing was re-entered. warmup() = 4: bar 3 at the earliest.
  //   bar 2: window 1 10 10 -> middle 7, sd 4.2426, lower 2.7574: close 10 inside.
  BollingerReversion s(kSmall, 1);
  EXPECT_EQ(s.warmup(), 4u);
  EXPECT_TRUE(signal_bars(run(s, price_bars({1, 10, 10, 10}))).empty());
  // Earliest possible: below at bar 2, back inside at bar 3 = warmup() - 1.
  //   bar 2: window 10 10 7, lower 9 - 1.4142 = 7.5858 -> 7 below;
  //   bar 3: window 10 7 8 -> lower 7.0861 -> 8 inside: BUY.
  BollingerReversion t(kSmall, 1);
  EXPECT_EQ(signal_bars(run(t, price_bars({10, 10, 7, 8}))), (std::vector<std::size_t>{3}));
}

TEST(BollingerReversion, FlatSeriesNeverSignals) {
  BollingerReversion s(kSmall, 1);
  expect_silent_on_flat_series(s);
  BollingerReversion defaults(BollingerReversionParams{}, 1);
  expect_silent_on_flat_series(defaults);
}

TEST(BollingerReversion, SymbolsAreIndependent) {
  // b mirrors a (price -> 20 - price): bands mirror too, so it sells at 4 and buys at 6.
  std::vector<double> mirrored;
  for (double c : kCloses) mirrored.push_back(20.0 - c);
  const auto sa =
      expect_symbols_independent([](std::size_t n) { return std::make_unique<BollingerReversion>(kSmall, n); },
                                 price_bars(kCloses), price_bars(mirrored));
  EXPECT_EQ(signal_bars(sa), (std::vector<std::size_t>{4, 6}));
  BollingerReversion alone(kSmall, 1);
  const auto sb = run(alone, price_bars(mirrored));
  ASSERT_EQ(signal_bars(sb), (std::vector<std::size_t>{4, 6}));
  EXPECT_EQ(sb[4]->side, Side::sell);
  EXPECT_EQ(sb[6]->side, Side::buy);
}

TEST(BollingerReversion, ResetRestartsWarmUp) {
  BollingerReversion s(kSmall, 1);
  run(s, price_bars({10, 10, 10, 7}));  // established "below"
  s.reset();
  EXPECT_TRUE(signal_bars(run(s, price_bars({8, 8, 8}))).empty());
  s.reset();
  EXPECT_EQ(signal_bars(run(s, price_bars(kCloses))), (std::vector<std::size_t>{4, 6}));
}

TEST(BollingerReversion, ParamsMapFromSchemaOrder) {
  ParamValues v(BollingerReversion::kSchema);
  v.set(0, 30);
  v.set(1, 2.5);
  BollingerReversion s(v, 1);
  EXPECT_EQ(s.params(), (BollingerReversionParams{30, 2.5}));
  EXPECT_EQ(s.warmup(), 31u);
}

TEST(BollingerReversion, RejectsInvalidParams) {
  EXPECT_THROW(BollingerReversion(BollingerReversionParams{1, 2.0}, 1), std::invalid_argument);
  EXPECT_THROW(BollingerReversion(BollingerReversionParams{20, 0.0}, 1), std::invalid_argument);
  EXPECT_THROW(BollingerReversion(BollingerReversionParams{20, -1.0}, 1), std::invalid_argument);

  const auto* cls = meridian::strategies::find_strategy_class("bollinger_reversion");
  ASSERT_NE(cls, nullptr);
  ParamValues v(cls->params);
  v.set(1, 0.0);
  const auto err = meridian::strategies::validate_params(*cls, v);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("stddev_multiplier"), std::string::npos) << *err;
}
