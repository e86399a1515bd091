// Strategy instances in the engine: lifecycle transitions and their errors, journaling,
// several instances trading the same symbol from their own holdings, and the active flag.
//
// Price path as in portfolio_test (one symbol, 6 ticks a minute): closes
//   100 90 80 70 80 100 110 120 80 70 70
// give an SMA(2)/SMA(4) golden cross on bar 5 and a death cross on bar 8. Orders decided on a
// bar's closing tick fill on the next tick; each tick trades more than any order here, so
// they fill at once.
#include <gtest/gtest.h>

#include <variant>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"

using namespace meridian;
using engine::InstanceState;
using Cmd = engine::Portfolio::InstanceCommand;
using namespace std::chrono;

namespace {

const core::Timestamp kT0{sys_days{year{2026} / 4 / 1}.time_since_epoch() + hours(10)};
constexpr std::int64_t kCloses[] = {100, 90, 80, 70, 80, 100, 110, 120, 80, 70, 70};

core::InstrumentTable instruments() {
  return core::InstrumentTable({{0, "TEST", "test", core::AssetClass::equity, "USD", 2, 0, 100.0, 0.3}});
}

struct Rig {
  core::InstrumentTable table = instruments();
  execution::PaperExecutor executor{execution::PaperConfig::at_touch(10), table};
  engine::JournalQueue journal{4096};
  engine::Portfolio engine;

  Rig() : engine(table, config(), executor, journal, engine::RecoveredState{}) {}

  static engine::PortfolioConfig config() {
    engine::PortfolioConfig c;
    c.strategy = engine::StrategyConfig::sma_crossover(2, 4);
    c.strategy.position_fraction = 0.25;
    return c;
  }

  void feed(int first, int last) {
    for (int m = first; m <= last; ++m)
      for (int k = 0; k < 6; ++k) {
        core::Tick t;
        t.symbol = 0;
        t.ts = kT0 + minutes(m) + seconds(10 * k);
        t.last = core::Price::from_units(kCloses[m]);
        t.bid = t.last - core::Price::from_raw(5'000'000);
        t.ask = t.last + core::Price::from_raw(5'000'000);
        t.volume = core::Quantity::from_units(1000);
        engine.on_ticks(std::span<const core::Tick>(&t, 1));
      }
  }

  // Plays the persistence thread: everything journaled so far is durable.
  std::vector<engine::JournalEntry> commit() {
    std::vector<engine::JournalEntry> out;
    while (auto e = journal.try_pop()) out.push_back(std::move(*e));
    if (!out.empty()) engine.on_durable(out.back().seq);
    return out;
  }

  std::uint64_t add(std::string name, engine::StrategyConfig strategy = engine::StrategyConfig::sma_crossover(2, 4)) {
    engine::InstanceConfig c;
    c.name = std::move(name);
    c.strategy = strategy;
    c.strategy.position_fraction = 0.25;
    c.symbols = {0};
    std::uint64_t id = 0;
    EXPECT_FALSE(engine.add_instance(std::move(c), id));
    return id;
  }

  const engine::InstanceView* view(std::string_view name) {
    auto snap = engine.make_snapshot();
    static std::shared_ptr<const engine::Snapshot> keep;
    keep = snap;
    for (const auto& v : *keep->instances)
      if (v.config.name == name) return &v;
    return nullptr;
  }
};

template <class T>
std::size_t count(const std::vector<engine::JournalEntry>& entries) {
  std::size_t n = 0;
  for (const auto& e : entries) n += std::holds_alternative<T>(e.record) ? 1 : 0;
  return n;
}

}  // namespace

TEST(StrategyInstances, DefaultInstanceIsTheSessionStrategy) {
  Rig rig;
  const auto* def = rig.view("default");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->config.id, engine::kDefaultInstanceId);
  EXPECT_EQ(def->state, InstanceState::running);
  EXPECT_EQ(def->config.strategy, Rig::config().strategy);
  auto r = rig.engine.instance_command("default", Cmd::stop);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, core::Errc::conflict);
}

TEST(StrategyInstances, LifecycleFollowsTheStateMachine) {
  Rig rig;
  rig.commit();
  const auto id = rig.add("s2");
  EXPECT_EQ(id, 2u);
  EXPECT_EQ(rig.view("s2")->state, InstanceState::added);
  EXPECT_EQ(count<engine::InstanceRecord>(rig.commit()), 1u);

  auto expect_conflict = [&](Cmd c) {
    auto r = rig.engine.instance_command("s2", c);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, core::Errc::conflict);
  };
  expect_conflict(Cmd::start);  // not initialised
  expect_conflict(Cmd::stop);
  expect_conflict(Cmd::restore);
  EXPECT_FALSE(rig.engine.instance_command("s2", Cmd::init));
  EXPECT_EQ(rig.view("s2")->state, InstanceState::initialized);
  EXPECT_FALSE(rig.engine.instance_command("s2", Cmd::start));
  EXPECT_EQ(rig.view("s2")->state, InstanceState::running);
  expect_conflict(Cmd::remove);  // running
  expect_conflict(Cmd::erase);
  EXPECT_FALSE(rig.engine.instance_command("s2", Cmd::stop));
  EXPECT_FALSE(rig.engine.instance_command("s2", Cmd::remove));
  EXPECT_EQ(rig.view("s2")->state, InstanceState::removed);
  EXPECT_FALSE(rig.engine.instance_command("s2", Cmd::restore));
  EXPECT_EQ(rig.view("s2")->state, InstanceState::added);
  auto records = rig.commit();
  EXPECT_EQ(count<engine::InstanceRecord>(records), 5u);  // init, start, stop, remove, restore

  EXPECT_FALSE(rig.engine.instance_command("s2", Cmd::erase));
  EXPECT_EQ(rig.view("s2"), nullptr);
  EXPECT_EQ(count<engine::InstanceDeleted>(rig.commit()), 1u);
  auto r = rig.engine.instance_command("s2", Cmd::init);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, core::Errc::not_found);
}

