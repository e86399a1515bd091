// Replay: the four ticks of a bar aggregate back to the bar exactly; the feed merges files by
// time, plays them flat out in bounded batches, honours unsubscribe, and at real-time pace
// holds later ticks back until stopped.
#include "meridian/market/replay_feed.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <vector>

#include "meridian/market/bar_aggregator.hpp"

using meridian::core::Bar;
using meridian::core::Duration;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::SymbolId;
using meridian::core::Tick;
using meridian::core::Timeframe;
using meridian::core::Timestamp;
using meridian::market::bar_ticks;
using meridian::market::BarAggregator;
using meridian::market::ReplayData;
using meridian::market::ReplayFeed;
using meridian::market::TickSink;
using namespace std::chrono;

namespace {

const Timestamp kT0{seconds(1704067200)};  // 2024-01-01T00:00:00Z

Bar bar(SymbolId symbol, Timestamp t, const char* o, const char* h, const char* l, const char* c, const char* v) {
  Bar b;
  b.symbol = symbol;
  b.timeframe = Timeframe::m1;
  b.open_time = t;
  b.open = *Price::parse(o);
  b.high = *Price::parse(h);
  b.low = *Price::parse(l);
  b.close = *Price::parse(c);
  b.volume = *Quantity::parse(v);
  return b;
}

void expect_same_bar(const Bar& got, const Bar& want) {
  EXPECT_EQ(got.symbol, want.symbol);
  EXPECT_EQ(got.open_time, want.open_time);
  EXPECT_EQ(got.open, want.open);
  EXPECT_EQ(got.high, want.high);
  EXPECT_EQ(got.low, want.low);
  EXPECT_EQ(got.close, want.close);
  EXPECT_EQ(got.volume, want.volume);
}

// Aggregates what the feed delivers, like the engine does.
struct AggregatingSink : TickSink {
  explicit AggregatingSink(std::size_t symbols) : agg(Timeframe::m1, symbols) {}
  void on_ticks(std::span<const Tick> ticks) override {
    ++calls;
    for (const auto& t : ticks) {
      if (!received.empty()) {
        EXPECT_LE(received.back().ts, t.ts) << "ticks out of time order";
      }
      received.push_back(t);
      if (auto closed = agg.on_tick(t)) bars.push_back(*closed);
    }
  }
  // Closed bars plus each symbol's partial one.
  std::vector<Bar> all_bars(std::size_t symbols) const {
    auto out = bars;
    for (SymbolId s = 0; s < symbols; ++s)
      if (const auto* p = agg.partial(s)) out.push_back(*p);
    return out;
  }
  BarAggregator agg;
  std::vector<Tick> received;
  std::vector<Bar> bars;
  int calls = 0;
};

std::vector<Bar> series(SymbolId symbol, std::size_t n, Duration step) {
  std::vector<Bar> out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto base = 100 + static_cast<int>(i % 7);
    const bool rising = i % 2 == 0;
    const auto o = std::to_string(rising ? base : base + 1);
    const auto c = std::to_string(rising ? base + 1 : base);
    out.push_back(bar(symbol, kT0 + step * static_cast<long>(i), o.c_str(), std::to_string(base + 2).c_str(),
                      std::to_string(base - 1).c_str(), c.c_str(), "1.00000003"));
  }
  return out;
}

}  // namespace

TEST(BarTicks, RisingBarGoesOpenLowHighClose) {
  const auto b = bar(0, kT0, "10", "12", "9", "11", "4");
  const auto t = bar_ticks(b, minutes(1));
  EXPECT_EQ(t[0].last, b.open);
  EXPECT_EQ(t[1].last, b.low);
  EXPECT_EQ(t[2].last, b.high);
  EXPECT_EQ(t[3].last, b.close);
  EXPECT_EQ(t[0].ts, kT0);
  EXPECT_EQ(t[1].ts, kT0 + 15s);
  EXPECT_EQ(t[3].ts, kT0 + 45s);
  for (const auto& tick : t) EXPECT_EQ(tick.bid, tick.last);
}

TEST(BarTicks, FallingBarGoesOpenHighLowClose) {
  const auto t = bar_ticks(bar(0, kT0, "11", "12", "9", "10", "4"), Duration::zero());
  EXPECT_EQ(t[1].last, *Price::parse("12"));
  EXPECT_EQ(t[2].last, *Price::parse("9"));
}

