// The engine driven by a simulated clock (engine/sim_clock.hpp: a replay tape, no sockets, no
// strand, no wall clock) makes exactly the trades the live paper path makes on the same bars:
// the EngineRunner on an io_context with the CSV replay feed and a PaperExecutor, as `meridiand
// serve --feed csv` runs. What a backtest is built on.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "meridian/engine/engine_runner.hpp"
#include "meridian/engine/sim_clock.hpp"
#include "meridian/market/replay_feed.hpp"
#include "replay_rig.hpp"

namespace meridian::engine::test {
namespace {

TEST(SimClock, DrivesTheEngineToTheSameTradesAsTheLivePaperPath) {
  const auto table = instruments();
  const auto data = simulated_bars(table, 900);

  // The simulated clock: no io_context anywhere.
  std::vector<JournalEntry> simulated;
  {
    execution::PaperExecutor executor(paper(), table);
    JournalQueue journal(1 << 12);
    Portfolio engine(table, trading_config(), executor, journal, {});
    market::ReplayTape tape(data);
    const auto run = run_tape(engine, journal, tape, [&](const JournalEntry& e) { simulated.push_back(e); });
    EXPECT_EQ(run.ticks, 4 * 900 * table.size());
    // Every trade is durable and in the snapshot, as a writer's acknowledgements make it.
    const auto snap = engine.make_snapshot();
    EXPECT_EQ(snap->trades->size(), trades_in(simulated).size());
    EXPECT_EQ(engine.durable_ledger(), engine.ledger());
  }

  // The live path: the runner's strand, the replay feed as fast as it goes, paper fills.
  std::vector<JournalEntry> live;
  {
    boost::asio::io_context io;
    JournalQueue journal(1 << 12);
    market::ReplayFeed* feed = nullptr;
    RunnerConfig rc;
    rc.paper = paper();
    rc.history_bars = 0;
    EngineRunner runner(io, table, trading_config(), rc, {}, journal, {}, [&](boost::asio::any_io_executor strand) {
      auto f = std::make_unique<market::ReplayFeed>(strand, data, 0.0);
      feed = f.get();
      return f;
    });
    runner.start();
    auto take = [&] {
      while (auto e = journal.try_pop()) live.push_back(std::move(*e));
    };
    while (!feed->finished()) {
      io.run_one();
      take();
    }
    runner.shutdown();
    io.run_for(std::chrono::seconds(5));
    take();
  }

  const auto a = trades_in(simulated);
  const auto b = trades_in(live);
  ASSERT_GT(a.size(), 10u) << "the strategy must trade on these bars";
  expect_same_trades(a, b);
  EXPECT_EQ(records_of<OrderRecord>(simulated).size(), records_of<OrderRecord>(live).size());
  EXPECT_EQ(records_of<SignalRecord>(simulated).size(), records_of<SignalRecord>(live).size());
}

// What a backtest turns off (no bars above 1m from ticks, no events, only trade records in the
// journal) changes nothing the portfolio does: the same trades, field by field, and ledger.
TEST(SimClock, ABacktestsPortfolioMakesOnlyTradesAndTradesTheSame) {
  const auto table = instruments();
  const auto data = simulated_bars(table, 900);
  struct Played {
    std::vector<JournalEntry> records;
    std::vector<EngineEvent> events;
    Ledger ledger{Money{}, 0};
    std::size_t higher_bars = 0;
  };
  auto play = [&](bool lean) {
    Played out;
    execution::PaperExecutor executor(paper(), table);
    JournalQueue journal(1 << 12);
    auto config = trading_config();
    config.higher_timeframes = config.events = !lean;
    config.journal_trades_only = lean;
    Portfolio engine(table, config, executor, journal, {});
    market::ReplayTape tape(data);
    run_tape(
        engine, journal, tape, [&](const JournalEntry& e) { out.records.push_back(e); },
        [&](const SimRun&, std::span<const core::Tick>) {
          for (auto& e : engine.take_events()) out.events.push_back(std::move(e));
          return true;
        });
    out.ledger = engine.ledger();
    const auto snap = engine.make_snapshot();
    for (const auto& tf : snap->higher)
      for (const auto& series : tf) out.higher_bars += series->size();
    return out;
  };
  const auto full = play(false);
  const auto lean = play(true);

  auto a = full.records, b = lean.records;
  ASSERT_GT(trades_in(a).size(), 10u) << "the strategy must trade on these bars";
  expect_same_trades(trades_in(a), trades_in(b));
  EXPECT_EQ(full.ledger, lean.ledger);
  // The full portfolio makes the rest; the lean one none of it.
  EXPECT_GT(records_of<OrderRecord>(full.records).size(), 0u);
  EXPECT_GT(records_of<EquityRecord>(full.records).size(), 0u);
  EXPECT_EQ(lean.records.size(), trades_in(b).size()) << "only trade records";
  EXPECT_GT(events_of<BarClosed>(full.events).size(), 0u);
  EXPECT_TRUE(lean.events.empty());
  EXPECT_GT(full.higher_bars, 0u);
  EXPECT_EQ(lean.higher_bars, 0u);
}

}  // namespace
}  // namespace meridian::engine::test
