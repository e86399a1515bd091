// Stochastic RSI: raw stochastic of the RSI, %K = SMA of raw, %D = SMA of %K; first %K at bar 29
// and %D at bar 31 for (14, 14, 3, 3); hand-computed on small periods.
#include "meridian/indicators/stoch_rsi.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace meridian::indicators {
namespace {

TEST(StochRsi, RejectsZeroPeriods) {
  EXPECT_THROW(StochRsi(0, 14, 3, 3), std::invalid_argument);
  EXPECT_THROW(StochRsi(14, 0, 3, 3), std::invalid_argument);
  EXPECT_THROW(StochRsi(14, 14, 0, 3), std::invalid_argument);
  EXPECT_THROW(StochRsi(14, 14, 3, 0), std::invalid_argument);
}

TEST(StochRsi, HandComputedSmallPeriods) {
  // RSI(2) of 10, 12, 11, 14, 14, 13 is 200/3, 800/9, 800/9, 800/17 from bar 2 (see rsi_test).
  // Raw over 2 RSI values: bar 3 = 100 (new high), bar 4 = 0 (equal values: flat), bar 5 = 0
  // (new low). %K = SMA(2): bar 4 = 50, bar 5 = 0. %D = SMA(2) of %K: bar 5 = 25.
  StochRsi s(2, 2, 2, 2);
  EXPECT_EQ(s.warmup(), 6u);
  const double xs[] = {10, 12, 11, 14, 14, 13};
  for (int i = 0; i < 4; ++i) s.update(xs[i]);
  EXPECT_TRUE(std::isnan(s.k()));
  s.update(xs[4]);
  EXPECT_TRUE(s.k_ready());
  EXPECT_FALSE(s.ready());
  EXPECT_DOUBLE_EQ(s.k(), 50.0);
  EXPECT_TRUE(std::isnan(s.d()));
  EXPECT_TRUE(std::isnan(s.value()));
  s.update(xs[5]);
  ASSERT_TRUE(s.ready());
  EXPECT_DOUBLE_EQ(s.k(), 0.0);
  EXPECT_DOUBLE_EQ(s.d(), 25.0);
  EXPECT_EQ(s.value(), s.k());
}

TEST(StochRsi, StandardPeriodsKAt29DAt31) {
  StochRsi s;
  EXPECT_EQ(s.warmup(), 32u);
  for (int i = 0; i < 40; ++i) {
    s.update(100.0 + std::sin(i * 0.7) * 3 + i * 0.01);
    EXPECT_EQ(s.k_ready(), i >= 29) << i;
    EXPECT_EQ(s.ready(), i >= 31) << i;
  }
}

TEST(StochRsi, StaysWithinZeroToHundred) {
  StochRsi s;
  for (int i = 0; i < 2000; ++i) {
    s.update(100.0 + std::sin(i * 0.05) * 10 + std::cos(i * 1.3));
    if (!s.ready()) continue;
    ASSERT_GE(s.k(), 0.0);
    ASSERT_LE(s.k(), 100.0);
    ASSERT_GE(s.d(), 0.0);
    ASSERT_LE(s.d(), 100.0);
  }
}

}  // namespace
}  // namespace meridian::indicators