TEST(BarTicks, AggregateBackToTheBarExactly) {
  // Odd volume (the remainder lands on the close), a bar off the minute, and bars 8 s apart.
  for (const auto& [b, gap] :
       {std::pair{bar(3, kT0, "1.00000001", "1.5", "0.99999999", "1.2", "0.00000007"), Duration(minutes(1))},
        std::pair{bar(3, kT0 + 50s, "5", "6", "4", "4.5", "10"), Duration::zero()},
        std::pair{bar(3, kT0 + 8s, "5", "5", "5", "5", "0"), Duration(8s)}}) {
    const auto ticks = bar_ticks(b, gap);
    BarAggregator agg(Timeframe::m1, 4);
    for (const auto& t : ticks) {
      EXPECT_FALSE(agg.on_tick(t)) << "a bar's ticks must stay inside its minute";
      EXPECT_LT(t.ts, b.open_time + (gap > Duration::zero() ? gap : Duration(minutes(1))));
    }
    const auto* p = agg.partial(3);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->ticks, 4u);
    Bar want = b;
    want.open_time = meridian::core::floor_to(b.open_time, minutes(1));
    expect_same_bar(*p, want);
  }
}

TEST(ReplayFeed, FlatOutMergesFilesAndReproducesEveryBar) {
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  ReplayData data;
  data.series.push_back(series(0, 700, minutes(1)));
  data.series.push_back(series(1, 350, minutes(2)));
  data.bad_rows = 5;
  const auto expected0 = data.series[0];
  const auto expected1 = data.series[1];
  ReplayFeed feed(strand, std::move(data), 0);
  AggregatingSink sink(2);
  feed.start(sink);
  io.run();  // returns once the replay has nothing more to post

  EXPECT_TRUE(feed.finished());
  const auto h = feed.health();
  EXPECT_TRUE(h.connected);
  EXPECT_EQ(h.ticks, 4u * (700 + 350));
  EXPECT_EQ(h.bad_rows, 5u);
  EXPECT_EQ(sink.received.size(), h.ticks);
  EXPECT_GT(sink.calls, 1) << "a flat-out replay yields the strand between batches";
  std::vector<Bar> got0, got1;
  for (const auto& b : sink.all_bars(2)) (b.symbol == 0 ? got0 : got1).push_back(b);
  ASSERT_EQ(got0.size(), expected0.size());
  ASSERT_EQ(got1.size(), expected1.size());
  for (std::size_t i = 0; i < got0.size(); ++i) expect_same_bar(got0[i], expected0[i]);
  for (std::size_t i = 0; i < got1.size(); ++i) expect_same_bar(got1[i], expected1[i]);
}

TEST(ReplayFeed, UnsubscribedSymbolsAreNotDelivered) {
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  ReplayData data;
  data.series.push_back(series(0, 10, minutes(1)));
  data.series.push_back(series(1, 10, minutes(1)));
  ReplayFeed feed(strand, std::move(data), 0);
  const SymbolId off[] = {1};
  feed.unsubscribe(off);
  AggregatingSink sink(2);
  feed.start(sink);
  io.run();
  EXPECT_EQ(sink.received.size(), 40u);
  for (const auto& t : sink.received) EXPECT_EQ(t.symbol, 0u);
  EXPECT_EQ(feed.health().ticks, 40u);
}

TEST(ReplayFeed, RealTimePaceHoldsLaterTicksUntilStopped) {
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  ReplayData data;
  data.series.push_back(series(0, 3, minutes(1)));
  ReplayFeed feed(strand, std::move(data), 1.0);
  AggregatingSink sink(1);
  feed.start(sink);
  io.poll();  // the first tick is due at once; the next one 15 s of wall time later
  EXPECT_EQ(sink.received.size(), 1u);
  EXPECT_FALSE(feed.finished());
  feed.stop();
  io.run();  // the cancelled timer was the only work left
  EXPECT_EQ(sink.received.size(), 1u);
  EXPECT_FALSE(feed.health().connected);
}

TEST(ReplayFeed, EmptyDataFinishesAtOnce) {
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  ReplayData data;
  data.series.emplace_back();
  ReplayFeed feed(strand, std::move(data), 0);
  AggregatingSink sink(1);
  feed.start(sink);
  io.run();
  EXPECT_TRUE(feed.finished());
  EXPECT_EQ(sink.calls, 0);
}
