// SuperTrend: starts as a down trend on the first ATR bar with the basic bands; the final bands
// only tighten until price closes through them; direction flips on a close through the band.
#include "meridian/indicators/supertrend.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace meridian::indicators {
namespace {

TEST(SuperTrend, RejectsZeroPeriod) {
  EXPECT_THROW(SuperTrend(0, 3.0), std::invalid_argument);
}

TEST(SuperTrend, HandComputedStartAndFlip) {
  // n = 1, factor 1: ATR(1) is the bar's true range from bar 1.
  SuperTrend st(1, 1.0);
  EXPECT_EQ(st.warmup(), 2u);
  st.update(Ohlcv{{}, 10, 11, 9, 10, 0});
  EXPECT_FALSE(st.ready());
  EXPECT_EQ(st.direction(), 0);
  EXPECT_TRUE(std::isnan(st.value()));
  // bar 1: TR 2, hl2 10 -> basic 12 / 8; first bar: down trend on the upper band.
  st.update(Ohlcv{{}, 10, 11, 9, 10, 0});
  ASSERT_TRUE(st.ready());
  EXPECT_EQ(st.direction(), -1);
  EXPECT_EQ(st.value(), 12.0);
  EXPECT_EQ(st.lower_band(), 8.0);
  // bar 2: TR 1 (10.5..9.5), hl2 10 -> basic 11 / 9: upper tightens to 11, lower rises to 9.
  // Close 10.4 is not above 11: still down.
  st.update(Ohlcv{{}, 10, 10.5, 9.5, 10.4, 0});
  EXPECT_EQ(st.direction(), -1);
  EXPECT_EQ(st.value(), 11.0);
  // bar 3: TR = max(13, 10.4) - min(12, 10.4) = 2.6, hl2 12.5 -> basic 15.1 / 9.9. Upper: 15.1
  // is not below 11 and the previous close 10.4 was not above 11, so it stays 11; close 13 > 11:
  // up trend, the line switches to the lower band 9.9.
  st.update(Ohlcv{{}, 12, 13, 12, 13, 0});
  EXPECT_EQ(st.direction(), 1);
  EXPECT_DOUBLE_EQ(st.value(), 9.9);
  EXPECT_DOUBLE_EQ(st.upper_band(), 11.0);
}

TEST(SuperTrend, LowerBandNeverFallsInAnUpTrend) {
  SuperTrend st(3, 2.0);
  double previous_line = -1;
  for (int i = 0; i < 50; ++i) {
    const double c = 100 + i + (i % 2 ? 0.5 : -0.5);
    st.update(Ohlcv{{}, c, c + 1, c - 1, c, 0});
    if (st.ready() && st.direction() == 1) {
      EXPECT_GE(st.value(), previous_line);
      previous_line = st.value();
    }
  }
  EXPECT_EQ(st.direction(), 1);
}

}  // namespace
}  // namespace meridian::indicators
