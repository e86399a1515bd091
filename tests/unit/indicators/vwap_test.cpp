// VWAP: typical price weighted by volume; session resets (UTC day, manual, custom rule);
// rolling window; zero volume gives the latest typical price.
#include "meridian/indicators/vwap.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace meridian::indicators {
namespace {

using std::chrono::hours;

core::Timestamp at(hours h) {
  return core::Timestamp(h);
}  // hours since the epoch (UTC)

// A bar whose typical price is `tp`.
Ohlcv bar(core::Timestamp t, double tp, double volume) {
  return {t, tp, tp + 1, tp - 1, tp, volume};
}

TEST(SessionVwap, WeightsTypicalPriceByVolume) {
  SessionVwap vwap;
  EXPECT_FALSE(vwap.ready());
  EXPECT_TRUE(std::isnan(vwap.value()));
  vwap.update(Ohlcv{at(hours(24)), 10, 12, 9, 12, 100});  // typical (12 + 9 + 12)/3 = 11
  EXPECT_TRUE(vwap.ready());
  EXPECT_DOUBLE_EQ(vwap.value(), 11.0);
  vwap.update(bar(at(hours(25)), 20, 300));
  EXPECT_DOUBLE_EQ(vwap.value(), (11.0 * 100 + 20.0 * 300) / 400);
}

TEST(SessionVwap, ResetsWhenTheUtcDayChanges) {
  SessionVwap vwap;
  vwap.update(bar(at(hours(24 * 10 + 22)), 10, 1));
  vwap.update(bar(at(hours(24 * 10 + 23)), 20, 1));
  EXPECT_DOUBLE_EQ(vwap.value(), 15.0);
  vwap.update(bar(at(hours(24 * 11)), 40, 1));  // midnight UTC: a new session
  EXPECT_DOUBLE_EQ(vwap.value(), 40.0);
  vwap.update(bar(at(hours(24 * 11 + 5)), 50, 3));
  EXPECT_DOUBLE_EQ(vwap.value(), 47.5);
  vwap.update(bar(at(hours(24 * 13 + 1)), 7, 2));  // a skipped day is still a new session
  EXPECT_DOUBLE_EQ(vwap.value(), 7.0);
}

TEST(SessionVwap, ManualModeResetsOnlyWhenTold) {
  SessionVwap vwap(SessionReset::manual);
  vwap.update(bar(at(hours(1)), 10, 1));
  vwap.update(bar(at(hours(30)), 20, 1));  // another day, same session
  EXPECT_DOUBLE_EQ(vwap.value(), 15.0);
  vwap.start_session();
  EXPECT_DOUBLE_EQ(vwap.value(), 15.0);  // the reset applies from the next bar
  vwap.update(bar(at(hours(31)), 30, 1));
  EXPECT_DOUBLE_EQ(vwap.value(), 30.0);
}

TEST(SessionVwap, CustomBoundaryRule) {
  // Sessions open at 14:00 UTC.
  SessionVwap vwap([](core::Timestamp previous, core::Timestamp current) {
    const auto open = [](core::Timestamp t) { return core::floor_to(t - hours(14), hours(24)); };
    return open(previous) != open(current);
  });
  vwap.update(bar(at(hours(24 + 12)), 10, 1));
  vwap.update(bar(at(hours(24 + 13)), 20, 1));
  EXPECT_DOUBLE_EQ(vwap.value(), 15.0);
  vwap.update(bar(at(hours(24 + 14)), 30, 1));
  EXPECT_DOUBLE_EQ(vwap.value(), 30.0);
  vwap.update(bar(at(hours(48 + 1)), 40, 1));  // UTC midnight passed, same session
  EXPECT_DOUBLE_EQ(vwap.value(), 35.0);
}

TEST(SessionVwap, ZeroVolumeGivesLatestTypicalPrice) {
  SessionVwap vwap;
  vwap.update(bar(at(hours(1)), 10, 0));
  EXPECT_DOUBLE_EQ(vwap.value(), 10.0);
  vwap.update(bar(at(hours(2)), 12, 0));
  EXPECT_DOUBLE_EQ(vwap.value(), 12.0);
  vwap.update(bar(at(hours(3)), 20, 5));
  vwap.update(bar(at(hours(4)), 30, 0));  // once volume exists, zero-volume bars weigh nothing
  EXPECT_DOUBLE_EQ(vwap.value(), 20.0);
}

TEST(SessionVwap, PriceOnlyUpdatesAverageWithEqualWeight) {
  SessionVwap vwap;
  for (double p : {10.0, 20.0, 60.0}) vwap.update(p);
  EXPECT_DOUBLE_EQ(vwap.value(), 30.0);
}

TEST(RollingVwap, RejectsZeroPeriod) {
  EXPECT_THROW(RollingVwap(0), std::invalid_argument);
}

TEST(RollingVwap, CoversTheLastNBars) {
  RollingVwap vwap(2);
  EXPECT_EQ(vwap.warmup(), 2u);
  vwap.update(bar(at(hours(1)), 10, 1));
  EXPECT_FALSE(vwap.ready());
  EXPECT_TRUE(std::isnan(vwap.value()));
  vwap.update(bar(at(hours(2)), 20, 3));
  EXPECT_DOUBLE_EQ(vwap.value(), 17.5);
  vwap.update(bar(at(hours(3)), 40, 1));
  EXPECT_DOUBLE_EQ(vwap.value(), 25.0);  // (20*3 + 40*1)/4
}

TEST(RollingVwap, WindowWithoutVolumeGivesLatestTypicalPrice) {
  RollingVwap vwap(3);
  // Volumes whose running sum does not return to exactly 0 in floating point.
  for (double v : {0.1, 0.2, 0.7}) vwap.update(bar(at(hours(1)), 10, v));
  for (int i = 0; i < 3; ++i) vwap.update(bar(at(hours(2 + i)), 11.0 + i, 0.0));
  EXPECT_EQ(vwap.value(), 13.0);
}

}  // namespace
}  // namespace meridian::indicators
