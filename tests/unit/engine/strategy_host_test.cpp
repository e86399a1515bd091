// StrategyHost on its own: the order request a signal becomes (the contract Portfolio relies
// on when it hands the request to risk), and the instance bookkeeping readers depend on.
#include "meridian/engine/strategy_host.hpp"

#include <gtest/gtest.h>

using namespace meridian;
using engine::InstanceState;
using engine::StrategyHost;

namespace {

core::InstrumentTable instruments() {
  return core::InstrumentTable({{0, "TEST", "test", core::AssetClass::equity, "USD", 2, 0, 100.0, 0.3}});
}

struct Rig {
  core::InstrumentTable table = instruments();
  engine::BarBook bars{table.size(), 100};
  market::Calendars calendars{};
  StrategyHost host{table, bars, {&calendars, false, engine::ExitRules{5.0, 10.0, 0.0}}};

  StrategyHost::Instance& add(std::uint64_t id, engine::ExitRules own = {}) {
    engine::InstanceConfig c{id,  "s" + std::to_string(id), engine::StrategyConfig::sma_crossover(2, 4), {0}, "default",
                             true};
    c.strategy.position_fraction = 0.5;
    c.strategy.exits = own;
    return host.add(host.make(std::move(c), InstanceState::running));
  }
};

core::Tick touch(std::int64_t price) {
  core::Tick t;
  t.symbol = 0;
  t.bid = t.ask = t.last = core::Price::from_units(price);
  return t;
}

strategies::Signal signal(core::Side side) {
  strategies::Signal s;
  s.symbol = 0;
  s.side = side;
  return s;
}

}  // namespace

TEST(StrategyHost, EntryCarriesExitsAndIsSizedOnTheEquity) {
  Rig r;
  auto& inst = r.add(2);
  const auto req = r.host.order_for(inst, signal(core::Side::buy), touch(100), core::Money::from_units(10'000));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->strategy_id, 2u);
  EXPECT_EQ(req->quantity, core::Quantity::from_units(50));   // half of 10'000 at 100
  EXPECT_EQ(req->stop_loss, core::Price::from_units(95));     // the portfolio's 5% stop
  EXPECT_EQ(req->take_profit, core::Price::from_units(110));  // and its 10% target
  EXPECT_FALSE(req->reduce_only);
}

TEST(StrategyHost, AStrategysOwnExitRulesWin) {
  Rig r;
  auto& inst = r.add(2, engine::ExitRules{0.0, 0.0, 2.0});
  const auto req = r.host.order_for(inst, signal(core::Side::buy), touch(100), core::Money::from_units(10'000));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->stop_loss, core::Price::from_units(98));  // its trailing stop replaces the fixed one
  EXPECT_EQ(req->bracket_trail_percent, 2.0);
  EXPECT_EQ(req->take_profit, core::Price::from_units(110));
}

TEST(StrategyHost, NothingToDoGivesNoRequest) {
  Rig r;
  auto& inst = r.add(2);
  // Flat: a sell has nothing to close.
  EXPECT_FALSE(r.host.order_for(inst, signal(core::Side::sell), touch(100), core::Money::from_units(10'000)));
  inst.live.apply(0, core::Side::buy, core::Quantity::from_units(3), core::Price::from_units(100), core::Money{}, {});
  // Held: no second entry; the exit sells exactly what this instance holds.
  EXPECT_FALSE(r.host.order_for(inst, signal(core::Side::buy), touch(100), core::Money::from_units(10'000)));
  const auto exit = r.host.order_for(inst, signal(core::Side::sell), touch(100), core::Money::from_units(10'000));
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->quantity, core::Quantity::from_units(3));
  EXPECT_TRUE(exit->reduce_only);
}

TEST(StrategyHost, ChangesMoveOnWithEveryVisibleChange) {
  Rig r;
  auto before = r.host.changes();
  auto& inst = r.add(2);
  EXPECT_GT(r.host.changes(), before);
  before = r.host.changes();
  const auto version = inst.view.version;
  r.host.touch(inst);
  EXPECT_GT(r.host.changes(), before);
  EXPECT_GT(inst.view.version, version);
  before = r.host.changes();
  r.host.erase(inst);
  EXPECT_GT(r.host.changes(), before);
  EXPECT_EQ(r.host.find(2), nullptr);
}
