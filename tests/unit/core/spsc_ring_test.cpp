// The journal and feed-handoff ring: FIFO, bounded, and correct with one producer and one
// consumer thread, item by item or in batches.
#include "meridian/core/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using meridian::core::SpscRing;

TEST(SpscRing, RejectsTinyCapacity) {
  EXPECT_THROW(SpscRing<int>(0), std::invalid_argument);
  EXPECT_THROW(SpscRing<int>(1), std::invalid_argument);
  EXPECT_NO_THROW(SpscRing<int>(2));
}

TEST(SpscRing, FifoOrderAndSize) {
  SpscRing<int> ring(4);
  EXPECT_EQ(ring.capacity(), 4u);
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_FALSE(ring.try_pop());
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(ring.try_push(int{i}));
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.try_pop(), 1);
  EXPECT_EQ(ring.try_pop(), 2);
  EXPECT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.try_pop(), 3);
  EXPECT_FALSE(ring.try_pop());
  EXPECT_EQ(ring.size(), 0u);
}

TEST(SpscRing, FullReturnsFalseAndCallerKeepsTheItem) {
  SpscRing<std::unique_ptr<int>> ring(3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ring.try_push(std::make_unique<int>(i)));
  EXPECT_EQ(ring.size(), ring.capacity());
  auto extra = std::make_unique<int>(99);
  EXPECT_FALSE(ring.try_push(std::move(extra)));
  // A refused push must not move from the argument.
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(*extra, 99);
  // One pop frees exactly one slot.
  auto first = ring.try_pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(**first, 0);
  EXPECT_TRUE(ring.try_push(std::move(extra)));
  EXPECT_FALSE(ring.try_push(std::make_unique<int>(100)));
  for (int expected : {1, 2, 99}) {
    auto v = ring.try_pop();
    ASSERT_TRUE(v);
    EXPECT_EQ(**v, expected);
  }
}

TEST(SpscRing, WrapsAroundManyTimes) {
  // Indices grow past the capacity many times; order and contents must survive.
  SpscRing<std::uint64_t> ring(5);
  std::uint64_t next_in = 0;
  std::uint64_t next_out = 0;
  for (int round = 0; round < 1000; ++round) {
    const int pushes = 1 + round % 5;
    for (int k = 0; k < pushes && ring.try_push(std::uint64_t{next_in}); ++k) ++next_in;
    const int pops = 1 + (round * 7) % 5;
    for (int k = 0; k < pops; ++k) {
      auto v = ring.try_pop();
      if (!v) break;
      ASSERT_EQ(*v, next_out++);
    }
    ASSERT_EQ(ring.size(), next_in - next_out);
  }
}

TEST(SpscRing, WaitForDataReturnsAtOnceWhenNonEmpty) {
  SpscRing<int> ring(2);
  ASSERT_TRUE(ring.try_push(1));
  ring.wait_for_data();  // must not block: there is data
  EXPECT_EQ(ring.try_pop(), 1);
}

TEST(SpscRing, OneProducerOneConsumerKeepOrder) {
  // A small ring forces the producer to hit "full" often and the consumer to block in
  // wait_for_data(); every item must still arrive exactly once, in order.
  constexpr std::uint64_t kItems = 100'000;
  SpscRing<std::uint64_t> ring(64);
  std::vector<std::uint64_t> received;
  received.reserve(kItems);

  std::thread consumer([&] {
    while (received.size() < kItems) {
      ring.wait_for_data();
      while (auto v = ring.try_pop()) received.push_back(*v);
    }
  });
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kItems; ++i)
      while (!ring.try_push(std::uint64_t{i})) std::this_thread::yield();
  });
  producer.join();
  consumer.join();

  ASSERT_EQ(received.size(), kItems);
  for (std::uint64_t i = 0; i < kItems; ++i) ASSERT_EQ(received[i], i);
  EXPECT_EQ(ring.size(), 0u);
}

TEST(SpscRing, BatchPushTakesWhatFitsAndBatchPopTakesAtMostMaxAcrossTheWrap) {
  SpscRing<int> ring(5);
  const std::vector<int> a{1, 2, 3};
  EXPECT_EQ(ring.try_push_n(a), 3u);
  std::vector<int> out;
  EXPECT_EQ(ring.pop_into(out, 2), 2u);
  EXPECT_EQ(out, (std::vector<int>{1, 2}));
  // Four free slots, two of them before the wrap: 4..7 fit, 8 and 9 stay the caller's.
  const std::vector<int> b{4, 5, 6, 7, 8, 9};
  EXPECT_EQ(ring.try_push_n(b), 4u);
  EXPECT_EQ(ring.size(), 5u);
  EXPECT_EQ(ring.try_push_n(b), 0u);
  EXPECT_EQ(ring.pushed(), 7u);
  EXPECT_EQ(ring.popped(), 2u);
  out.clear();
  EXPECT_EQ(ring.pop_into(out), 5u);  // appends across the wrap
  EXPECT_EQ(out, (std::vector<int>{3, 4, 5, 6, 7}));
  EXPECT_EQ(ring.pop_into(out), 0u);
  EXPECT_EQ(ring.popped(), 7u);
  EXPECT_EQ(ring.try_push_n(std::span<const int>{}), 0u);
}

TEST(SpscRing, BatchProducerAndConsumerKeepOrder) {
  constexpr std::uint64_t kItems = 100'000;
  SpscRing<std::uint64_t> ring(61);  // not a power of two: every batch wraps somewhere new
  std::vector<std::uint64_t> received;
  received.reserve(kItems);
  std::thread consumer([&] {
    while (received.size() < kItems) {
      ring.wait_for_data();
      ring.pop_into(received, 1 + received.size() % 17);
    }
  });
  std::thread producer([&] {
    std::vector<std::uint64_t> batch;
    for (std::uint64_t i = 0; i < kItems;) {
      batch.clear();
      for (std::uint64_t k = 0; k < 1 + i % 23 && i + k < kItems; ++k) batch.push_back(i + k);
      std::span<const std::uint64_t> rest(batch);
      while (!rest.empty()) {
        const auto n = ring.try_push_n(rest);
        rest = rest.subspan(n);
        if (n == 0) std::this_thread::yield();
      }
      i += batch.size();
    }
  });
  producer.join();
  consumer.join();
  ASSERT_EQ(received.size(), kItems);
  for (std::uint64_t i = 0; i < kItems; ++i) ASSERT_EQ(received[i], i);
}
