// Fifo: first in, first out through any mix of pushes and pops, and its storage kept.
#include "meridian/engine/fifo.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>

using meridian::engine::Fifo;

TEST(Fifo, KeepsOrderThroughAnyMixOfPushesAndPops) {
  Fifo<std::string> fifo;
  std::deque<std::string> model;
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    if (rng() % 3 != 0 || model.empty()) {
      // Longer than the small-string buffer, so a moved-from or stale element would show.
      auto item = "item number " + std::to_string(i) + " with a long tail";
      fifo.push_back(item);
      model.push_back(item);
    } else {
      ASSERT_EQ(fifo.front(), model.front());
      fifo.pop_front();
      model.pop_front();
    }
    ASSERT_EQ(fifo.size(), model.size());
    ASSERT_EQ(fifo.empty(), model.empty());
  }
  while (!model.empty()) {
    ASSERT_EQ(fifo.front(), model.front());
    fifo.pop_front();
    model.pop_front();
  }
  EXPECT_TRUE(fifo.empty());
}

TEST(Fifo, ClearEmptiesIt) {
  Fifo<int> fifo;
  for (int i = 0; i < 10; ++i) fifo.push_back(i);
  fifo.pop_front();
  fifo.clear();
  EXPECT_TRUE(fifo.empty());
  fifo.push_back(42);
  EXPECT_EQ(fifo.front(), 42);
  EXPECT_EQ(fifo.size(), 1u);
}
