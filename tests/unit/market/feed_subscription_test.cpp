// Feed subscriptions: the symbol filter both feeds share, and the simulated feed delivering only
// subscribed symbols while every path still steps (so a seed gives the same prices either way).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <vector>

#include "meridian/market/simulated_feed.hpp"
#include "meridian/market/symbol_filter.hpp"

using meridian::core::AssetClass;
using meridian::core::InstrumentTable;
using meridian::core::SymbolId;
using meridian::core::Tick;
using meridian::core::Timestamp;
using meridian::market::SimConfig;
using meridian::market::SimulatedFeed;
using meridian::market::SimulatedPrices;
using meridian::market::SymbolFilter;
using meridian::market::TickSink;
using namespace std::chrono;

TEST(SymbolFilter, EverythingUntilUnsubscribed) {
  SymbolFilter f;
  EXPECT_TRUE(f.wants_all());
  EXPECT_TRUE(f.wants(0));
  EXPECT_TRUE(f.wants(1'000'000));
  const SymbolId off[] = {2, 5, 5};
  f.unsubscribe(off);
  EXPECT_FALSE(f.wants_all());
  EXPECT_FALSE(f.wants(2));
  EXPECT_FALSE(f.wants(5));
  EXPECT_TRUE(f.wants(3));
  EXPECT_TRUE(f.wants(6));
  const SymbolId back[] = {5, 9};  // 9 was never off: no effect
  f.subscribe(back);
  EXPECT_TRUE(f.wants(5));
  EXPECT_FALSE(f.wants(2));
  const SymbolId two[] = {2};
  f.subscribe(two);
  EXPECT_TRUE(f.wants_all());
}

namespace {
InstrumentTable instruments() {
  return InstrumentTable({{0, "AAA", "crypto", AssetClass::crypto, "USD", 2, 2, 100.0, 0.5},
                          {0, "BBB", "crypto", AssetClass::crypto, "USD", 2, 2, 200.0, 0.5},
                          {0, "CCC", "crypto", AssetClass::crypto, "USD", 2, 2, 300.0, 0.5}});
}

// Collects ticks and stops the feed after `limit` deliveries.
struct StoppingSink : TickSink {
  SimulatedFeed* feed = nullptr;
  int limit = 0;
  std::vector<Tick> ticks;
  int calls = 0;
  void on_ticks(std::span<const Tick> batch) override {
    ticks.insert(ticks.end(), batch.begin(), batch.end());
    if (++calls == limit) feed->stop();
  }
};

std::vector<Tick> run(const std::vector<SymbolId>& unsubscribed, int deliveries, std::uint64_t& delivered_count) {
  const auto table = instruments();
  SimulatedPrices prices(table, SimConfig{}, Timestamp(seconds(1'700'000'000)));
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  SimulatedFeed feed(strand, prices, milliseconds(0));
  if (!unsubscribed.empty()) feed.unsubscribe(unsubscribed);
  StoppingSink sink;
  sink.feed = &feed;
  sink.limit = deliveries;
  feed.start(sink);
  io.run();
  delivered_count = feed.health().ticks;
  return sink.ticks;
}
}  // namespace

TEST(SimulatedFeed, DeliversOnlySubscribedSymbolsOnTheSamePaths) {
  std::uint64_t all_count = 0, some_count = 0;
  const auto all = run({}, 3, all_count);
  const auto some = run({1}, 3, some_count);
  ASSERT_FALSE(some.empty());
  EXPECT_EQ(all_count, all.size());
  EXPECT_EQ(some_count, some.size());
  // Same seed, same steps: the subscribed symbols' ticks are the ones the full run had.
  std::vector<Tick> expected;
  for (const auto& t : all)
    if (t.symbol != 1) expected.push_back(t);
  ASSERT_EQ(some.size(), expected.size());
  for (std::size_t i = 0; i < some.size(); ++i) {
    EXPECT_EQ(some[i].symbol, expected[i].symbol);
    EXPECT_EQ(some[i].ts, expected[i].ts);
    EXPECT_EQ(some[i].last, expected[i].last);
  }
}
