// Ticks -> 1-minute bars: UTC alignment, OHLCV, closing on the next period's first tick,
// late ticks, and resume_after. A random stream is checked against a batch group-by.
#include "meridian/market/bar_aggregator.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

using meridian::core::Bar;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::SymbolId;
using meridian::core::Tick;
using meridian::core::Timeframe;
using meridian::core::Timestamp;
using meridian::market::BarAggregator;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
// 2026-03-02T12:34:00Z, a minute boundary.
const Timestamp kMinute{sys_days{year{2026} / 3 / 2}.time_since_epoch() + 12h + 34min};

Tick tick(SymbolId symbol, Timestamp ts, const char* last, const char* volume = "1") {
  Tick t;
  t.symbol = symbol;
  t.ts = ts;
  t.last = *Price::parse(last);
  t.bid = t.last;
  t.ask = t.last;
  t.volume = *Quantity::parse(volume);
  return t;
}
}  // namespace

TEST(BarAggregator, BuildsOhlcvAlignedToTheMinute) {
  BarAggregator agg(Timeframe::m1, 1);
  EXPECT_EQ(agg.timeframe(), Timeframe::m1);
  EXPECT_EQ(agg.partial(0), nullptr);
  // First tick mid-minute (12:34:05.250): the bar still opens at 12:34:00.
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 5s + 250ms, "100", "1")));
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 15s, "102", "2")));
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 25s, "99", "3")));
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 59s + 999ms, "101", "4.5")));

  const Bar* p = agg.partial(0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->open_time, kMinute);
  EXPECT_EQ(p->timeframe, Timeframe::m1);
  EXPECT_EQ(p->open, Price::from_units(100));
  EXPECT_EQ(p->high, Price::from_units(102));
  EXPECT_EQ(p->low, Price::from_units(99));
  EXPECT_EQ(p->close, Price::from_units(101));
  EXPECT_EQ(p->volume.to_string(), "10.5");  // 1 + 2 + 3 + 4.5
  EXPECT_EQ(p->ticks, 4u);
}

TEST(BarAggregator, NextMinuteTickReturnsThePreviousBar) {
  BarAggregator agg(Timeframe::m1, 1);
  agg.on_tick(tick(0, kMinute + 1s, "100"));
  agg.on_tick(tick(0, kMinute + 30s, "105"));
  // Exactly on the boundary belongs to the next minute.
  auto closed = agg.on_tick(tick(0, kMinute + 60s, "103", "7"));
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->symbol, 0u);
  EXPECT_EQ(closed->open_time, kMinute);
  EXPECT_EQ(closed->open, Price::from_units(100));
  EXPECT_EQ(closed->high, Price::from_units(105));
  EXPECT_EQ(closed->low, Price::from_units(100));
  EXPECT_EQ(closed->close, Price::from_units(105));
  EXPECT_EQ(closed->volume, Quantity::from_units(2));
  EXPECT_EQ(closed->ticks, 2u);
  // The new partial bar holds only the boundary tick.
  const Bar* p = agg.partial(0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->open_time, kMinute + 1min);
  EXPECT_EQ(p->open, Price::from_units(103));
  EXPECT_EQ(p->high, Price::from_units(103));
  EXPECT_EQ(p->low, Price::from_units(103));
  EXPECT_EQ(p->close, Price::from_units(103));
  EXPECT_EQ(p->volume, Quantity::from_units(7));
  EXPECT_EQ(p->ticks, 1u);
}

TEST(BarAggregator, GapClosesOnlyTheLastOpenBar) {
  // Minutes without ticks produce no bars; the next tick closes the last open one.
  BarAggregator agg(Timeframe::m1, 1);
  agg.on_tick(tick(0, kMinute + 10s, "100"));
  auto closed = agg.on_tick(tick(0, kMinute + 3min + 10s, "110"));
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->open_time, kMinute);
  EXPECT_EQ(agg.partial(0)->open_time, kMinute + 3min);
}

TEST(BarAggregator, LateTicksAreCountedAndIgnored) {
  BarAggregator agg(Timeframe::m1, 1);
  agg.on_tick(tick(0, kMinute + 10s, "100"));
  ASSERT_TRUE(agg.on_tick(tick(0, kMinute + 70s, "101")));
  EXPECT_EQ(agg.late_ticks(), 0u);
  // A tick of the minute that already closed.
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 50s, "500", "100")));
  EXPECT_EQ(agg.late_ticks(), 1u);
  const Bar* p = agg.partial(0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->open_time, kMinute + 1min);
  EXPECT_EQ(p->high, Price::from_units(101));  // the late price did not leak in
  EXPECT_EQ(p->volume, Quantity::from_units(1));
  EXPECT_EQ(p->ticks, 1u);
}

TEST(BarAggregator, IgnoresUnknownSymbolsAndNonPositivePrices) {
  BarAggregator agg(Timeframe::m1, 2);
  EXPECT_FALSE(agg.on_tick(tick(2, kMinute, "100")));
  EXPECT_EQ(agg.partial(2), nullptr);
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute, "0")));
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute, "-1")));
  EXPECT_EQ(agg.partial(0), nullptr);
  EXPECT_EQ(agg.late_ticks(), 0u);
}

TEST(BarAggregator, SymbolsAggregateIndependently) {
  BarAggregator agg(Timeframe::m1, 2);
  agg.on_tick(tick(0, kMinute + 1s, "10"));
  agg.on_tick(tick(1, kMinute + 2s, "2000"));
  agg.on_tick(tick(0, kMinute + 3s, "12"));
  // Symbol 1 moving to the next minute closes only its own bar.
  auto closed = agg.on_tick(tick(1, kMinute + 61s, "2001"));
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->symbol, 1u);
  EXPECT_EQ(closed->close, Price::from_units(2000));
  ASSERT_NE(agg.partial(0), nullptr);
  EXPECT_EQ(agg.partial(0)->open_time, kMinute);
  EXPECT_EQ(agg.partial(0)->close, Price::from_units(12));
  EXPECT_EQ(agg.partial(0)->ticks, 2u);
}

