// EMA: TA-Lib seeding (mean of the first n at bar n-1), k = 2/(n+1), hand-computed values.
#include "meridian/indicators/ema.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace meridian::indicators {
namespace {

TEST(Ema, RejectsZeroPeriod) {
  EXPECT_THROW(Ema(0), std::invalid_argument);
}

TEST(Ema, HandComputedSeries) {
  // n = 3, k = 0.5: seed at bar 2 = (2 + 4 + 6) / 3 = 4; then 4 + 0.5 * (10 - 4) = 7;
  // 7 + 0.5 * (-1 - 7) = 3; 3 + 0.5 * (3 - 3) = 3.
  Ema ema(3);
  EXPECT_EQ(ema.warmup(), 3u);
  const double xs[] = {2, 4, 6, 10, -1, 3};
  const double expected[] = {NAN, NAN, 4, 7, 3, 3};
  for (int i = 0; i < 6; ++i) {
    ema.update(xs[i]);
    EXPECT_EQ(ema.ready(), i >= 2);
    if (i < 2) {
      EXPECT_TRUE(std::isnan(ema.value()));
    } else {
      EXPECT_DOUBLE_EQ(ema.value(), expected[i]) << "bar " << i;
    }
  }
}

TEST(Ema, SmoothingFactorIsTwoOverNPlusOne) {
  // n = 9, k = 0.2: seed 0 (nine zeros), then each step moves 20% of the way to 100.
  Ema ema(9);
  for (int i = 0; i < 9; ++i) ema.update(0.0);
  EXPECT_EQ(ema.value(), 0.0);
  ema.update(100.0);
  EXPECT_DOUBLE_EQ(ema.value(), 20.0);
  ema.update(100.0);
  EXPECT_DOUBLE_EQ(ema.value(), 36.0);
}

TEST(Ema, PeriodOneFollowsTheInput) {
  Ema ema(1);
  for (double x : {3.0, -7.5, 1e9}) {
    ema.update(x);
    EXPECT_EQ(ema.value(), x);
  }
}

TEST(Ema, UpdatesFromBarClose) {
  Ema ema(2);
  core::Bar bar;
  bar.high = *core::Price::parse("999");
  bar.close = *core::Price::parse("10");
  ema.update(bar);
  bar.close = *core::Price::parse("12");
  ema.update(bar);
  EXPECT_DOUBLE_EQ(ema.value(), 11.0);
}

}  // namespace
}  // namespace meridian::indicators
