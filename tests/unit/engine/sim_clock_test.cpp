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

}  // namespace
}  // namespace meridian::engine::test
