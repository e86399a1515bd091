// The window building blocks against brute force: RollingSum (running sum re-summed once per
// lap) and RollingMinMax (monotonic deques on fixed rings).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "meridian/indicators/rolling_min_max.hpp"
#include "meridian/indicators/rolling_sum.hpp"

namespace meridian::indicators {
namespace {

std::vector<double> noisy_series(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-50.0, 50.0);
  std::uniform_int_distribution<int> small(0, 3);
  std::vector<double> xs(count);
  for (auto& x : xs) x = u(rng);
  // Runs of ties and strictly monotone stretches exercise the deque's pop rules.
  for (std::size_t i = 200; i < 260; ++i) xs[i] = static_cast<double>(small(rng));
  for (std::size_t i = 300; i < 360; ++i) xs[i] = static_cast<double>(i);
  for (std::size_t i = 400; i < 460; ++i) xs[i] = -static_cast<double>(i);
  xs[500] = 1e12;
  return xs;
}

TEST(RollingSum, RejectsZeroPeriod) {
  EXPECT_THROW(RollingSum(0), std::invalid_argument);
}

TEST(RollingSum, MatchesBruteForceAndReturnsLeavingValue) {
  const auto xs = noisy_series(2000, 11);
  for (std::size_t n : {1u, 2u, 3u, 14u, 64u}) {
    RollingSum s(n);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double leaving = s.push(xs[i]);
      ASSERT_EQ(leaving, i >= n ? xs[i - n] : 0.0);
      ASSERT_EQ(s.full(), i + 1 >= n);
      if (!s.full()) continue;
      long double exact = 0;
      double magnitude = 0;
      for (std::size_t k = i + 1 - n; k <= i; ++k) {
        exact += xs[k];
        magnitude += std::abs(xs[k]);
      }
      // Absolute bound: the 1e12 outlier leaves rounding of its size until the lap ends.
      ASSERT_NEAR(s.sum(), static_cast<double>(exact), 1e-12 * 1e12 * 4) << "n=" << n << " i=" << i;
      if (s.lap_completed()) {
        ASSERT_NEAR(s.sum(), static_cast<double>(exact), 1e-15 * magnitude) << "exact at lap end";
      }
    }
  }
}

TEST(RollingSum, ResetEmptiesTheWindow) {
  RollingSum s(3);
  for (double x : {1.0, 2.0, 3.0, 4.0}) s.push(x);
  s.reset();
  EXPECT_FALSE(s.full());
  EXPECT_EQ(s.sum(), 0.0);
  EXPECT_EQ(s.push(5.0), 0.0);
  EXPECT_EQ(s.sum(), 5.0);
}

TEST(RollingMinMax, RejectsZeroPeriod) {
  EXPECT_THROW(RollingMinMax(0), std::invalid_argument);
}

TEST(RollingMinMax, MatchesBruteForce) {
  const auto xs = noisy_series(2000, 12);
  for (std::size_t n : {1u, 2u, 3u, 14u, 100u}) {
    RollingMinMax mm(n);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      mm.push(xs[i]);
      ASSERT_EQ(mm.full(), i + 1 >= n);
      const std::size_t from = i + 1 >= n ? i + 1 - n : 0;
      const auto [lo, hi] =
          std::minmax_element(xs.begin() + static_cast<long>(from), xs.begin() + static_cast<long>(i) + 1);
      ASSERT_EQ(mm.min(), *lo) << "n=" << n << " i=" << i;
      ASSERT_EQ(mm.max(), *hi) << "n=" << n << " i=" << i;
    }
  }
}

TEST(RollingMinMax, ResetForgetsEverything) {
  RollingMinMax mm(3);
  for (double x : {5.0, 9.0, 1.0}) mm.push(x);
  mm.reset();
  EXPECT_FALSE(mm.full());
  mm.push(4.0);
  EXPECT_EQ(mm.min(), 4.0);
  EXPECT_EQ(mm.max(), 4.0);
}

}  // namespace
}  // namespace meridian::indicators
