// Backoff: delays grow by the multiplier, stay inside the jitter band and under the cap, and
// start again from the initial delay after reset.
#include "meridian/transport/backoff.hpp"

#include <gtest/gtest.h>

using meridian::transport::Backoff;
using meridian::transport::BackoffConfig;
using std::chrono::milliseconds;

TEST(VenueBackoff, GrowsWithinTheJitterBandUpToTheCap) {
  Backoff b({milliseconds(100), milliseconds(1000), 2.0, 0.25}, 7);
  const long bases[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (long base : bases) {
    EXPECT_EQ(b.base().count(), base);
    const auto d = b.next().count();
    EXPECT_GE(d, static_cast<long>(base * 0.75));
    EXPECT_LE(d, std::min(static_cast<long>(base * 1.25), 1000L));
  }
}

TEST(VenueBackoff, JitterSpreadsDelaysAcrossTheBand) {
  long lo = 1'000'000, hi = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Backoff b({milliseconds(1000), milliseconds(60'000), 2.0, 0.2}, seed);
    const auto d = b.next().count();
    ASSERT_GE(d, 800);
    ASSERT_LE(d, 1200);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  // Two hundred draws of a uniform spread cover most of the band, not one point.
  EXPECT_LT(lo, 880);
  EXPECT_GT(hi, 1120);
}

TEST(VenueBackoff, NoJitterIsExactAndResetStartsOver) {
  Backoff b({milliseconds(10), milliseconds(100), 3.0, 0.0}, 1);
  EXPECT_EQ(b.next().count(), 10);
  EXPECT_EQ(b.next().count(), 30);
  EXPECT_EQ(b.next().count(), 90);
  EXPECT_EQ(b.next().count(), 100);
  EXPECT_EQ(b.attempts(), 3);
  b.reset();
  EXPECT_EQ(b.attempts(), 0);
  EXPECT_EQ(b.next().count(), 10);
}

TEST(VenueBackoff, ManyFailuresNeverOverflowOrExceedTheCap) {
  Backoff b({milliseconds(1), milliseconds(5000), 10.0, 1.0}, 3);
  for (int i = 0; i < 10'000; ++i) {
    const auto d = b.next().count();
    ASSERT_GE(d, 1);
    ASSERT_LE(d, 5000);
  }
}

TEST(VenueBackoff, NonsenseSettingsStillGivePositiveDelays) {
  Backoff b({milliseconds(0), milliseconds(-5), 0.5, 7.0}, 1);
  for (int i = 0; i < 10; ++i) EXPECT_GE(b.next().count(), 1);
}
