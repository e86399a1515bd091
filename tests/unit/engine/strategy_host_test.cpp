// StrategyHost on its own: the order request a signal becomes (the contract Portfolio relies
// on when it hands the request to risk), the instance bookkeeping readers depend on, and
// shared indicators changing no signal through every lifecycle step.
#include "meridian/engine/strategy_host.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "../strategies/strategy_test_support.hpp"
#include "meridian/strategies/registry.hpp"
#include "meridian/strategies/rsi_mean_reversion.hpp"
#include "meridian/strategies/stoch_rsi_cross.hpp"
#include "signal_identical.hpp"

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

// Shared indicators: one host computing every RSI per instance and one sharing them, driven
// through the same history, live bars and lifecycle steps (a strategy that throws and is
// warmed again, stop and start, remove, restore and init, a late add, new parameters), give
// the same signals bit for bit. The bar book's depth decides whether an instance warmed again
// later can rejoin the shared RSI (the book still holds every bar it missed) or keeps its own.
namespace {

using strategies::testing::random_walk;

constexpr std::size_t kSymbols = 3;
constexpr std::size_t kHistoryRounds = 150;  // a bar of every symbol per round
constexpr std::size_t kRounds = 1500;

// A strategy that fails once, on the `at`-th bar handed to it (counted across resets, so its
// replay after the failure does not fail again), and is `inner` otherwise.
class ThrowsOnce final : public strategies::Strategy {
 public:
  ThrowsOnce(std::unique_ptr<strategies::Strategy> inner, std::size_t at) : inner_(std::move(inner)), at_(at) {}
  std::string_view class_name() const noexcept override { return inner_->class_name(); }
  std::optional<strategies::Signal> on_bar(const strategies::BarView& view) override {
    if (++seen_ == at_) throw std::runtime_error("test strategy fails once");
    return inner_->on_bar(view);
  }
  std::size_t warmup() const noexcept override { return inner_->warmup(); }
  void reset() noexcept override { inner_->reset(); }
  strategies::RsiSource* shared_rsi() noexcept override { return inner_->shared_rsi(); }

 private:
  std::unique_ptr<strategies::Strategy> inner_;
  std::size_t at_;
  std::size_t seen_ = 0;
};

struct Fired {
  std::size_t round;
  std::uint64_t instance;
  strategies::Signal signal;
};

class Recorder final : public StrategyHost::SignalSink {
 public:
  void on_signal(StrategyHost::Instance& instance, const core::Bar&, const strategies::Signal& signal) override {
    fired.push_back({round, instance.view.config.id, signal});
  }
  std::size_t round = 0;
  std::vector<Fired> fired;
};

struct Run {
  std::vector<Fired> fired;
  // Round -> instance id -> whether it read shared indicators then (after that round's step).
  std::map<std::size_t, std::map<std::uint64_t, bool>> sharing;
  std::uint64_t errors = 0;  // strategies that threw
};

engine::StrategyConfig config_of(std::string_view class_name) {
  engine::StrategyConfig c;
  c.class_name = strategies::find_strategy_class(class_name)->name;
  c.params = strategies::ParamValues(strategies::find_strategy_class(class_name)->params);
  return c;
}

// The whole scenario on one host; `share` switches shared indicators, `book_bars` is how many
// minutes of each symbol the bar book keeps for warm().
Run run_scenario(bool share, std::size_t book_bars) {
  using strategies::RsiMeanReversion;
  using strategies::StochRsiCross;
  core::InstrumentTable table({{0, "A", "test", core::AssetClass::crypto, "USD", 2, 0, 100.0, 0.3},
                               {1, "B", "test", core::AssetClass::crypto, "USD", 2, 0, 100.0, 0.3},
                               {2, "C", "test", core::AssetClass::crypto, "USD", 2, 0, 100.0, 0.3}});
  engine::BarBook book{table.size(), book_bars};
  market::Calendars calendars{};
  StrategyHost host{table, book, {&calendars, false, {}, share}};
  auto make = [&](std::uint64_t id, engine::StrategyConfig strategy, std::vector<core::SymbolId> symbols,
                  InstanceState state) {
    return host.make({id, "s" + std::to_string(id), strategy, std::move(symbols), "default", true}, state);
  };
  auto rsi10 = [](std::string_view cls) {
    auto c = config_of(cls);
    c.params.set(0, 10);  // rsi_period is the first parameter of both RSI classes
    return c;
  };
  const std::vector<core::SymbolId> all{0, 1, 2};
  host.add(make(1, config_of(strategies::SmaCrossover::kClassName), all, InstanceState::running));
  host.add(make(2, config_of(RsiMeanReversion::kClassName), all, InstanceState::running));
  host.add(make(3, config_of(StochRsiCross::kClassName), all, InstanceState::running));
  host.add(make(4, rsi10(RsiMeanReversion::kClassName), {0, 1}, InstanceState::running));
  host.add(make(5, rsi10(StochRsiCross::kClassName), {1, 2}, InstanceState::running));
  {
    // Fails on its 601st bar: round 300, symbol 0 (it sees two bars a round).
    auto failing = make(6, config_of(RsiMeanReversion::kClassName), {0, 2}, InstanceState::running);
    failing.impl = std::make_unique<ThrowsOnce>(std::move(failing.impl), 601);
    host.add(std::move(failing));
  }
  host.add(make(7, config_of(StochRsiCross::kClassName), all, InstanceState::running));
  host.add(make(8, config_of(RsiMeanReversion::kClassName), {1}, InstanceState::running));
  host.add(make(10, config_of(RsiMeanReversion::kClassName), all, InstanceState::running));

  auto state_of = [&](std::uint64_t id) -> InstanceState& { return host.find(id)->view.state; };
  // Lifecycle steps, before the round's bars.
  const std::map<std::size_t, std::function<void()>> steps{
      {350, [&] { state_of(7) = InstanceState::stopped; }},
      {400, [&] { host.warm(*host.find(6)); }},  // as Portfolio's start does for a disabled instance
      {450, [&] { state_of(7) = InstanceState::running; }},
      {500, [&] { state_of(8) = InstanceState::removed; }},
      {550,
       [&] {
         host.reset(*host.find(8));  // restore
         state_of(8) = InstanceState::added;
       }},
      {600,
       [&] {
         host.warm(*host.find(8));  // init
         state_of(8) = InstanceState::initialized;
       }},
      {650, [&] { state_of(8) = InstanceState::running; }},
      {700, [&] { host.add(make(9, config_of(StochRsiCross::kClassName), all, InstanceState::added)); }},
      {750,
       [&] {
         host.warm(*host.find(9));
         state_of(9) = InstanceState::running;
       }},
      {800,
       [&] {
         // New parameters, as Portfolio's patch does: a new strategy, warmed.
         auto& inst = *host.find(10);
         inst.view.config.strategy.params.set(1, 35.0);  // oversold
         inst.impl = strategies::find_strategy_class(RsiMeanReversion::kClassName)
                         ->create(inst.view.config.strategy.params, table.size());
         host.warm(inst);
       }},
  };

  std::vector<std::vector<core::Bar>> walks;
  for (core::SymbolId s = 0; s < kSymbols; ++s) walks.push_back(random_walk(40 + s, kRounds, s, 50.0 + 30.0 * s));
  Recorder recorder;
  Run out;
  auto note_sharing = [&](std::size_t round) {
    for (const auto& inst : host.all()) out.sharing[round][inst.view.config.id] = host.shares_indicators(inst);
  };
  note_sharing(0);
  for (std::size_t round = 0; round < kRounds; ++round) {
    if (auto step = steps.find(round); step != steps.end()) {
      step->second();
      note_sharing(round);
    }
    recorder.round = round;
    for (core::SymbolId s = 0; s < kSymbols; ++s) {
      const auto& bar = walks[s][round];
      book.add_history(bar);
      if (round < kHistoryRounds)
        host.warm_up(bar);
      else
        host.on_bar_closed(bar, recorder);
    }
  }
  out.fired = std::move(recorder.fired);
  out.errors = host.errors();
  return out;
}

void expect_same_signals(const Run& shared, const Run& alone) {
  ASSERT_EQ(shared.fired.size(), alone.fired.size());
  for (std::size_t i = 0; i < shared.fired.size(); ++i) {
    const auto& a = shared.fired[i];
    const auto& b = alone.fired[i];
    SCOPED_TRACE("signal " + std::to_string(i) + " of instance " + std::to_string(a.instance) + " in round " +
                 std::to_string(a.round));
    ASSERT_EQ(a.round, b.round);
    ASSERT_EQ(a.instance, b.instance);
    meridian::test::expect_identical(a.signal, b.signal);
  }
  // A comparison proves something only where signals came after each instance's last step.
  const std::map<std::uint64_t, std::size_t> last_step{{2, 0},   {3, 0},   {4, 0},   {5, 0},   {6, 400},
                                                       {7, 450}, {8, 650}, {9, 750}, {10, 800}};
  for (const auto& [id, round] : last_step) {
    std::size_t after = 0;
    for (const auto& f : shared.fired) after += f.instance == id && f.round >= round;
    EXPECT_GT(after, 0u) << "instance " << id << " fired nothing after round " << round;
  }
}

}  // namespace

