// Simple moving average: TA-Lib warm-up (first value at bar n-1), exact hand-computed
// values, flat-series behaviour, reset, and streaming == batch over a long random series.
#include "meridian/indicators/sma.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

using meridian::indicators::Sma;

TEST(Sma, RejectsZeroPeriod) {
  EXPECT_THROW(Sma(0), std::invalid_argument);
}

TEST(Sma, HandComputedSeries) {
  // period 3 over 1, 2, 4, 8, 16, 32 (sums of powers of two are exact in double):
  //   bar 2: (1+2+4)/3    = 7/3
  //   bar 3: (2+4+8)/3    = 14/3
  //   bar 4: (4+8+16)/3   = 28/3
  //   bar 5: (8+16+32)/3  = 56/3
  Sma sma(3);
  EXPECT_EQ(sma.period(), 3u);
  EXPECT_EQ(sma.warmup(), 3u);
  const double xs[] = {1, 2, 4, 8, 16, 32};
  const double expected[] = {0, 0, 7.0 / 3, 14.0 / 3, 28.0 / 3, 56.0 / 3};
  for (int i = 0; i < 6; ++i) {
    sma.update(xs[i]);
    if (i < 2) {
      EXPECT_TRUE(std::isnan(sma.value())) << "bar " << i;
    } else {
      EXPECT_DOUBLE_EQ(sma.value(), expected[i]) << "bar " << i;
    }
  }
}

TEST(Sma, ReadyExactlyAtBarNMinusOne) {
  for (std::size_t n : {1u, 2u, 5u, 20u}) {
    Sma sma(n);
    for (std::size_t i = 0; i < n - 1; ++i) {
      sma.update(10.0 + static_cast<double>(i));
      EXPECT_FALSE(sma.ready()) << "n=" << n << " bar " << i;
      EXPECT_TRUE(std::isnan(sma.value())) << "no value (NaN) before warm-up";
    }
    sma.update(10.0 + static_cast<double>(n - 1));
    ASSERT_TRUE(sma.ready()) << "n=" << n;
    // mean of 10, 11, ..., 10+n-1 = 10 + (n-1)/2
    EXPECT_DOUBLE_EQ(sma.value(), 10.0 + (static_cast<double>(n) - 1) / 2);
  }
}

TEST(Sma, UpdatesFromBarClose) {
  Sma sma(2);
  meridian::core::Bar bar;
  bar.close = *meridian::core::Price::parse("10.5");
  bar.open = bar.high = bar.low = *meridian::core::Price::parse("999");  // must be ignored
  sma.update(bar);
  bar.close = *meridian::core::Price::parse("11.5");
  sma.update(bar);
  EXPECT_DOUBLE_EQ(sma.value(), 11.0);
}

TEST(Sma, FlatSeriesStaysFlat) {
  // Dyadic values sum exactly, so the mean is exact.
  for (std::size_t n : {1u, 2u, 4u, 8u, 50u}) {
    Sma sma(n);
    for (int i = 0; i < 1000; ++i) {
      sma.update(100.25);
      if (sma.ready()) {
        ASSERT_EQ(sma.value(), 100.25) << "n=" << n << " i=" << i;
      }
    }
  }
  // A non-dyadic value may lose an ulp in the sum but must not drift over a long run, even
  // after different values have left the running sum with residue.
  for (std::size_t n : {3u, 7u, 20u, 50u}) {
    Sma sma(n);
    for (int i = 0; i < 10'000; ++i) {
      sma.update(i < 100 ? 0.1 * i : 100.1);
      if (i >= 100 + static_cast<int>(n) - 1) {
        ASSERT_DOUBLE_EQ(sma.value(), 100.1) << "n=" << n << " i=" << i;
      }
    }
  }
  // Zeros after other values: residue of at most rounding size, and exactly 0 once the window
  // has been re-summed at the end of its lap.
  for (std::size_t n : {3u, 20u}) {
    Sma sma(n);
    for (double x : {0.1, 0.2, 0.7, 1e9, 0.3}) sma.update(x);
    for (std::size_t i = 0; i < n; ++i) sma.update(0.0);
    EXPECT_NEAR(sma.value(), 0.0, 1e-6) << "n=" << n;  // 1e9 has left; its rounding may not have
    for (std::size_t i = 0; i < n; ++i) sma.update(0.0);
    EXPECT_EQ(sma.value(), 0.0) << "n=" << n;
  }
  // Zero is a valid flat series (no 0/0 anywhere).
  Sma zero(5);
  for (int i = 0; i < 10; ++i) zero.update(0.0);
  EXPECT_EQ(zero.value(), 0.0);
  EXPECT_FALSE(std::isnan(zero.value()));
}

TEST(Sma, ResetForgetsHistory) {
  Sma sma(3);
  for (double x : {100.0, 200.0, 300.0, 400.0}) sma.update(x);
  ASSERT_TRUE(sma.ready());
  sma.reset();
  EXPECT_FALSE(sma.ready());
  EXPECT_TRUE(std::isnan(sma.value()));
  sma.update(1);
  sma.update(2);
  EXPECT_FALSE(sma.ready());
  sma.update(6);
  ASSERT_TRUE(sma.ready());
  EXPECT_DOUBLE_EQ(sma.value(), 3.0);  // (1+2+6)/3, nothing of the old window left
}

TEST(Sma, StreamingEqualsBatchMeanOnRandomSeries) {
  std::mt19937_64 rng(1234);
  std::uniform_real_distribution<double> price(50.0, 150.0);
  std::vector<double> xs(10'000);
  for (auto& x : xs) x = price(rng);
  // A few jumps of several orders of magnitude stress the running sum.
  xs[3000] = 1e6;
  xs[6000] = 1e-3;

  for (std::size_t n : {1u, 2u, 3u, 7u, 20u, 50u, 200u}) {
    Sma sma(n);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      sma.update(xs[i]);
      ASSERT_EQ(sma.ready(), i + 1 >= n);
      if (!sma.ready()) continue;
      long double sum = 0;  // batch: recompute the window from scratch
      for (std::size_t k = i + 1 - n; k <= i; ++k) sum += xs[k];
      const double batch = static_cast<double>(sum / static_cast<long double>(n));
      ASSERT_NEAR(sma.value(), batch, 1e-9 * std::abs(batch)) << "n=" << n << " i=" << i;
    }
  }
}
