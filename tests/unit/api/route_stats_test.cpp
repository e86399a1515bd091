// The lock-free latency histogram and per-route counters behind GET /api/stats and /metrics.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "meridian/api/route_stats.hpp"

using namespace meridian;
using namespace std::chrono_literals;
using core::LatencyHistogram;

TEST(LatencyHistogram, BucketsArePowersOfTwoMicroseconds) {
  EXPECT_EQ(LatencyHistogram::bucket_of(0), 0u);
  EXPECT_EQ(LatencyHistogram::bucket_of(16), 0u);
  EXPECT_EQ(LatencyHistogram::bucket_of(17), 1u);
  EXPECT_EQ(LatencyHistogram::bucket_of(32), 1u);
  EXPECT_EQ(LatencyHistogram::bucket_of(33), 2u);
  EXPECT_EQ(LatencyHistogram::upper_bound_us(LatencyHistogram::bucket_of(1000)), 1024u);
  EXPECT_EQ(LatencyHistogram::bucket_of(1ull << 40), LatencyHistogram::kBounded);  // overflow
}

TEST(LatencyHistogram, QuantilesAreTheRankBucketsUpperBoundCappedAtMax) {
  LatencyHistogram h;
  EXPECT_EQ(h.view().quantile_us(0.5), 0u);
  for (int i = 0; i < 90; ++i) h.record(100us);  // bucket <= 128 us
  for (int i = 0; i < 9; ++i) h.record(3ms);     // <= 4096 us
  h.record(1500ms);                              // the one slow request
  const auto v = h.view();
  EXPECT_EQ(v.count, 100u);
  EXPECT_EQ(v.quantile_us(0.50), 128u);
  EXPECT_EQ(v.quantile_us(0.90), 128u);
  EXPECT_EQ(v.quantile_us(0.99), 4096u);
  EXPECT_EQ(v.quantile_us(1.0), 1'500'000u);
  EXPECT_EQ(v.max_us, 1'500'000u);
  EXPECT_EQ(v.sum_us, 90u * 100 + 9u * 3000 + 1'500'000);
}

TEST(RouteStats, CountsByRouteAndStatusClassFromManyThreads) {
  api::RouteStats stats;
  stats.reset(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        stats.record(1, 200, 50us);
        stats.record(1, 404, 50us);
        stats.record(99, 500, 1ms);  // out of range: the unrouted slot
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(stats.slot(1).status[1].load(), 4000u);  // 2xx
  EXPECT_EQ(stats.slot(1).status[3].load(), 4000u);  // 4xx
  EXPECT_EQ(stats.slot(1).latency.view().count, 8000u);
  EXPECT_EQ(stats.slot(0).latency.view().count, 0u);
  EXPECT_EQ(stats.slot(stats.unrouted()).status[4].load(), 4000u);
}
