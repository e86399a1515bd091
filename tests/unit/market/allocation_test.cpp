// Aggregation allocates nothing per update: ticks -> 1m (BarAggregator) -> 5m..1d
// (TimeframeRollup) and the forming bars run on state allocated at construction. Counts
// calls to the global operator new (replaced for this test binary) while only updates run.
#include <gtest/gtest.h>

#include "allocation_counter.hpp"
#include "meridian/market/bar_aggregator.hpp"
#include "meridian/market/calendar.hpp"
#include "meridian/market/timeframe_rollup.hpp"

namespace meridian::market {
namespace {

TEST(NoAllocation, TicksThroughEveryTimeframe) {
  using namespace std::chrono_literals;
  constexpr core::SymbolId kSymbols = 4;
  BarAggregator minutes(core::Timeframe::m1, kSymbols);
  TimeframeRollup rollup(kSymbols);
  const core::Timestamp t0{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}.time_since_epoch()};
  const long before = meridian::test::allocations();
  std::size_t closed = 0;
  // Two days of ticks, 20 s apart, with an hour-long gap every 7 hours.
  for (std::int64_t i = 0; i < 2 * 24 * 180; ++i) {
    if (i % (7 * 180) < 180) continue;
    for (core::SymbolId s = 0; s < kSymbols; ++s) {
      core::Tick tick;
      tick.symbol = s;
      tick.ts = t0 + i * 20s;
      tick.last = tick.bid = tick.ask = core::Price::from_units(100 + (i * 7 + s) % 13);
      tick.volume = core::Quantity::from_units(1);
      if (auto minute = minutes.on_tick(tick)) {
        const core::Bar* open = minutes.partial(s);
        closed += rollup.on_minute(*minute, open->open_time).size();
      }
      for (auto tf : TimeframeRollup::kTimeframes) ASSERT_TRUE(rollup.forming(s, tf, minutes.partial(s)));
    }
  }
  EXPECT_EQ(meridian::test::allocations() - before, 0);
  EXPECT_GT(closed, 0u);
}

// Calendar queries (asked per bar by the engine) allocate nothing, holidays included.
TEST(NoAllocation, CalendarQueries) {
  using namespace std::chrono;
  Calendars cal;
  cal.add_holiday(Venue::nse, sys_days{year{2026} / 1 / 26});
  cal.add_holiday(Venue::nyse, sys_days{year{2026} / 1 / 19});
  SessionGate gate;
  const core::Timestamp t0{sys_days{year{2026} / 1 / 16}.time_since_epoch()};
  const long before = meridian::test::allocations();
  int open = 0;
  for (auto t = t0; t < t0 + days{14}; t += minutes{7}) {
    for (auto v : {Venue::crypto, Venue::nse, Venue::nyse}) {
      open += cal.is_open(v, t);
      open += cal.state(v, t) == SessionState::holiday;
      open += cal.next_open(v, t).has_value() + cal.next_close(v, t).has_value();
    }
    open += gate.open_at(cal, Venue::nyse, t);
  }
  EXPECT_EQ(meridian::test::allocations() - before, 0);
  EXPECT_GT(open, 0);
}

}  // namespace
}  // namespace meridian::market
