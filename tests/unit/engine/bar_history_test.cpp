// BarHistory keeps the newest N bars across chunk boundaries; a published BarSeries never
// changes afterwards (readers hold it while the engine appends); BarBook routes every
// timeframe into its own history and keeps truncated history periods out.
#include "meridian/engine/bar_history.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "meridian/engine/bar_book.hpp"
#include "meridian/engine/snapshot.hpp"

using meridian::core::Bar;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Tick;
using meridian::core::Timeframe;
using meridian::core::Timestamp;
using meridian::engine::BarBook;
using meridian::engine::BarHistory;
using meridian::engine::BarSeries;
using meridian::engine::Snapshot;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
const Timestamp kDay{sys_days{year{2026} / 3 / 2}.time_since_epoch()};

Bar bar_at(int i, Timeframe tf = Timeframe::m1, meridian::core::SymbolId symbol = 0) {
  Bar b;
  b.symbol = symbol;
  b.timeframe = tf;
  b.open_time = kDay + minutes(i);
  b.open = b.high = b.low = b.close = Price::from_units(100 + i);
  b.volume = Quantity::from_units(1);
  b.ticks = 1;
  return b;
}

std::vector<int> indices(const BarSeries& s) {
  std::vector<int> out;
  for (const auto& b : s) out.push_back(static_cast<int>(duration_cast<minutes>(b.open_time - kDay).count()));
  return out;
}

std::vector<int> range(int from, int to) {
  std::vector<int> out;
  for (int i = from; i < to; ++i) out.push_back(i);
  return out;
}
}  // namespace

TEST(BarHistory, KeepsTheNewestBarsAcrossChunks) {
  constexpr std::size_t kCap = 600;  // not a multiple of the chunk size
  BarHistory history(kCap);
  EXPECT_TRUE(history.series()->empty());
  for (int i = 0; i < 300; ++i) history.push(bar_at(i));
  EXPECT_EQ(indices(*history.series()), range(0, 300));
  for (int i = 300; i < 2000; ++i) history.push(bar_at(i));
  const auto s = history.series();
  ASSERT_EQ(s->size(), kCap);
  EXPECT_EQ(indices(*s), range(2000 - static_cast<int>(kCap), 2000));
  EXPECT_EQ(s->front().open_time, kDay + minutes(1400));
  EXPECT_EQ(s->back().open_time, kDay + minutes(1999));
  EXPECT_EQ((*s)[5].open_time, kDay + minutes(1405));
  // Random access works with the standard algorithms (the history API binary-searches).
  const auto it = std::lower_bound(s->begin(), s->end(), kDay + minutes(1777),
                                   [](const Bar& b, Timestamp t) { return b.open_time < t; });
  ASSERT_NE(it, s->end());
  EXPECT_EQ(it - s->begin(), 377);
  EXPECT_EQ(it->open_time, kDay + minutes(1777));
  EXPECT_EQ((s->end() - 1)->open_time, kDay + minutes(1999));
}

TEST(BarHistory, PublishedSeriesNeverChange) {
  BarHistory history(300);
  for (int i = 0; i < 250; ++i) history.push(bar_at(i));
  const auto before = history.series();
  EXPECT_EQ(history.series(), before) << "no push, no new series";
  // Appending into the same chunk, then past it and past the capacity.
  for (int i = 250; i < 1000; ++i) history.push(bar_at(i));
  EXPECT_EQ(indices(*before), range(0, 250));
  EXPECT_EQ(indices(*history.series()), range(700, 1000));
}

TEST(BarHistory, CapacityIsAtLeastOne) {
  BarHistory history(0);
  history.push(bar_at(1));
  history.push(bar_at(2));
  EXPECT_EQ(indices(*history.series()), std::vector<int>{2});
}

TEST(BarBook, TicksFillEveryTimeframe) {
  BarBook book(2, 100);
  std::vector<Bar> closed;
  // One tick every 30 s for 61 minutes from 00:00: minutes 0..59 close, and with minute 59
  // the 5m, 15m and 1h bars of the hour; the 4h and 1d bars go on.
  for (int i = 0; i <= 2 * 60; ++i) {
    Tick t;
    t.symbol = 1;
    t.ts = kDay + seconds(30 * i);
    t.last = t.bid = t.ask = Price::from_units(100 + i % 9);
    t.volume = Quantity::from_units(1);
    book.on_tick(t, [&](const Bar& b) { closed.push_back(b); });
  }
  auto count = [&](Timeframe tf) {
    return std::count_if(closed.begin(), closed.end(), [&](const Bar& b) { return b.timeframe == tf; });
  };
  EXPECT_EQ(count(Timeframe::m1), 60);
  EXPECT_EQ(count(Timeframe::m5), 12);
  EXPECT_EQ(count(Timeframe::m15), 4);
  EXPECT_EQ(count(Timeframe::h1), 1);
  EXPECT_EQ(count(Timeframe::h4), 0);
  EXPECT_EQ(book.series(Timeframe::m5, 1)->size(), 12u);
  EXPECT_EQ(book.series(Timeframe::h1, 1)->back().volume, Quantity::from_units(120));
  EXPECT_TRUE(book.series(Timeframe::m5, 0)->empty());

  Snapshot s;
  s.symbols.resize(2);
  book.publish(s);
  EXPECT_EQ(s.series(Timeframe::m15, 1).size(), 4u);
  EXPECT_EQ(s.series(Timeframe::m1, 1).size(), 60u);
  // The forming 4h bar holds the hour and the open minute (one tick at 01:00).
  const auto h4 = s.symbols[1].forming[meridian::market::TimeframeRollup::index_of(Timeframe::h4)];
  ASSERT_TRUE(h4);
  EXPECT_EQ(h4->open_time, kDay);
  EXPECT_EQ(h4->volume, Quantity::from_units(121));
  EXPECT_FALSE(s.symbols[0].forming[0]);
}

TEST(BarBook, HistoryDropsPeriodsThatBeganBeforeIt) {
  BarBook book(1, 100);
  // History from 00:03 to 00:12: the 5m bar of 00:00 misses minutes 0-2, so it is not kept;
  // the one of 00:05 is whole; the one of 00:10 goes on forming.
  std::vector<Timeframe> kept;
  for (int i = 3; i <= 12; ++i)
    for (const auto& b : book.add_history(bar_at(i))) kept.push_back(b.timeframe);
  EXPECT_EQ(std::count(kept.begin(), kept.end(), Timeframe::m1), 10);
  EXPECT_EQ(std::count(kept.begin(), kept.end(), Timeframe::m5), 1);
  ASSERT_EQ(book.series(Timeframe::m5, 0)->size(), 1u);
  EXPECT_EQ(book.series(Timeframe::m5, 0)->front().open_time, kDay + 5min);
  // A repeated minute is dropped.
  EXPECT_TRUE(book.add_history(bar_at(12)).empty());
  Snapshot s;
  s.symbols.resize(1);
  book.publish(s);
  const auto m5 = s.forming(Timeframe::m5, 0);
  ASSERT_TRUE(m5);
  EXPECT_EQ(m5->open_time, kDay + 10min);
  EXPECT_EQ(m5->volume, Quantity::from_units(3));
  // The forming 15m bar starts mid-period: the history is all there is of it.
  EXPECT_EQ(s.forming(Timeframe::m15, 0)->volume, Quantity::from_units(10));
}
