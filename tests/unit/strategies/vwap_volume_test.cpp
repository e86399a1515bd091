// VWAP with volume confirmation: volume_period 3, multiplier 1.5. Bars trade at one price, so
// the typical price is the close and VWAP = sum(close * volume) / sum(volume) since the UTC
// day began.
#include "meridian/strategies/vwap_volume.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "meridian/strategies/registry.hpp"
#include "strategy_test_support.hpp"

using meridian::core::Bar;
using meridian::core::Side;
using meridian::strategies::ParamValues;
using meridian::strategies::VwapVolume;
using meridian::strategies::VwapVolumeParams;
using namespace meridian::strategies::testing;

namespace {
const VwapVolumeParams kSmall{3, 1.5};
constexpr std::size_t kNextDay = 24 * 60;  // bar index of the next UTC day's first minute

std::vector<Bar> crafted(double scale = 1.0) {
  const std::vector<std::pair<double, double>> spec{{10, 100}, {10, 100}, {10, 100}, {9, 100}, {9, 100},
                                                    {12, 200}, {9, 100},  {11, 100}, {8, 500}};
  std::vector<Bar> bars;
  for (std::size_t i = 0; i < spec.size(); ++i) bars.push_back(price_bar(0, i, spec[i].first * scale, spec[i].second));
  return bars;
}
}  // namespace

TEST(VwapVolume, CrossesConfirmedByVolumeSignal) {
  //  bar close volume  VWAP      avg volume of   threshold  close vs VWAP
  //                              previous 3      (1.5 x)
  //   0-2  10   100    10        -               -          equal
  //   3     9   100    9.75      100             150        below (from equal: no cross)
  //   4     9   100    9.6       100             150        below
  //   5    12   200    10.2857   100             150        above, 200 > 150 -> BUY
  //                                                         (an average that included this
  //                                                         bar, 133.3, would need 200 > 200)
  //   6     9   100    10.125    133.33          200        below, 100 <= 200: no signal
  //   7    11   100    10.2222   133.33          200        above, 100 <= 200: no signal
  //   8     8   500    9.4286    133.33          200        below, 500 > 200 -> SELL
  VwapVolume s(kSmall, 1);
  const auto bars = crafted();
  const auto sigs = run(s, bars);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{5, 8}));

  const auto& buy = *sigs[5];
  expect_well_formed(buy, bars[5], "vwap_volume");
  EXPECT_EQ(buy.side, Side::buy);
  EXPECT_EQ(value_named(buy, "close"), 12.0);
  EXPECT_NEAR(value_named(buy, "vwap"), 7200.0 / 700.0, 1e-9);
  EXPECT_EQ(value_named(buy, "volume"), 200.0);
  EXPECT_NEAR(value_named(buy, "volume_average"), 100.0, 1e-9);
  EXPECT_NEAR(buy.strength, (200.0 - 150.0) / 150.0, 1e-9);  // 0 at the threshold, 1 at twice it

  const auto& sell = *sigs[8];
  expect_well_formed(sell, bars[8], "vwap_volume");
  EXPECT_EQ(sell.side, Side::sell);
  EXPECT_NEAR(value_named(sell, "vwap"), 13200.0 / 1400.0, 1e-9);
  EXPECT_NEAR(value_named(sell, "volume_average"), 400.0 / 3.0, 1e-9);
  EXPECT_DOUBLE_EQ(sell.strength, 1.0);  // 500 is more than twice the threshold of 200
}

TEST(VwapVolume, NewSessionRestartsTheCross) {
  //  bar  time        H/L/C       volume  VWAP                       close vs VWAP
  //   0-4 day 1       10          100     10                         equal
  //   5   day 1       8           100     5800 / 600 = 9.6667        below
  //   6   day 2 00:00 12/9/12     1000    typical 11 (new session)   above, but the session's
  //                                                                  first bar: no signal.
  //       (Carrying day 1's sums, VWAP would be 16800 / 1600 = 10.5, close 12 above it with
  //       volume 1000 > 150: a buy that the restart must suppress.)
  //   7   day 2 00:01 10          1000    21000 / 2000 = 10.5        below; previous 3 volumes
  //                                                                  100 100 1000 -> threshold
  //                                                                  600 < 1000 -> SELL
  std::vector<Bar> bars;
  for (std::size_t i = 0; i < 5; ++i) bars.push_back(price_bar(0, i, 10, 100));
  bars.push_back(price_bar(0, 5, 8, 100));
  bars.push_back(ohlc_bar(0, kNextDay, 12, 9, 12, 1000));
  bars.push_back(price_bar(0, kNextDay + 1, 10, 1000));
  VwapVolume s(kSmall, 1);
  const auto sigs = run(s, bars);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{7}));
  EXPECT_EQ(sigs[7]->side, Side::sell);
  EXPECT_NEAR(value_named(*sigs[7], "vwap"), 10.5, 1e-9);
  expect_well_formed(*sigs[7], bars[7], "vwap_volume");
}

