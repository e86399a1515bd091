// The cross rule every strategy shares: strictly below on one ready bar, strictly above on
// the next (or the reverse); equality and missing values are never part of a cross.
#include "meridian/strategies/cross.hpp"

#include <gtest/gtest.h>

#include <limits>

using meridian::strategies::Cross;
using meridian::strategies::CrossDetector;
using meridian::strategies::price_tolerance;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TEST(CrossDetector, FirstValueIsOnlyABaseline) {
  CrossDetector c;
  EXPECT_EQ(c.update(2.0, 1.0), Cross::none);
  EXPECT_EQ(c.update(3.0, 1.0), Cross::none);  // still above: no change
}

TEST(CrossDetector, BelowToAboveIsUpAboveToBelowIsDown) {
  CrossDetector c;
  EXPECT_EQ(c.update(1.0, 2.0), Cross::none);
  EXPECT_EQ(c.update(3.0, 2.0), Cross::up);
  EXPECT_EQ(c.update(4.0, 2.0), Cross::none);
  EXPECT_EQ(c.update(1.0, 2.0), Cross::down);
}

TEST(CrossDetector, EqualityIsNotACrossOnEitherSide) {
  CrossDetector c;
  EXPECT_EQ(c.update(1.0, 2.0), Cross::none);
  EXPECT_EQ(c.update(2.0, 2.0), Cross::none);  // touch
  EXPECT_EQ(c.update(3.0, 2.0), Cross::none);  // the previous bar was equal, not below
  EXPECT_EQ(c.update(2.0, 2.0), Cross::none);
  EXPECT_EQ(c.update(1.0, 2.0), Cross::none);
}

TEST(CrossDetector, ToleranceAbsorbsNoise) {
  CrossDetector c;
  EXPECT_EQ(c.update(100.0 - 1e-13, 100.0, price_tolerance(100.0)), Cross::none);
  EXPECT_EQ(c.update(100.0 + 1e-13, 100.0, price_tolerance(100.0)), Cross::none);  // both "equal"
  EXPECT_EQ(c.update(99.0, 100.0, price_tolerance(100.0)), Cross::none);
  EXPECT_EQ(c.update(101.0, 100.0, price_tolerance(100.0)), Cross::up);
}

TEST(CrossDetector, MissingValueBreaksTheChain) {
  CrossDetector c;
  EXPECT_EQ(c.update(1.0, 2.0), Cross::none);
  EXPECT_EQ(c.update(kNaN, 2.0), Cross::none);
  EXPECT_EQ(c.update(3.0, 2.0), Cross::none);  // the previous value was missing
  EXPECT_EQ(c.update(1.0, kNaN), Cross::none);
  EXPECT_EQ(c.update(1.0, 2.0), Cross::none);
  EXPECT_EQ(c.update(3.0, 2.0), Cross::up);
}

TEST(CrossDetector, ForgetStartsOver) {
  CrossDetector c;
  EXPECT_EQ(c.update(1.0, 2.0), Cross::none);
  c.forget();
  EXPECT_EQ(c.update(3.0, 2.0), Cross::none);
  EXPECT_EQ(c.update(1.0, 2.0), Cross::down);
}

TEST(PriceTolerance, ScalesWithPriceAndHasAFloor) {
  EXPECT_DOUBLE_EQ(price_tolerance(50'000.0), 5e-8);
  EXPECT_DOUBLE_EQ(price_tolerance(-50'000.0), 5e-8);
  EXPECT_DOUBLE_EQ(price_tolerance(0.001), 1e-12);
}
