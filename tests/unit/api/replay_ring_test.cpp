#include "meridian/api/replay_ring.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meridian::api {
namespace {

std::vector<std::uint64_t> seqs_after(const ReplayRing<std::string>& ring, std::uint64_t since) {
  std::vector<std::uint64_t> out;
  ring.for_each_after(since, [&](std::uint64_t seq, const std::string&) { out.push_back(seq); });
  return out;
}

TEST(ReplayRing, AnEmptyTopicCoversOnlyAClientThatSawNothing) {
  ReplayRing<std::string> ring(4);
  EXPECT_TRUE(ring.covers(0));
  EXPECT_FALSE(ring.covers(1)) << "a seq ahead of the topic is another daemon run's";
  EXPECT_TRUE(seqs_after(ring, 0).empty());
}

TEST(ReplayRing, ReplaysEverythingAfterSinceInOrder) {
  ReplayRing<std::string> ring(8);
  for (std::uint64_t s = 1; s <= 5; ++s) ring.push(s, "m" + std::to_string(s));
  EXPECT_TRUE(ring.covers(0));
  EXPECT_TRUE(ring.covers(2));
  EXPECT_TRUE(ring.covers(5));
  EXPECT_FALSE(ring.covers(6));
  EXPECT_EQ(seqs_after(ring, 2), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_TRUE(seqs_after(ring, 5).empty());
  EXPECT_EQ(ring.last_seq(), 5u);
}

TEST(ReplayRing, ForgetsTheOldestPastItsCapacityAndSaysSo) {
  ReplayRing<std::string> ring(3);
  for (std::uint64_t s = 1; s <= 10; ++s) ring.push(s, "m");
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_TRUE(ring.covers(7)) << "8, 9 and 10 are held";
  EXPECT_FALSE(ring.covers(6)) << "7 is gone: the client needs a snapshot";
  EXPECT_FALSE(ring.covers(0));
  EXPECT_EQ(seqs_after(ring, 7), (std::vector<std::uint64_t>{8, 9, 10}));
}

TEST(ReplayRing, VariantsOfOneEventShareASeq) {
  ReplayRing<std::string> ring(4);
  ring.push(1, "tradingStarted");
  ring.push(1, "state_change");
  ring.push(2, "tradingStopped");
  ring.push(2, "state_change");
  std::vector<std::string> texts;
  ring.for_each_after(0, [&](std::uint64_t, const std::string& t) { texts.push_back(t); });
  EXPECT_EQ(texts, (std::vector<std::string>{"tradingStarted", "state_change", "tradingStopped", "state_change"}));
  ring.push(3, "x");  // evicts seq 1's first variant: 1 is no longer whole
  EXPECT_FALSE(ring.covers(0));
  EXPECT_TRUE(ring.covers(1));
}

TEST(ReplayRing, ACapacityOfZeroKeepsTheLatest) {
  ReplayRing<std::string> ring(0);
  ring.push(1, "a");
  ring.push(2, "b");
  EXPECT_EQ(ring.size(), 1u);
  EXPECT_EQ(seqs_after(ring, 0), (std::vector<std::uint64_t>{2}));
}

}  // namespace
}  // namespace meridian::api