TEST(VwapVolume, NoSignalUntilTheVolumeAverageExists) {
  // A clean cross at bar 2 (below at 1, above at 2) with a huge volume, but only 2 previous
  // bars: the 3-bar average does not exist yet. warmup() = 4.
  //   bar 0: 10 (VWAP 10, equal); bar 1: 9 -> VWAP 9.5, below; bar 2: 12 x 10000 -> above.
  VwapVolume s(kSmall, 1);
  EXPECT_EQ(s.warmup(), 4u);
  std::vector<Bar> bars{price_bar(0, 0, 10, 100), price_bar(0, 1, 9, 100), price_bar(0, 2, 12, 10'000)};
  EXPECT_TRUE(signal_bars(run(s, bars)).empty());
  // One more bar of history and the same cross fires at bar 3 = warmup() - 1.
  //   bars 0-1: 10 (equal); bar 2: 9 -> VWAP 9.6667, below; bar 3: 12 x 10000, average 100.
  VwapVolume t(kSmall, 1);
  std::vector<Bar> longer{price_bar(0, 0, 10, 100), price_bar(0, 1, 10, 100), price_bar(0, 2, 9, 100),
                          price_bar(0, 3, 12, 10'000)};
  const auto sigs = run(t, longer);
  ASSERT_EQ(signal_bars(sigs), (std::vector<std::size_t>{3}));
  EXPECT_EQ(sigs[3]->side, Side::buy);
}

TEST(VwapVolume, FlatSeriesNeverSignals) {
  VwapVolume s(kSmall, 1);
  expect_silent_on_flat_series(s);
  // Flat price with wild volume: the close never leaves the VWAP.
  s.reset();
  std::vector<Bar> bars;
  for (std::size_t i = 0; i < 300; ++i) bars.push_back(price_bar(0, i, 101.37, i % 7 == 0 ? 10'000 : 10));
  EXPECT_TRUE(signal_bars(run(s, bars)).empty());
}

TEST(VwapVolume, SymbolsAreIndependent) {
  // b is a at ten times the price: VWAP scales with it, so the signals are the same bars and
  // sides with the same strength.
  const auto sa = expect_symbols_independent([](std::size_t n) { return std::make_unique<VwapVolume>(kSmall, n); },
                                             crafted(), crafted(10.0));
  EXPECT_EQ(signal_bars(sa), (std::vector<std::size_t>{5, 8}));
  VwapVolume alone(kSmall, 1);
  const auto sb = run(alone, crafted(10.0));
  ASSERT_EQ(signal_bars(sb), (std::vector<std::size_t>{5, 8}));
  EXPECT_EQ(sb[5]->side, Side::buy);
  EXPECT_EQ(sb[8]->side, Side::sell);
}

TEST(VwapVolume, ResetRestartsWarmUp) {
  VwapVolume s(kSmall, 1);
  run(s, crafted());
  s.reset();
  EXPECT_EQ(signal_bars(run(s, crafted())), (std::vector<std::size_t>{5, 8}));
}

TEST(VwapVolume, ParamsMapFromSchemaOrder) {
  ParamValues v(VwapVolume::kSchema);
  v.set(0, 50);
  v.set(1, 2.5);
  VwapVolume s(v, 1);
  EXPECT_EQ(s.params(), (VwapVolumeParams{50, 2.5}));
  EXPECT_EQ(s.warmup(), 51u);
}

TEST(VwapVolume, RejectsInvalidParams) {
  EXPECT_THROW(VwapVolume(VwapVolumeParams{0, 1.5}, 1), std::invalid_argument);
  EXPECT_THROW(VwapVolume(VwapVolumeParams{20, 0.0}, 1), std::invalid_argument);

  const auto* cls = meridian::strategies::find_strategy_class("vwap_volume");
  ASSERT_NE(cls, nullptr);
  ParamValues v(cls->params);
  v.set(0, 0);
  const auto err = meridian::strategies::validate_params(*cls, v);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("volume_period"), std::string::npos) << *err;
}
