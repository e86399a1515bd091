// The engine and the higher timeframes: live ticks close 5m..1d bars that are journaled with
// their timeframe, raised as BarClosed events and published in the snapshot with the forming
// bar of each timeframe; recovered 1m bars rebuild them without journaling or events; and
// every history is bounded.
#include <gtest/gtest.h>

#include <variant>
#include <vector>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"

using meridian::core::Bar;
using meridian::core::InstrumentTable;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Tick;
using meridian::core::Timeframe;
using meridian::core::Timestamp;
using meridian::engine::BarClosed;
using meridian::engine::BarRecord;
using meridian::engine::JournalQueue;
using meridian::engine::Portfolio;
using meridian::engine::PortfolioConfig;
using meridian::engine::RecoveredState;
using meridian::execution::PaperConfig;
using meridian::execution::PaperExecutor;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
// 2026-04-01T23:40:00Z: twenty minutes before a UTC midnight.
const Timestamp kT0{sys_days{year{2026} / 4 / 1}.time_since_epoch() + 23h + 40min};

InstrumentTable instruments() {
  using meridian::core::AssetClass;
  return InstrumentTable({{0, "TEST-A", "test", AssetClass::equity, "USD", 2, 0, 100.0, 0.3}});
}

struct Rig {
  explicit Rig(RecoveredState recovered = {}, std::size_t bars_in_memory = 5000)
      : engine(table, config(bars_in_memory), executor, journal, std::move(recovered)) {
    while (journal.try_pop()) {
    }
  }
  static PortfolioConfig config(std::size_t bars_in_memory) {
    PortfolioConfig c;
    c.autostart = false;  // bars only: no trading in these tests
    c.bars_in_memory = bars_in_memory;
    return c;
  }
  // One tick every 20 s for minutes [first, last]; the price is 100 + the minute index.
  void feed(int first, int last) {
    for (int m = first; m <= last; ++m)
      for (int k = 0; k < 3; ++k) {
        Tick t;
        t.symbol = 0;
        t.ts = kT0 + minutes(m) + seconds(20 * k);
        t.last = t.bid = t.ask = Price::from_units(100 + m);
        t.volume = Quantity::from_units(1);
        engine.on_ticks(std::span<const Tick>(&t, 1));
      }
  }
  std::vector<Bar> journaled(Timeframe tf) {
    std::vector<Bar> out;
    while (auto e = journal.try_pop())
      if (const auto* r = std::get_if<BarRecord>(&e->record); r && r->bar.timeframe == tf) out.push_back(r->bar);
    return out;
  }
  InstrumentTable table = instruments();
  PaperExecutor executor{PaperConfig{}, table};
  JournalQueue journal{4096};
  Portfolio engine;
};

std::vector<Bar> closed_events(Portfolio& engine, Timeframe tf) {
  std::vector<Bar> out;
  for (const auto& e : engine.take_events())
    if (const auto* c = std::get_if<BarClosed>(&e); c && c->bar.timeframe == tf) out.push_back(c->bar);
  return out;
}
}  // namespace

