// MACD: TA-Lib's seeding, where the fast EMA starts at bar slow-1 with the mean of the `fast`
// closes ending there, checked by hand on small periods; all outputs first at slow+signal-2.
#include "meridian/indicators/macd.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace meridian::indicators {
namespace {

TEST(Macd, RejectsZeroPeriods) {
  EXPECT_THROW(Macd(0, 26, 9), std::invalid_argument);
  EXPECT_THROW(Macd(12, 26, 0), std::invalid_argument);
}

TEST(Macd, HandComputedTaLibSeeding) {
  // fast 2, slow 3, signal 2 over closes 1, 2, 4, 8, 16:
  //   slow EMA(3), k = 1/2: bar 2 = 7/3; bar 3 = 7/3 + (8 - 7/3)/2 = 31/6; bar 4 = 127/12
  //   fast EMA(2), k = 2/3, seeded at bar 2 (= slow-1) with (2 + 4)/2 = 3 (a free-standing
  //   EMA(2) would have started at bar 1 with 1.5): bar 3 = 3 + (8 - 3)*2/3 = 19/3; bar 4 = 115/9
  //   line: bar 2 = 2/3, bar 3 = 7/6, bar 4 = 79/36
  //   signal EMA(2) seeded at bar 3 with (2/3 + 7/6)/2 = 11/12; bar 4 = 11/12 + (79/36 - 11/12)*2/3
  //   = 191/108; histogram bar 3 = 1/4, bar 4 = 23/54.
  Macd macd(2, 3, 2);
  EXPECT_EQ(macd.warmup(), 4u);
  const double xs[] = {1, 2, 4, 8, 16};
  for (int i = 0; i < 3; ++i) {
    macd.update(xs[i]);
    EXPECT_FALSE(macd.ready());
    EXPECT_TRUE(std::isnan(macd.line()));
    EXPECT_TRUE(std::isnan(macd.signal()));
    EXPECT_TRUE(std::isnan(macd.histogram()));
  }
  macd.update(xs[3]);
  ASSERT_TRUE(macd.ready());
  EXPECT_DOUBLE_EQ(macd.line(), 7.0 / 6);
  EXPECT_DOUBLE_EQ(macd.signal(), 11.0 / 12);
  EXPECT_DOUBLE_EQ(macd.histogram(), 1.0 / 4);
  EXPECT_DOUBLE_EQ(macd.value(), macd.line());
  macd.update(xs[4]);
  // Three chained EMAs round a few ulps apart from the exact fractions.
  EXPECT_NEAR(macd.line(), 79.0 / 36, 1e-14);
  EXPECT_NEAR(macd.signal(), 191.0 / 108, 1e-14);
  EXPECT_NEAR(macd.histogram(), 23.0 / 54, 1e-14);
}

TEST(Macd, StandardPeriodsStartAtBar33) {
  Macd macd;
  EXPECT_EQ(macd.warmup(), 34u);
  for (int i = 0; i < 34; ++i) {
    EXPECT_FALSE(macd.ready()) << i;
    macd.update(100.0 + std::sin(i));
  }
  EXPECT_TRUE(macd.ready());
}

TEST(Macd, SwapsPeriodsGivenSlowFirstLikeTaLib) {
  Macd given_swapped(26, 12, 9), normal(12, 26, 9);
  for (int i = 0; i < 60; ++i) {
    given_swapped.update(100.0 + std::sin(i * 0.3) * 5);
    normal.update(100.0 + std::sin(i * 0.3) * 5);
  }
  EXPECT_EQ(given_swapped.line(), normal.line());
  EXPECT_EQ(given_swapped.signal(), normal.signal());
}

}  // namespace
}  // namespace meridian::indicators
