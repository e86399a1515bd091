// BurstLog: one line when failures start, one when they end; a flapping venue is logged at
// most once per quiet period, with the silent failures counted into the next report.
#include "meridian/market/burst_log.hpp"

#include <gtest/gtest.h>

using meridian::market::BurstLog;
using namespace std::chrono;

TEST(VenueBurstLog, OneLinePerBurstWithTheCountAtTheEnd) {
  BurstLog log(seconds(60));
  const BurstLog::Clock::time_point t0{};
  EXPECT_EQ(log.success(), 0u);
  EXPECT_TRUE(log.failure(t0));
  EXPECT_FALSE(log.failure(t0 + seconds(1)));
  EXPECT_FALSE(log.failure(t0 + seconds(2)));
  EXPECT_EQ(log.success(), 3u);
  EXPECT_EQ(log.success(), 0u);
}

TEST(VenueBurstLog, FlappingIsLoggedOncePerQuietPeriod) {
  BurstLog log(seconds(60));
  const BurstLog::Clock::time_point t0{};
  EXPECT_TRUE(log.failure(t0));
  EXPECT_EQ(log.success(), 1u);
  // Bad answers between good ones within the quiet period: counted, not logged.
  for (int i = 1; i <= 5; ++i) {
    EXPECT_FALSE(log.failure(t0 + seconds(i)));
    EXPECT_EQ(log.success(), 0u);
  }
  EXPECT_EQ(log.unreported(), 5u);
  EXPECT_TRUE(log.failure(t0 + seconds(61)));
  EXPECT_EQ(log.unreported(), 6u);
  EXPECT_EQ(log.success(), 6u);
}
