// core::LruMap: bounded, forgets the least recently used entry, sweeps stale ones from the old end.
#include "meridian/core/lru_map.hpp"

#include <gtest/gtest.h>

#include <string>

using meridian::core::LruMap;

TEST(LruMap, InsertsOnceAndFinds) {
  LruMap<std::string, int> m(4);
  auto a = m.touch("a");
  EXPECT_TRUE(a.inserted);
  EXPECT_EQ(a.value, 0);  // value-initialised
  a.value = 7;
  auto again = m.touch("a");
  EXPECT_FALSE(again.inserted);
  EXPECT_EQ(again.value, 7);
  ASSERT_NE(m.find("a"), nullptr);
  EXPECT_EQ(*m.find("a"), 7);
  EXPECT_EQ(m.find("b"), nullptr);
  EXPECT_EQ(m.size(), 1u);
}

TEST(LruMap, FullEvictsTheLeastRecentlyUsed) {
  LruMap<int, int> m(3);
  for (int k : {1, 2, 3}) m.touch(k).value = k * 10;
  m.find(1);   // 2 is now the oldest
  m.touch(3);  // and still is
  m.touch(4).value = 40;
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.find(2), nullptr);
  ASSERT_NE(m.find(1), nullptr);
  EXPECT_EQ(*m.find(1), 10);
  ASSERT_NE(m.find(4), nullptr);
  EXPECT_EQ(*m.find(4), 40);  // the reused node starts from a fresh value
  // Order now (oldest first): 3, 1, 4 -> the next insert evicts 3.
  m.touch(5);
  EXPECT_EQ(m.find(3), nullptr);
  EXPECT_NE(m.find(1), nullptr);
}

TEST(LruMap, ACapacityOfOneKeepsTheNewest) {
  LruMap<int, int> m(1);
  m.touch(1).value = 1;
  auto t = m.touch(2);
  EXPECT_TRUE(t.inserted);
  EXPECT_EQ(t.value, 0);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.find(1), nullptr);
}

TEST(LruMap, EraseUnlinksWherever) {
  LruMap<int, int> m(4);
  for (int k : {1, 2, 3, 4}) m.touch(k).value = k;
  m.erase(2);  // middle
  m.erase(4);  // newest
  m.erase(1);  // oldest
  m.erase(9);  // absent: nothing
  EXPECT_EQ(m.size(), 1u);
  for (int k : {5, 6, 7}) m.touch(k);
  EXPECT_EQ(m.size(), 4u);
  m.touch(8);  // evicts 3, the oldest left
  EXPECT_EQ(m.find(3), nullptr);
  for (int k : {5, 6, 7, 8}) EXPECT_NE(m.find(k), nullptr) << k;
}

TEST(LruMap, EraseStaleStopsAtTheFirstFreshEntryAndAtTheLimit) {
  LruMap<int, int> m(8);
  for (int k : {1, 2, 3, 4, 5}) m.touch(k).value = k;
  m.find(1);  // oldest first: 2, 3, 4, 5, 1
  const auto stale = [](int v) { return v != 4; };
  EXPECT_EQ(m.erase_stale(stale, 1), 1u);   // 2
  EXPECT_EQ(m.erase_stale(stale, 10), 1u);  // 3, then 4 is fresh
  EXPECT_EQ(m.size(), 3u);
  EXPECT_NE(m.find(4), nullptr);
  EXPECT_NE(m.find(1), nullptr);  // stale but behind a fresh entry: kept
  EXPECT_EQ(m.find(3), nullptr);
}

TEST(LruMap, ZeroCapacityIsRefused) {
  EXPECT_THROW((LruMap<int, int>(0)), std::invalid_argument);
}
