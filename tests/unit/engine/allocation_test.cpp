// The tick path allocates nothing in steady state: ticks that close no bar, with an order
// resting at the executor, and the publisher taking the events into the buffer it keeps
// (Portfolio::take_events swaps buffers). Counts calls to the global operator new (replaced
// for this test binary by allocation_counter.cpp).
#include <gtest/gtest.h>

#include <vector>

#include "allocation_counter.hpp"
#include "engine_rig.hpp"

namespace meridian::engine::test {
namespace {

TEST(NoAllocation, TicksWithinAMinuteAndTakingEvents) {
  Rig rig;
  // A buy far below the market rests for the whole test: every tick goes past it.
  ASSERT_FALSE(rig.submit(limit(kAaa, Side::buy, "1", "50.00")).error);
  std::vector<Tick> ticks;
  for (int s = 0; s < 59; ++s) {
    Tick t;
    t.symbol = static_cast<SymbolId>(s % 3);
    t.ts = kT0 + std::chrono::minutes(2) + seconds(s);
    t.last = Price::from_units(100 + s % 5);
    t.bid = t.last - px("0.05");
    t.ask = t.last + px("0.05");
    t.volume = qty("10");
    ticks.push_back(t);
  }
  rig.tick(kAaa, seconds(0), "100.00");
  rig.tick(kAaa, seconds(61), "100.00");  // a minute closed before the counted ones
  std::vector<EngineEvent> events;
  auto step = [&](const Tick& t) {
    rig.engine.on_ticks(std::span<const Tick>(&t, 1));
    rig.engine.take_events(events);
    events.clear();
  };
  // Both event buffers reach their working size: the one kept here and the portfolio's.
  for (int i = 0; i < 3; ++i) step(ticks[static_cast<std::size_t>(i)]);
  rig.pull();

  const long before = meridian::test::allocations();
  for (std::size_t i = 3; i < ticks.size(); ++i) step(ticks[i]);
  EXPECT_EQ(meridian::test::allocations() - before, 0);
}

}  // namespace
}  // namespace meridian::engine::test