TEST(BarAggregator, ResumeAfterSkipsAPersistedMinute) {
  BarAggregator agg(Timeframe::m1, 1);
  Bar persisted;
  persisted.symbol = 0;
  persisted.open_time = kMinute;
  agg.resume_after(persisted);
  // A tick of the persisted minute must not start a second bar for it.
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 30s, "100")));
  EXPECT_EQ(agg.late_ticks(), 1u);
  EXPECT_EQ(agg.partial(0), nullptr);
  // The next minute aggregates normally.
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 60s, "101")));
  ASSERT_NE(agg.partial(0), nullptr);
  EXPECT_EQ(agg.partial(0)->open_time, kMinute + 1min);
  EXPECT_EQ(agg.late_ticks(), 1u);
}

TEST(BarAggregator, ResumeAfterDropsAnOpenBarOfThePersistedMinute) {
  BarAggregator agg(Timeframe::m1, 1);
  agg.on_tick(tick(0, kMinute + 5s, "100"));
  Bar persisted;
  persisted.symbol = 0;
  persisted.open_time = kMinute;
  agg.resume_after(persisted);
  // The partial covered a minute that is already stored: it must not be emitted later.
  EXPECT_EQ(agg.partial(0), nullptr);
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 61s, "101")));
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 62s, "102")));
  auto closed = agg.on_tick(tick(0, kMinute + 120s, "103"));
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->open_time, kMinute + 1min);
  EXPECT_EQ(closed->open, Price::from_units(101));
  // An out-of-range symbol is ignored.
  persisted.symbol = 9;
  agg.resume_after(persisted);
}

TEST(BarAggregator, FiveMinuteBarsAlignToFiveMinuteBoundaries) {
  BarAggregator agg(Timeframe::m5, 1);
  agg.on_tick(tick(0, kMinute + 10s, "1"));  // 12:34:10 -> 12:30:00
  EXPECT_EQ(agg.partial(0)->open_time, kMinute - 4min);
  EXPECT_EQ(agg.partial(0)->timeframe, Timeframe::m5);
  EXPECT_FALSE(agg.on_tick(tick(0, kMinute + 59s, "2")));   // 12:34:59: still 12:30-12:35
  auto closed = agg.on_tick(tick(0, kMinute + 1min, "3"));  // 12:35:00 opens the next bar
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->open_time, kMinute - 4min);
  EXPECT_EQ(closed->close, Price::from_units(2));
  EXPECT_EQ(agg.partial(0)->open_time, kMinute + 1min);
}

TEST(BarAggregator, RandomStreamEqualsBatchGroupBy) {
  // Independent oracle: group in-order ticks by (symbol, floor(ts / 60s)).
  constexpr std::size_t kSymbols = 3;
  std::mt19937_64 rng(31337);
  std::uniform_int_distribution<int> gap_ms(0, 25'000);
  std::uniform_int_distribution<int> symbol(0, kSymbols - 1);
  std::uniform_int_distribution<std::int64_t> cents(1, 100'000);
  std::uniform_int_distribution<std::int64_t> lots(0, 1000);

  struct Agg {
    std::int64_t o, h, l, c, v;
    std::uint32_t n;
  };
  std::map<std::pair<SymbolId, std::int64_t>, Agg> oracle;  // key: symbol, minute index
  std::vector<Bar> emitted;
  BarAggregator agg(Timeframe::m1, kSymbols);
  Timestamp ts = kMinute + 17s;
  for (int i = 0; i < 20'000; ++i) {
    ts += milliseconds(gap_ms(rng));
    Tick t;
    t.symbol = static_cast<SymbolId>(symbol(rng));
    t.ts = ts;
    t.last = Price::from_raw(cents(rng) * 1'000'000);
    t.volume = Quantity::from_raw(lots(rng) * 1000);
    if (auto bar = agg.on_tick(t)) emitted.push_back(*bar);

    const std::int64_t minute = floor<minutes>(ts).time_since_epoch().count();
    auto [it, fresh] = oracle.try_emplace({t.symbol, minute});
    Agg& a = it->second;
    const auto p = t.last.raw();
    if (fresh) a = {p, p, p, p, 0, 0};
    a.h = std::max(a.h, p);
    a.l = std::min(a.l, p);
    a.c = p;
    a.v += t.volume.raw();
    ++a.n;
  }
  for (SymbolId s = 0; s < kSymbols; ++s)
    if (const Bar* p = agg.partial(s)) emitted.push_back(*p);

  ASSERT_EQ(emitted.size(), oracle.size());
  EXPECT_EQ(agg.late_ticks(), 0u);
  for (const Bar& b : emitted) {
    const std::int64_t minute = floor<minutes>(b.open_time).time_since_epoch().count();
    ASSERT_EQ(b.open_time, Timestamp(minutes(minute))) << "not minute aligned";
    auto it = oracle.find({b.symbol, minute});
    ASSERT_NE(it, oracle.end());
    const Agg& a = it->second;
    EXPECT_EQ(b.open.raw(), a.o);
    EXPECT_EQ(b.high.raw(), a.h);
    EXPECT_EQ(b.low.raw(), a.l);
    EXPECT_EQ(b.close.raw(), a.c);
    EXPECT_EQ(b.volume.raw(), a.v);
    EXPECT_EQ(b.ticks, a.n);
  }
}
