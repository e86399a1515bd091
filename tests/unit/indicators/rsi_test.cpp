// RSI: Wilder smoothing seeded with the mean of the first n changes, first value at bar n,
// hand-computed values, 50 on a flat series.
#include "meridian/indicators/rsi.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace meridian::indicators {
namespace {

TEST(Rsi, RejectsZeroPeriod) {
  EXPECT_THROW(Rsi(0), std::invalid_argument);
}

TEST(Rsi, HandComputedSeries) {
  // n = 2 over closes 10, 12, 11, 14, 14, 13 (changes +2, -1, +3, 0, -1):
  //   bar 2: AG = (2 + 0) / 2 = 1,          AL = (0 + 1) / 2 = 0.5     -> 100 * 1 / 1.5 = 200/3
  //   bar 3: AG = (1 * 1 + 3) / 2 = 2,      AL = (0.5 * 1 + 0) / 2 = 0.25 -> 100 * 2 / 2.25 = 800/9
  //   bar 4: AG = (2 + 0) / 2 = 1,          AL = 0.125                  -> 100 * 1 / 1.125 = 800/9
  //   bar 5: AG = (1 + 0) / 2 = 0.5,        AL = (0.125 + 1) / 2 = 0.5625 -> 100 * 0.5 / 1.0625 = 800/17
  Rsi rsi(2);
  EXPECT_EQ(rsi.warmup(), 3u);
  const double xs[] = {10, 12, 11, 14, 14, 13};
  const double expected[] = {NAN, NAN, 200.0 / 3, 800.0 / 9, 800.0 / 9, 800.0 / 17};
  for (int i = 0; i < 6; ++i) {
    rsi.update(xs[i]);
    EXPECT_EQ(rsi.ready(), i >= 2) << "bar " << i;
    if (i < 2) {
      EXPECT_TRUE(std::isnan(rsi.value()));
    } else {
      EXPECT_DOUBLE_EQ(rsi.value(), expected[i]) << "bar " << i;
    }
  }
}

TEST(Rsi, FirstValueAtBarN) {
  for (std::size_t n : {1u, 2u, 14u}) {
    Rsi rsi(n);
    for (std::size_t i = 0; i <= n; ++i) {
      EXPECT_FALSE(rsi.ready());
      rsi.update(100.0 + static_cast<double>(i % 3));
    }
    EXPECT_TRUE(rsi.ready()) << "n=" << n;
  }
}

TEST(Rsi, FlatIsFiftyNotZeroOverZero) {
  Rsi rsi(14);
  for (int i = 0; i < 100; ++i) rsi.update(42.0);
  EXPECT_EQ(rsi.value(), 50.0);
}

TEST(Rsi, OnlyGainsIs100OnlyLossesIs0) {
  Rsi up(3), down(3);
  for (int i = 0; i < 10; ++i) {
    up.update(i);
    down.update(-i);
  }
  EXPECT_EQ(up.value(), 100.0);
  EXPECT_EQ(down.value(), 0.0);
}

}  // namespace
}  // namespace meridian::indicators