TEST(StrategyHostSharing, SignalsAreBitIdenticalWithAndWithoutSharing) {
  for (std::size_t book_bars : {std::size_t{100}, kRounds}) {
    SCOPED_TRACE("bar book of " + std::to_string(book_bars) + " minutes");
    const auto shared = run_scenario(true, book_bars);
    const auto alone = run_scenario(false, book_bars);
    expect_same_signals(shared, alone);
    EXPECT_EQ(shared.errors, 1u);  // instance 6 failed once, in both
    EXPECT_EQ(alone.errors, 1u);
    for (const auto& [round, instances] : alone.sharing)
      for (const auto& [id, sharing] : instances) EXPECT_FALSE(sharing) << "round " << round << ", instance " << id;
  }
}

TEST(StrategyHostSharing, InstancesStartedTogetherShareAndOneWarmedAloneKeepsItsOwn) {
  // A book too short to replay what the others saw: an instance warmed again keeps its own RSI.
  const auto shallow = run_scenario(true, 100).sharing;
  // A book that still holds every bar: warmed again, its RSI is the shared one bit for bit.
  const auto deep = run_scenario(true, kRounds).sharing;
  for (const auto* sharing : {&shallow, &deep}) {
    const auto& start = sharing->at(0);
    EXPECT_FALSE(start.at(1));  // SMA crossover has no RSI
    for (std::uint64_t id : {2, 3, 4, 5, 6, 7, 8, 10}) EXPECT_TRUE(start.at(id)) << "instance " << id;
    EXPECT_TRUE(sharing->at(350).at(7));  // stopped: still handed every bar
    EXPECT_TRUE(sharing->at(450).at(7));
    EXPECT_FALSE(sharing->at(550).at(8));  // restored: its own RSI, reset
    EXPECT_FALSE(sharing->at(700).at(9));  // added, not warmed
  }
  for (auto [round, id] : {std::pair<std::size_t, std::uint64_t>{400, 6}, {600, 8}, {750, 9}, {800, 10}}) {
    EXPECT_FALSE(shallow.at(round).at(id)) << "instance " << id << " in round " << round;
    EXPECT_TRUE(deep.at(round).at(id)) << "instance " << id << " in round " << round;
  }
}
