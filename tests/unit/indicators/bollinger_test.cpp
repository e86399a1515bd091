// Bollinger Bands: population standard deviation, exact zero width on equal values, and the
// sliding variance against a two-pass batch over long series with outliers.
#include "meridian/indicators/bollinger.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace meridian::indicators {
namespace {

TEST(Bollinger, RejectsZeroPeriod) {
  EXPECT_THROW(BollingerBands(0, 2.0), std::invalid_argument);
}

TEST(Bollinger, HandComputedPopulationStddev) {
  // Window 1, 2, 3, 4: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25 (divide by N).
  BollingerBands bb(4, 2.0);
  for (double x : {1.0, 2.0, 3.0}) {
    bb.update(x);
    EXPECT_TRUE(std::isnan(bb.upper()));
  }
  bb.update(4.0);
  ASSERT_TRUE(bb.ready());
  EXPECT_DOUBLE_EQ(bb.middle(), 2.5);
  EXPECT_DOUBLE_EQ(bb.stddev(), std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(bb.upper(), 2.5 + 2 * std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(bb.lower(), 2.5 - 2 * std::sqrt(1.25));
  bb.update(9.0);  // window 2, 3, 4, 9: mean 4.5, variance (6.25 + 2.25 + 0.25 + 20.25) / 4 = 7.25
  EXPECT_DOUBLE_EQ(bb.middle(), 4.5);
  EXPECT_DOUBLE_EQ(bb.stddev(), std::sqrt(7.25));
}

TEST(Bollinger, EqualValuesHaveExactlyZeroWidth) {
  for (double price : {100.1, 0.3, 1e-6, 98765.4321}) {
    BollingerBands bb(20, 2.0);
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(0.5, 1.5);
    for (int i = 0; i < 57; ++i) bb.update(price * u(rng));  // history that must not linger
    for (int i = 0; i < 20; ++i) bb.update(price);
    EXPECT_EQ(bb.stddev(), 0.0) << price;
    EXPECT_EQ(bb.upper(), bb.middle()) << price;
    EXPECT_EQ(bb.lower(), bb.middle()) << price;
    bb.update(price * 1.01);  // and the width comes back on the next different value
    EXPECT_GT(bb.stddev(), 0.0);
  }
}

TEST(Bollinger, SlidingVarianceMatchesTwoPassBatch) {
  std::mt19937_64 rng(17);
  std::normal_distribution<double> step(0.0, 0.002);
  std::vector<double> xs;
  double p = 100.0;
  for (int i = 0; i < 20'000; ++i) {
    p *= std::exp(step(rng));
    xs.push_back(p);
  }
  xs[5'000] = 1e7;  // outliers whose departure would wreck a running sum of squares
  xs[9'000] = 1e-3;
  for (int i = 12'000; i < 12'050; ++i) xs[i] = 1e9 + i % 7;                      // a high-priced, low-variance stretch
  for (int i = 14'000; i < 16'000; ++i) xs[i] = 1e5 + 1e-2 * std::sin(i * 0.37);  // 7 digits of price, 3 of spread
  for (std::size_t n : {2u, 5u, 20u, 64u}) {
    BollingerBands bb(n, 2.0);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      bb.update(xs[i]);
      if (i + 1 < n) continue;
      long double mean = 0;
      for (std::size_t k = i + 1 - n; k <= i; ++k) mean += xs[k];
      mean /= static_cast<long double>(n);
      long double m2 = 0;
      for (std::size_t k = i + 1 - n; k <= i; ++k) m2 += (xs[k] - mean) * (xs[k] - mean);
      const double sd = static_cast<double>(std::sqrt(m2 / static_cast<long double>(n)));
      // A sum of squares of prices keeps no correct digit on the last two stretches.
      ASSERT_NEAR(bb.stddev(), sd, 1e-11 * sd) << "n=" << n << " i=" << i;
    }
  }
}

}  // namespace
}  // namespace meridian::indicators
