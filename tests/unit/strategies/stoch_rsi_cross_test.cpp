// Stochastic RSI cross with RSI 2, stochastic window 3, %K 1, %D 2, small enough to follow by
// hand: %K is the raw stochastic of the last 3 RSI values and %D the mean of the last two %K,
// so %K crosses above %D exactly when the raw stochastic rises after falling.
#include "meridian/strategies/stoch_rsi_cross.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "meridian/strategies/registry.hpp"
#include "strategy_test_support.hpp"

using meridian::core::Side;
using meridian::strategies::ParamValues;
using meridian::strategies::StochRsiCross;
using meridian::strategies::StochRsiCrossParams;
using namespace meridian::strategies::testing;

namespace {
const StochRsiCrossParams kSmall{2, 3, 1, 2, 20.0, 80.0, 50.0};
const std::vector<double> kCloses{50, 49, 48, 47, 39, 35, 38, 41, 44, 36, 36.5};

std::vector<double> mirrored(const std::vector<double>& closes) {
  std::vector<double> out;
  for (double c : closes) out.push_back(100.0 - c);
  return out;
}
}  // namespace

TEST(StochRsiCross, BuysOnCrossUpInOversoldZone) {
  //  bar close chg  AG        AL         RSI     raw (window of 3 RSI)  %K      %D     %K vs %D
  //   0-1  50,49                                                                       warm-up
  //   2   48   -1   0         1          0       -                      -       -
  //   3   47   -1   0         1          0       -                      -       -
  //   4   39   -8   0         4.5        0       0 (flat: 0)            0       -
  //   5   35   -4   0         4.25       0       0                      0       0      equal (first pair)
  //   6   38   +3   1.5       2.125      41.38   100                    100     50     above (from equal)
  //   7   41   +3   2.25      1.0625     67.92   100                    100     100    equal
  //   8   44   +3   2.625     0.53125    83.17   100                    100     100    equal
  //   9   36   -8   1.3125    4.265625   23.53   0 (new low)            0       50     below (from equal)
  //  10   36.5 +0.5 0.90625   2.1328125  29.82   (29.82-23.53)/(83.17-23.53) = 10.55
  //                                                                     10.55   5.27   above -> BUY:
  //                                                                     %K, %D < 20 and RSI 29.82 < 50
  StochRsiCross s(kSmall, 1);
  const auto bars = price_bars(kCloses);
  const auto sigs = run(s, bars);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{10}));

  const auto& buy = *sigs[10];
  expect_well_formed(buy, bars[10], "stoch_rsi_cross");
  EXPECT_EQ(buy.side, Side::buy);
  const double rsi9 = 100.0 * 1.3125 / 5.578125;
  const double rsi8 = 100.0 * 2.625 / 3.15625;
  const double rsi10 = 100.0 * 0.90625 / 3.0390625;
  const double k = 100.0 * (rsi10 - rsi9) / (rsi8 - rsi9);
  EXPECT_NEAR(value_named(buy, "rsi"), rsi10, 1e-9);
  EXPECT_NEAR(value_named(buy, "stoch_k"), k, 1e-9);
  EXPECT_NEAR(value_named(buy, "stoch_d"), k / 2.0, 1e-9);
  EXPECT_EQ(value_named(buy, "close"), 36.5);
  EXPECT_NEAR(buy.strength, (20.0 - k / 2.0) / 20.0, 1e-9);  // %D 5.27 deep in the 0..20 zone
}

TEST(StochRsiCross, SellsOnTheMirroredSeries) {
  // price -> 100 - price turns RSI into 100 - RSI, raw into 100 - raw and so %K and %D into
  // 100 - %K and 100 - %D: the buy at bar 10 becomes a cross down with %K 89.45, %D 94.73
  // above 80 and RSI 70.18 above 50 -> SELL.
  StochRsiCross s(kSmall, 1);
  const auto bars = price_bars(mirrored(kCloses));
  const auto sigs = run(s, bars);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{10}));
  expect_well_formed(*sigs[10], bars[10], "stoch_rsi_cross");
  EXPECT_EQ(sigs[10]->side, Side::sell);
  EXPECT_GT(value_named(*sigs[10], "stoch_d"), 80.0);
}

