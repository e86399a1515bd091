// MACD crossover with fast 2, slow 3, signal 2, small enough to follow by hand (TA-Lib
// seeding, as the Macd indicator documents): the slow EMA(3) (k = 1/2) and the fast EMA(2)
// (k = 2/3) both start at bar 2, seeded with the mean of the last 3 and 2 closes; the signal
// EMA(2) of the line is seeded at bar 3 with the mean of the first two lines.
#include "meridian/strategies/macd_crossover.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "meridian/strategies/registry.hpp"
#include "strategy_test_support.hpp"

using meridian::core::Side;
using meridian::strategies::MacdCrossover;
using meridian::strategies::MacdCrossoverParams;
using meridian::strategies::ParamValues;
using namespace meridian::strategies::testing;

namespace {
const MacdCrossoverParams kSmall{2, 3, 2};
// Flat at 10 (every EMA exactly 10, line and signal exactly 0: equal, no relation), then a
// drop, a recovery and a second drop.
const std::vector<double> kCloses{10, 10, 10, 10, 10, 10, 7, 7, 10, 10, 7};
}  // namespace

TEST(MacdCrossover, BuysWhenLineCrossesAboveSignalSellsWhenBelow) {
  //  bar close  fast EMA(2)  slow EMA(3)  line      signal    line vs signal
  //   0-2  10   10           10           0         -         warm-up
  //   3-5  10   10           10           0         0         equal (bar 3: first pair)
  //   6    7    8            8.5          -0.5      -0.3333   below (the previous bar was
  //                                                           equal: not a cross)
  //   7    7    7.3333       7.75         -0.4167   -0.3889   below
  //   8   10    9.1111       8.875        +0.2361   +0.0278   above -> BUY
  //   9   10    9.7037       9.4375       +0.2662   +0.1867   above
  //  10    7    7.9012       8.2188       -0.3175   -0.1494   below -> SELL
  MacdCrossover s(kSmall, 1);
  const auto bars = price_bars(kCloses);
  const auto sigs = run(s, bars);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{8, 10}));

  const auto& buy = *sigs[8];
  expect_well_formed(buy, bars[8], "macd_crossover");
  EXPECT_EQ(buy.side, Side::buy);
  EXPECT_NEAR(value_named(buy, "macd"), 17.0 / 72.0, 1e-12);        // 9.1111 - 8.875
  EXPECT_NEAR(value_named(buy, "macd_signal"), 1.0 / 36.0, 1e-12);  // 0.0278
  EXPECT_NEAR(value_named(buy, "macd_histogram"), 15.0 / 72.0, 1e-12);
  EXPECT_EQ(value_named(buy, "close"), 10.0);
  // The histogram swung from -0.0278 to +0.2083, far more than 0.1% of the price: full strength.
  EXPECT_DOUBLE_EQ(buy.strength, 1.0);

  const auto& sell = *sigs[10];
  expect_well_formed(sell, bars[10], "macd_crossover");
  EXPECT_EQ(sell.side, Side::sell);
  EXPECT_LT(value_named(sell, "macd"), value_named(sell, "macd_signal"));
}

TEST(MacdCrossover, NoSignalBeforeTwoReadyBars) {
  // The line and signal first exist at bar 3, so the earliest cross is at bar 4 (warmup() = 5).
  //   bar 3 (close 7): fast 8, slow 8.5, line -0.5, signal (0 - 0.5) / 2 = -0.25: below
  //   bar 4 (close 10): fast 9.3333, slow 9.25, line +0.0833, signal -0.25 + 0.3333 * 2/3
  //   = -0.0278: above -> BUY at bar 4 = warmup() - 1.
  // The same drop one bar earlier puts the "below" into the warm-up: bar 2's line (-0.5) has
  // no signal yet, bar 3 (line 0 > signal -0.25) is the first pair, so there is no cross.
  MacdCrossover s(kSmall, 1);
  EXPECT_EQ(s.warmup(), 5u);
  const auto sigs = run(s, price_bars({10, 10, 10, 7, 10}));
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{4}));
  EXPECT_EQ(sigs[4]->side, Side::buy);
  MacdCrossover t(kSmall, 1);
  EXPECT_TRUE(signal_bars(run(t, price_bars({10, 10, 7, 10}))).empty());
}

TEST(MacdCrossover, FlatSeriesNeverSignals) {
  MacdCrossover s(kSmall, 1);
  expect_silent_on_flat_series(s);
  MacdCrossover defaults(MacdCrossoverParams{}, 1);
  expect_silent_on_flat_series(defaults);
}

TEST(MacdCrossover, SymbolsAreIndependent) {
  // b mirrors a (price -> 20 - price): its line and signal are negated, so it sells at 8 and
  // buys at 10.
  std::vector<double> mirrored;
  for (double c : kCloses) mirrored.push_back(20.0 - c);
  const auto sa = expect_symbols_independent([](std::size_t n) { return std::make_unique<MacdCrossover>(kSmall, n); },
                                             price_bars(kCloses), price_bars(mirrored));
  EXPECT_EQ(signal_bars(sa), (std::vector<std::size_t>{8, 10}));
  MacdCrossover alone(kSmall, 1);
  const auto sb = run(alone, price_bars(mirrored));
  ASSERT_EQ(signal_bars(sb), (std::vector<std::size_t>{8, 10}));
  EXPECT_EQ(sb[8]->side, Side::sell);
  EXPECT_EQ(sb[10]->side, Side::buy);
}

TEST(MacdCrossover, ResetRestartsWarmUp) {
  MacdCrossover s(kSmall, 1);
  run(s, price_bars({10, 10, 10, 7}));
  s.reset();
  EXPECT_EQ(signal_bars(run(s, price_bars(kCloses))), (std::vector<std::size_t>{8, 10}));
}

TEST(MacdCrossover, ParamsMapFromSchemaOrder) {
  ParamValues v(MacdCrossover::kSchema);
  v.set(0, 5);
  v.set(1, 35);
  v.set(2, 5);
  MacdCrossover s(v, 1);
  EXPECT_EQ(s.params(), (MacdCrossoverParams{5, 35, 5}));
  EXPECT_EQ(s.warmup(), 40u);
  EXPECT_EQ(MacdCrossover(ParamValues(MacdCrossover::kSchema), 1).warmup(), 35u);
}

TEST(MacdCrossover, RejectsInvalidParams) {
  EXPECT_THROW(MacdCrossover(MacdCrossoverParams{0, 26, 9}, 1), std::invalid_argument);
  EXPECT_THROW(MacdCrossover(MacdCrossoverParams{26, 26, 9}, 1), std::invalid_argument);
  EXPECT_THROW(MacdCrossover(MacdCrossoverParams{30, 26, 9}, 1), std::invalid_argument);
  EXPECT_THROW(MacdCrossover(MacdCrossoverParams{12, 26, 0}, 1), std::invalid_argument);

  const auto* cls = meridian::strategies::find_strategy_class("macd_crossover");
  ASSERT_NE(cls, nullptr);
  ParamValues v(cls->params);
  v.set(0, 26);
  const auto err = meridian::strategies::validate_params(*cls, v);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("fast_period"), std::string::npos) << *err;
}
