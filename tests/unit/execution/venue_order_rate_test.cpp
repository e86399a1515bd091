// VenueOrderRate: the sliding window at its edges, refusals that take nothing, and the ring
// wrapping many times over.
#include "meridian/execution/venue_order_rate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using meridian::execution::VenueOrderRate;
using namespace std::chrono_literals;

namespace {
const VenueOrderRate::Clock::time_point kT0{std::chrono::hours(1000)};
}

TEST(VenueOrderRate, AtMostMaxOrdersInAnyWindow) {
  VenueOrderRate rate(3, 1000ms);
  EXPECT_TRUE(rate.try_take(kT0));
  EXPECT_TRUE(rate.try_take(kT0 + 100ms));
  EXPECT_TRUE(rate.try_take(kT0 + 200ms));
  EXPECT_FALSE(rate.try_take(kT0 + 300ms));
  EXPECT_FALSE(rate.try_take(kT0 + 999ms));  // the first is still inside (kT0, kT0 + 999]
  EXPECT_EQ(rate.used(kT0 + 999ms), 3u);
  // Exactly one window after the first take, it has left: one slot frees, not more.
  EXPECT_TRUE(rate.try_take(kT0 + 1000ms));
  EXPECT_FALSE(rate.try_take(kT0 + 1000ms));
  EXPECT_EQ(rate.used(kT0 + 1000ms), 3u);
  EXPECT_EQ(rate.used(kT0 + 1200ms), 1u);  // only the take at 1000 ms is left
  EXPECT_EQ(rate.used(kT0 + 2000ms), 0u);
}

TEST(VenueOrderRate, RefusalsTakeNothing) {
  VenueOrderRate rate(1, 1000ms);
  EXPECT_TRUE(rate.try_take(kT0));
  for (int i = 1; i < 100; ++i) EXPECT_FALSE(rate.try_take(kT0 + std::chrono::milliseconds(i * 9)));
  // A refused burst did not push the window out: free again one window after the one take.
  EXPECT_TRUE(rate.try_take(kT0 + 1000ms));
}

TEST(VenueOrderRate, RingWrapsManyTimesAndZeroMeansOne) {
  VenueOrderRate rate(4, 100ms);
  int taken = 0;
  for (int ms = 0; ms < 10'000; ++ms)
    if (rate.try_take(kT0 + std::chrono::milliseconds(ms))) ++taken;
  EXPECT_EQ(taken, 4 * 100);  // four per 100 ms window, for 100 windows
  VenueOrderRate one(0, 10ms);
  EXPECT_EQ(one.max_orders(), 1u);
  EXPECT_TRUE(one.try_take(kT0));
  EXPECT_FALSE(one.try_take(kT0 + 5ms));
}

TEST(VenueOrderRate, SharedByThreadsNeverExceedsTheLimit) {
  VenueOrderRate rate(1000, 1h);
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (rate.try_take(kT0)) ++taken;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(taken.load(), 1000);
  EXPECT_EQ(rate.used(kT0), 1000u);
}
