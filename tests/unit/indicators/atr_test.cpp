// ATR: true range from bar 1 (gaps count), seeded at bar n with the mean of TR 1..n, Wilder after.
#include "meridian/indicators/atr.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace meridian::indicators {
namespace {

TEST(Atr, RejectsZeroPeriod) {
  EXPECT_THROW(Atr(0), std::invalid_argument);
}

TEST(TrueRange, CoversTheGapFromThePreviousClose) {
  EXPECT_EQ(true_range(12, 9, 9), 3);        // inside: high - low
  EXPECT_EQ(true_range(15, 14, 10.5), 4.5);  // gap up: high - previous close
  EXPECT_EQ(true_range(8, 7, 10), 3);        // gap down: previous close - low
}

TEST(Atr, HandComputedSeries) {
  // n = 2. TR bar 1 = max(12, 9) - min(9, 9) = 3; bar 2 = max(11, 11) - min(10, 11) = 1;
  // bar 3 = max(15, 10.5) - min(14, 10.5) = 4.5. ATR bar 2 = (3 + 1)/2 = 2; bar 3 = (2 + 4.5)/2.
  Atr atr(2);
  EXPECT_EQ(atr.warmup(), 3u);
  atr.update(Ohlcv{{}, 9, 10, 8, 9, 0});
  atr.update(Ohlcv{{}, 9, 12, 9, 11, 0});
  EXPECT_FALSE(atr.ready());
  EXPECT_TRUE(std::isnan(atr.value()));
  atr.update(Ohlcv{{}, 11, 11, 10, 10.5, 0});
  ASSERT_TRUE(atr.ready());
  EXPECT_EQ(atr.value(), 2.0);
  atr.update(Ohlcv{{}, 14, 15, 14, 14.5, 0});
  EXPECT_EQ(atr.value(), 3.25);
}

TEST(Atr, PriceOnlyUpdatesMeasureCloseToCloseMoves) {
  Atr atr(2);
  for (double x : {10.0, 12.0, 11.0, 11.0}) atr.update(x);
  // TR 2, 1, 0: ATR at bar 2 = 1.5, bar 3 = (1.5 + 0)/2.
  EXPECT_EQ(atr.value(), 0.75);
}

}  // namespace
}  // namespace meridian::indicators
