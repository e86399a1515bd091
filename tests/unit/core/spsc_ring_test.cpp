// The journal ring: FIFO, bounded, and correct with one producer and one consumer thread.
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