TEST(EngineTimeframes, LiveBarsAreJournaledPublishedAndRaised) {
  Rig rig;
  // 23:40 .. 00:01: minutes up to 00:00 close, and with 23:59 every timeframe of the day.
  rig.feed(0, 21);
  const auto snap = rig.engine.make_snapshot();
  EXPECT_EQ(snap->series(Timeframe::m1, 0).size(), 21u);
  ASSERT_EQ(snap->series(Timeframe::m5, 0).size(), 4u);
  EXPECT_EQ(snap->series(Timeframe::m5, 0).front().open_time, kT0);
  EXPECT_EQ(snap->series(Timeframe::m5, 0).back().open_time, kT0 + 15min);
  ASSERT_EQ(snap->series(Timeframe::m15, 0).size(), 2u);  // 23:30 (from 23:40) and 23:45
  EXPECT_EQ(snap->series(Timeframe::m15, 0).front().open_time, kT0 - 10min);
  ASSERT_EQ(snap->series(Timeframe::d1, 0).size(), 1u);
  const Bar& day = snap->series(Timeframe::d1, 0).back();
  EXPECT_EQ(day.open_time, kT0 - 23h - 40min);
  EXPECT_EQ(day.open, Price::from_units(100));
  EXPECT_EQ(day.high, Price::from_units(119));
  EXPECT_EQ(day.close, Price::from_units(119));
  EXPECT_EQ(day.volume, Quantity::from_units(60));
  EXPECT_EQ(snap->series(Timeframe::h4, 0).back().open_time, kT0 + 20min - 4h);

  // Forming: every timeframe opened at midnight with the closed minute 00:00 and the open 00:01.
  for (auto tf : {Timeframe::m5, Timeframe::m15, Timeframe::h1, Timeframe::h4, Timeframe::d1}) {
    const auto b = snap->forming(tf, 0);
    ASSERT_TRUE(b) << to_string(tf);
    EXPECT_EQ(b->open_time, kT0 + 20min) << to_string(tf);
    EXPECT_EQ(b->open, Price::from_units(120));
    EXPECT_EQ(b->close, Price::from_units(121));
    EXPECT_EQ(b->volume, Quantity::from_units(6));
  }
  EXPECT_EQ(snap->forming(Timeframe::m1, 0)->open_time, kT0 + 21min);

  // Journaled with their timeframe, and raised once each.
  EXPECT_EQ(rig.journaled(Timeframe::m5).size(), 4u);
  const auto events = rig.engine.take_events();
  std::size_t m1 = 0, d1 = 0;
  for (const auto& e : events)
    if (const auto* c = std::get_if<BarClosed>(&e)) {
      m1 += c->bar.timeframe == Timeframe::m1;
      d1 += c->bar.timeframe == Timeframe::d1;
    }
  EXPECT_EQ(m1, 21u);
  EXPECT_EQ(d1, 1u);
  // Only one-minute bars count as the engine's bars (and feed the strategies).
  EXPECT_EQ(snap->counters.bars, 21u);
}

TEST(EngineTimeframes, RecoveredMinutesRebuildTheHigherTimeframes) {
  Rig first;
  first.feed(0, 21);
  const auto before = first.engine.make_snapshot();
  RecoveredState rec;
  for (const auto& b : before->series(Timeframe::m1, 0)) rec.bars.push_back(b);

  Rig second(rec);
  EXPECT_TRUE(second.journaled(Timeframe::m5).empty()) << "the database already has them";
  EXPECT_TRUE(closed_events(second.engine, Timeframe::m5).empty());
  const auto after = second.engine.make_snapshot();
  // Periods wholly inside the recovered minutes come back equal; the 15m bar of 23:30, the
  // 1h, 4h and day bars began before the first recovered minute (23:40), so are left out.
  {
    const auto& want = before->series(Timeframe::m5, 0);
    const auto& got = after->series(Timeframe::m5, 0);
    ASSERT_EQ(got.size(), 4u);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].open_time, want[i].open_time);
      EXPECT_EQ(got[i].open, want[i].open);
      EXPECT_EQ(got[i].high, want[i].high);
      EXPECT_EQ(got[i].low, want[i].low);
      EXPECT_EQ(got[i].close, want[i].close);
      EXPECT_EQ(got[i].volume, want[i].volume);
    }
  }
  ASSERT_EQ(after->series(Timeframe::m15, 0).size(), 1u);
  EXPECT_EQ(after->series(Timeframe::m15, 0).front().open_time, kT0 + 5min);
  EXPECT_EQ(before->series(Timeframe::h1, 0).size(), 1u);
  EXPECT_TRUE(after->series(Timeframe::h1, 0).empty());
  EXPECT_TRUE(after->series(Timeframe::h4, 0).empty());
  EXPECT_TRUE(after->series(Timeframe::d1, 0).empty());
  // The day in progress (from the recovered 00:00 minute) goes on with live ticks.
  second.feed(21, 25);
  const auto live = second.engine.make_snapshot();
  const auto day = live->forming(Timeframe::d1, 0);
  ASSERT_TRUE(day);
  EXPECT_EQ(day->open_time, kT0 + 20min);
  EXPECT_EQ(day->open, Price::from_units(120));
  EXPECT_EQ(day->volume, Quantity::from_units(3 * 6));
  EXPECT_EQ(closed_events(second.engine, Timeframe::m5).size(), 1u) << "00:00-00:04 closed live";
}

TEST(EngineTimeframes, HistoriesAreBounded) {
  Rig rig({}, 3);
  rig.feed(0, 21);
  const auto snap = rig.engine.make_snapshot();
  ASSERT_EQ(snap->series(Timeframe::m1, 0).size(), 3u);
  EXPECT_EQ(snap->series(Timeframe::m1, 0).back().open_time, kT0 + 20min);
  EXPECT_EQ(snap->series(Timeframe::m5, 0).size(), 3u);
  EXPECT_EQ(snap->series(Timeframe::m5, 0).front().open_time, kT0 + 5min);
}