TEST(StochRsiCross, EveryConditionOfTheZoneIsRequired) {
  // The same cross (bar 10: %K 10.55, %D 5.27, RSI 29.82) fails each filter in turn.
  auto with = [](StochRsiCrossParams p) {
    StochRsiCross s(p, 1);
    return signal_bars(run(s, price_bars(kCloses)));
  };
  StochRsiCrossParams p = kSmall;
  p.oversold = 10.0;  // %K 10.55 is not below it (%D 5.27 is)
  EXPECT_TRUE(with(p).empty());
  p = kSmall;
  p.oversold = 5.0;  // neither is below it
  EXPECT_TRUE(with(p).empty());
  p = kSmall;
  p.rsi_midline = 25.0;  // RSI 29.82 is not below it
  EXPECT_TRUE(with(p).empty());
  p = kSmall;
  p.rsi_midline = 30.0;
  EXPECT_EQ(with(p), (std::vector<std::size_t>{10}));
}

TEST(StochRsiCross, NoSignalBeforeTwoReadyBars) {
  // %D first exists at bar 5 (warmup() = 7); bar 6 is the first bar that can signal. The
  // crafted series crosses only at bar 10; no prefix of it signals earlier.
  StochRsiCross s(kSmall, 1);
  EXPECT_EQ(s.warmup(), 7u);
  const auto sigs = run(s, price_bars(kCloses));
  for (std::size_t i = 0; i + 1 < s.warmup(); ++i) EXPECT_FALSE(sigs[i]) << "bar " << i;
}

TEST(StochRsiCross, FlatSeriesNeverSignals) {
  StochRsiCross s(kSmall, 1);
  expect_silent_on_flat_series(s);
  StochRsiCross defaults(StochRsiCrossParams{}, 1);
  expect_silent_on_flat_series(defaults);
}

TEST(StochRsiCross, SymbolsAreIndependent) {
  const auto sa = expect_symbols_independent([](std::size_t n) { return std::make_unique<StochRsiCross>(kSmall, n); },
                                             price_bars(kCloses), price_bars(mirrored(kCloses)));
  ASSERT_EQ(signal_bars(sa), (std::vector<std::size_t>{10}));
  EXPECT_EQ(sa[10]->side, Side::buy);
}

TEST(StochRsiCross, ResetRestartsWarmUp) {
  StochRsiCross s(kSmall, 1);
  run(s, price_bars({50, 49, 48, 47, 39, 35, 38, 41, 44, 36}));  // %K below %D at the end
  s.reset();
  // Fresh state: the first 6 bars cannot signal, whatever the previous run left behind.
  const auto sigs = run(s, price_bars(kCloses));
  EXPECT_EQ(signal_bars(sigs), (std::vector<std::size_t>{10}));
}

TEST(StochRsiCross, ParamsMapFromSchemaOrder) {
  ParamValues v(StochRsiCross::kSchema);
  const double values[] = {10, 12, 4, 5, 15, 85, 45};
  for (std::size_t i = 0; i < 7; ++i) v.set(i, values[i]);
  StochRsiCross s(v, 1);
  EXPECT_EQ(s.params(), (StochRsiCrossParams{10, 12, 4, 5, 15.0, 85.0, 45.0}));
  EXPECT_EQ(s.warmup(), 30u);
  EXPECT_EQ(StochRsiCross(ParamValues(StochRsiCross::kSchema), 1).warmup(), 33u);
}

TEST(StochRsiCross, RejectsInvalidParams) {
  auto make = [](StochRsiCrossParams p) { return StochRsiCross(p, 1); };
  StochRsiCrossParams p;
  p.rsi_period = 1;
  EXPECT_THROW(make(p), std::invalid_argument);
  p = {};
  p.d_period = 0;
  EXPECT_THROW(make(p), std::invalid_argument);
  p = {};
  p.oversold = 80.0;
  EXPECT_THROW(make(p), std::invalid_argument);
  p = {};
  p.rsi_midline = 100.0;
  EXPECT_THROW(make(p), std::invalid_argument);

  const auto* cls = meridian::strategies::find_strategy_class("stoch_rsi_cross");
  ASSERT_NE(cls, nullptr);
  ParamValues v(cls->params);
  v.set(4, 90);
  const auto err = meridian::strategies::validate_params(*cls, v);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("oversold"), std::string::npos) << *err;
}
