// Parity: the same bars played through the live paper path (the EngineRunner on an io_context
// with the CSV replay feed and a PaperExecutor, as `meridiand serve --feed csv` runs) and
// through a backtest give the same trades, field by field, and the same ledger, for every one
// of the seven strategy classes.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "meridian/backtest/backtest.hpp"
#include "meridian/engine/engine_runner.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "meridian/strategies/registry.hpp"
#include "replay_rig.hpp"

namespace meridian::backtest {
namespace {

using namespace engine::test;

// The live path's trades and its ledger as its journal records it (each trade record carries
// the cash, fees and position after it): no writer acknowledges them here, so its durable ledger,
// the one snapshots show, never moves.
struct LiveRun {
  std::vector<engine::Trade> trades;
  core::Money cash{};
  core::Money fees_paid{};
  std::map<core::SymbolId, engine::PositionState> positions;
};

LiveRun live(const core::InstrumentTable& table, const market::ReplayData& data, engine::StrategyConfig strategy) {
  auto config = trading_config();
  config.strategy = strategy;
  std::vector<engine::JournalEntry> records;
  boost::asio::io_context io;
  engine::JournalQueue journal(1 << 12);
  market::ReplayFeed* feed = nullptr;
  engine::RunnerConfig rc;
  rc.paper = paper();
  rc.history_bars = 0;
  engine::EngineRunner runner(io, table, config, rc, {}, journal, {}, [&](boost::asio::any_io_executor strand) {
    auto f = std::make_unique<market::ReplayFeed>(strand, data, 0.0);
    feed = f.get();
    return f;
  });
  runner.start();
  auto take = [&] {
    while (auto e = journal.try_pop()) records.push_back(std::move(*e));
  };
  while (!feed->finished()) {
    io.run_one();
    take();
  }
  runner.shutdown();
  io.run_for(std::chrono::seconds(5));
  take();
  LiveRun out;
  out.cash = config.initial_capital;
  for (const auto& r : records_of<engine::TradeRecord>(records)) {
    out.trades.push_back(r.trade);
    out.cash = r.cash_after;
    out.fees_paid = r.fees_paid_after;
    out.positions[r.trade.symbol] = r.position_after;
  }
  return out;
}

TEST(BacktestParity, SameTradesAndLedgerAsTheLivePaperPathForEveryStrategy) {
  const auto table = instruments();
  const auto data = simulated_bars(table, 3000);
  ASSERT_EQ(strategies::strategy_classes().size(), 7u);
  for (const auto& cls : strategies::strategy_classes()) {
    SCOPED_TRACE(std::string(cls.name));
    auto strategy = engine::decode_strategy(nlohmann::json{{"class", cls.name}}, engine::StrategyConfig{});
    ASSERT_TRUE(strategy) << strategy.error().message;
    strategy->position_fraction = 0.2;

    BacktestSpec spec;
    spec.strategy = *strategy;
    for (const auto& inst : table.all()) spec.symbols.push_back(inst.id);
    spec.from = data.series[0].front().open_time;
    spec.to = data.series[0].back().open_time + std::chrono::minutes(1);
    spec.initial_capital = trading_config().initial_capital;
    spec.paper = paper();
    const auto backtest = run(table, spec, data);
    const auto paper_run = live(table, data, *strategy);

    ASSERT_GT(backtest.trades.size(), 0u) << "the strategy must trade on these bars";
    expect_same_trades(backtest.trades, paper_run.trades);
    EXPECT_EQ(backtest.ledger.cash(), paper_run.cash);
    EXPECT_EQ(backtest.ledger.fees_paid(), paper_run.fees_paid);
    for (const auto& inst : table.all()) {
      const auto it = paper_run.positions.find(inst.id);
      EXPECT_EQ(backtest.ledger.position(inst.id),
                it == paper_run.positions.end() ? engine::PositionState{} : it->second)
          << inst.symbol;
    }
  }
}

}  // namespace
}  // namespace meridian::backtest