TEST(StrategyInstances, AddRejectsBadNamesDuplicatesAndParams) {
  Rig rig;
  rig.add("one");
  std::uint64_t id = 0;
  engine::InstanceConfig dup;
  dup.name = "one";
  dup.symbols = {0};
  auto r = rig.engine.add_instance(dup, id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, core::Errc::conflict);
  for (const char* bad : {"", "has space", "semi;colon"}) {
    engine::InstanceConfig c;
    c.name = bad;
    c.symbols = {0};
    r = rig.engine.add_instance(c, id);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->code, core::Errc::invalid_argument) << bad;
  }
  engine::InstanceConfig c;
  c.name = "badparams";
  c.symbols = {0};
  c.strategy = engine::StrategyConfig::sma_crossover(9, 3);
  r = rig.engine.add_instance(c, id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, core::Errc::invalid_argument);
  c.strategy = engine::StrategyConfig::sma_crossover(2, 4);
  c.symbols = {7};
  r = rig.engine.add_instance(c, id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, core::Errc::invalid_argument);
}

TEST(StrategyInstances, EachInstanceTradesItsOwnHolding) {
  Rig rig;
  rig.add("twin");
  ASSERT_FALSE(rig.engine.instance_command("twin", Cmd::init));
  ASSERT_FALSE(rig.engine.instance_command("twin", Cmd::start));
  rig.feed(0, 6);  // bar 5 closes on minute 6's first tick: both instances buy, filled on the next
  rig.commit();
  auto snap = rig.engine.make_snapshot();
  ASSERT_EQ(snap->trades->size(), 2u);
  EXPECT_EQ((*snap->trades)[0].strategy_id, 1u);
  EXPECT_EQ((*snap->trades)[1].strategy_id, 2u);
  const auto first_qty = (*snap->trades)[0].quantity;
  const auto second_qty = (*snap->trades)[1].quantity;
  ASSERT_EQ(snap->positions.size(), 1u);
  EXPECT_EQ(snap->positions[0].state.quantity, first_qty + second_qty);
  for (const auto& v : *snap->instances) {
    ASSERT_EQ(v.holdings.size(), 1u) << v.config.name;
    EXPECT_EQ(v.holdings[0].state.quantity, v.config.id == 1 ? first_qty : second_qty);
  }

  rig.feed(7, 9);  // death cross on bar 8: each sells exactly what it bought
  rig.commit();
  snap = rig.engine.make_snapshot();
  ASSERT_EQ(snap->trades->size(), 4u);
  EXPECT_EQ((*snap->trades)[2].quantity, first_qty);
  EXPECT_EQ((*snap->trades)[3].quantity, second_qty);
  EXPECT_TRUE(snap->positions.empty());
  for (const auto& v : *snap->instances) EXPECT_TRUE(v.holdings.empty()) << v.config.name;
}

TEST(StrategyInstances, InactiveInstanceSignalsButDoesNotTrade) {
  Rig rig;
  const auto id = rig.add("quiet");
  ASSERT_FALSE(rig.engine.instance_command("quiet", Cmd::init));
  ASSERT_FALSE(rig.engine.instance_command("quiet", Cmd::start));
  ASSERT_FALSE(rig.engine.patch_instance(id, false, std::nullopt, std::nullopt));
  ASSERT_FALSE(rig.engine.patch_instance(engine::kDefaultInstanceId, false, std::nullopt, std::nullopt));
  rig.feed(0, 6);
  rig.commit();
  auto snap = rig.engine.make_snapshot();
  EXPECT_TRUE(snap->trades->empty());
  ASSERT_EQ(snap->signals->size(), 2u);
  for (const auto& s : *snap->signals) EXPECT_FALSE(s.acted);
  EXPECT_EQ(rig.view("quiet")->signals, 1u);
  ASSERT_TRUE(rig.view("quiet")->last_signal.has_value());
  EXPECT_EQ(rig.view("quiet")->last_signal->strategy_id, id);
}

TEST(StrategyInstances, PatchChangesParamsKeepsStateAndRejectsAnotherClass) {
  Rig rig;
  const auto id = rig.add("p");
  ASSERT_FALSE(rig.engine.instance_command("p", Cmd::init));
  const auto before = rig.view("p")->version;
  ASSERT_FALSE(rig.engine.patch_instance(id, std::nullopt, engine::StrategyConfig::sma_crossover(3, 5), std::nullopt));
  const auto* v = rig.view("p");
  EXPECT_EQ(v->state, InstanceState::initialized);
  EXPECT_EQ(v->config.strategy.params, engine::StrategyConfig::sma_crossover(3, 5).params);
  EXPECT_GT(v->version, before);
  auto r = rig.engine.patch_instance(id, std::nullopt, engine::StrategyConfig::sma_crossover(5, 3), std::nullopt);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, core::Errc::invalid_argument);
  r = rig.engine.patch_instance(99, true, std::nullopt, std::nullopt);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, core::Errc::not_found);
}
