// ADX: TA-Lib's directional movement rules, sum-seeded smoothing, DX mean seeding, hand-computed.
#include "meridian/indicators/adx.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace meridian::indicators {
namespace {

TEST(Adx, RejectsZeroPeriod) {
  EXPECT_THROW(Adx(0), std::invalid_argument);
}

TEST(Adx, HandComputedSeries) {
  // n = 2. Bars (H, L, C): (10, 9, 9.5) (11, 9.5, 10.5) (11.5, 10, 11) (11, 9, 9.5) (9.5, 9.5, 9.5)
  //   bar 1: up 1, down -0.5 -> +DM 1;   TR 1.5. Plain sums over bars 1..n-1: S+ 1, S- 0, STR 1.5.
  //   bar 2: up .5, down -.5 -> +DM .5;  TR 1.5. S+ = 1 - .5 + .5 = 1, S- = 0, STR = 2.25.
  //          +DI = 400/9, -DI = 0, DX = 100.
  //   bar 3: up -.5, down 1 -> -DM 1;    TR 2.   S+ = .5, S- = 1, STR = 3.125: +DI 16, -DI 32,
  //          DX = 100 * 16/48 = 100/3. ADX (bar 2n-1 = 3) = (100 + 100/3)/2 = 200/3.
  //   bar 4: up -1.5, down -.5 -> none;  TR 0.   S+ = .25, S- = .5, STR = 1.5625: DI 16 and 32,
  //          DX = 100/3, ADX = (200/3 + 100/3)/2 = 50.
  Adx adx(2);
  EXPECT_EQ(adx.warmup(), 4u);
  adx.update(Ohlcv{{}, 9.5, 10, 9, 9.5, 0});
  adx.update(Ohlcv{{}, 10, 11, 9.5, 10.5, 0});
  EXPECT_FALSE(adx.di_ready());
  EXPECT_TRUE(std::isnan(adx.plus_di()));
  adx.update(Ohlcv{{}, 10.5, 11.5, 10, 11, 0});
  ASSERT_TRUE(adx.di_ready());
  EXPECT_FALSE(adx.ready());
  EXPECT_DOUBLE_EQ(adx.plus_di(), 400.0 / 9);
  EXPECT_EQ(adx.minus_di(), 0.0);
  EXPECT_TRUE(std::isnan(adx.adx()));
  adx.update(Ohlcv{{}, 11, 11, 9, 9.5, 0});
  ASSERT_TRUE(adx.ready());
  EXPECT_DOUBLE_EQ(adx.plus_di(), 16.0);
  EXPECT_DOUBLE_EQ(adx.minus_di(), 32.0);
  EXPECT_DOUBLE_EQ(adx.adx(), 200.0 / 3);
  adx.update(Ohlcv{{}, 9.5, 9.5, 9.5, 9.5, 0});
  EXPECT_DOUBLE_EQ(adx.adx(), 50.0);
  EXPECT_EQ(adx.value(), adx.adx());
}

TEST(Adx, InsideAndEqualMovesAreNotDirectional) {
  // up == down (an outside bar expanding both ways equally) and inside bars give no DM.
  Adx adx(1);
  adx.update(Ohlcv{{}, 10, 11, 9, 10, 0});
  adx.update(Ohlcv{{}, 10, 12, 8, 10, 0});  // up 1, down 1
  EXPECT_EQ(adx.plus_di(), 0.0);
  EXPECT_EQ(adx.minus_di(), 0.0);
  EXPECT_EQ(adx.adx(), 0.0);                // DX cannot be formed: the seed counts it as 0
  adx.update(Ohlcv{{}, 10, 13, 8, 10, 0});  // up 1, down 0 -> +DM 1
  EXPECT_GT(adx.plus_di(), 0.0);
  EXPECT_EQ(adx.adx(), 100.0);
}

TEST(Adx, HoldsAdxWhenDxCannotBeFormed) {
  // With n = 1 the smoothed sums are the bar's own values, so a bar without directional
  // movement has +DI = -DI = 0 and no DX: the ADX keeps its previous value (not 0, not NaN).
  Adx adx(1);
  adx.update(Ohlcv{{}, 10, 11, 9, 10, 0});
  adx.update(Ohlcv{{}, 11, 12, 10, 11, 0});  // up 1, down -1: +DM 1, DX 100, ADX seeded 100
  ASSERT_TRUE(adx.ready());
  EXPECT_EQ(adx.adx(), 100.0);
  adx.update(Ohlcv{{}, 11, 12, 10, 11, 0});  // same range: no DM, TR 2
  EXPECT_EQ(adx.plus_di(), 0.0);
  EXPECT_EQ(adx.minus_di(), 0.0);
  EXPECT_EQ(adx.adx(), 100.0);
}

}  // namespace
}  // namespace meridian::indicators
