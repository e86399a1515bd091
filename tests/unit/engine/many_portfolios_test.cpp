// Several portfolios in one engine (EngineRunner): they see the same market and trade it each
// by its own strategy, limits and capital, with ledgers, ids and risk states of their own.
// A portfolio trades in company exactly as it trades alone (run_tape over the same bars).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>

#include "meridian/engine/engine_runner.hpp"
#include "meridian/engine/sim_clock.hpp"
#include "replay_rig.hpp"

namespace meridian::engine::test {
namespace {

constexpr PortfolioId kSecond = 2;

PortfolioConfig second_config() {
  PortfolioConfig c = trading_config();
  c.portfolio_id = kSecond;
  c.initial_capital = Money::from_units(250'000);
  c.strategy = StrategyConfig::sma_crossover(5, 13);
  c.strategy.position_fraction = 0.35;
  c.limits.max_open_positions = 1;  // the default portfolio has no such limit
  c.journal_bars = false;           // as EngineRunner::add_portfolio sets it
  return c;
}

// What a portfolio does on the bars with nobody beside it.
std::vector<Trade> alone(const core::InstrumentTable& table, const market::ReplayData& data, PortfolioConfig config) {
  execution::PaperExecutor executor(paper(), table);
  JournalQueue journal(1 << 12);
  Portfolio portfolio(table, std::move(config), executor, journal, {});
  market::ReplayTape tape(data);
  std::vector<JournalEntry> records;
  run_tape(portfolio, journal, tape, [&](const JournalEntry& e) { records.push_back(e); });
  return trades_in(records);
}

// The runner with the default portfolio and a second one, on the replay feed; records from each
// portfolio's ring, acknowledged as a writer would.
struct TwoPortfolios {
  explicit TwoPortfolios(const core::InstrumentTable& table, const market::ReplayData& data,
                         PortfolioConfig second = second_config())
      : runner(io, table, trading_config(), config(), {}, journal1, {}, [&](boost::asio::any_io_executor strand) {
          auto f = std::make_unique<market::ReplayFeed>(strand, data, 0.0);
          feed = f.get();
          return f;
        }) {
    PortfolioSetup setup;
    setup.config = std::move(second);
    setup.name = "second";
    setup.journal = &journal2;
    runner.add_portfolio(std::move(setup), [this](const CommandResult& r) { added = !r; });
  }
  static RunnerConfig config() {
    RunnerConfig rc;
    rc.paper = paper();
    rc.history_bars = 0;
    return rc;
  }
  void take() {
    for (auto [id, ring] : {std::pair{kDefaultPortfolioId, &journal1}, std::pair{kSecond, &journal2}})
      while (auto e = ring->try_pop()) {
        runner.durable(id, e->seq);
        records[id].push_back(std::move(*e));
      }
  }
  void run_to_end() {
    runner.start();
    while (!feed->finished()) {
      io.run_one();
      take();
    }
    for (int i = 0; i < 100 && io.poll() > 0; ++i) take();
    take();
    io.poll();
  }

  boost::asio::io_context io;
  JournalQueue journal1{1 << 12};
  JournalQueue journal2{1 << 12};
  market::ReplayFeed* feed = nullptr;
  EngineRunner runner;
  bool added = false;
  std::map<PortfolioId, std::vector<JournalEntry>> records;
};

TEST(ManyPortfolios, EachTradesTheSharedMarketAsItWouldAloneWithItsOwnLedgerAndIds) {
  const auto table = instruments();
  const auto data = simulated_bars(table, 600);
  TwoPortfolios rig(table, data);
  rig.run_to_end();
  ASSERT_TRUE(rig.added);

  const auto first = trades_in(rig.records[kDefaultPortfolioId]);
  const auto second = trades_in(rig.records[kSecond]);
  ASSERT_GT(first.size(), 5u);
  ASSERT_GT(second.size(), 5u);
  expect_same_trades(first, alone(table, data, trading_config()));
  expect_same_trades(second, alone(table, data, second_config()));
  // Ids from each portfolio's own range: unique across the database, never the other's.
  for (const auto& t : first) {
    EXPECT_TRUE(owns_id(kDefaultPortfolioId, t.id) && owns_id(kDefaultPortfolioId, t.order_id)) << t.id;
    EXPECT_EQ(t.portfolio_id, kDefaultPortfolioId);
  }
  std::map<SymbolId, Quantity> held;  // the second portfolio's positions, trade by trade
  for (const auto& t : second) {
    EXPECT_TRUE(owns_id(kSecond, t.id) && owns_id(kSecond, t.order_id)) << t.id;
    EXPECT_EQ(t.portfolio_id, kSecond);
    held[t.symbol] = t.side == Side::buy ? held[t.symbol] + t.quantity : held[t.symbol] - t.quantity;
    EXPECT_LE(std::count_if(held.begin(), held.end(), [](const auto& p) { return !p.second.is_zero(); }), 1)
        << "its own limit: one open position at a time";
  }
  // Only the default portfolio journals the market's bars.
  EXPECT_FALSE(records_of<BarRecord>(rig.records[kDefaultPortfolioId]).empty());
  EXPECT_TRUE(records_of<BarRecord>(rig.records[kSecond]).empty());

  // Readers see both, each with its own durable trades and cash.
  const auto dir = rig.runner.portfolios();
  ASSERT_EQ(dir->size(), 2u);
  EXPECT_EQ((*dir)[1].name, "second");
  const auto s1 = rig.runner.snapshot(kDefaultPortfolioId);
  const auto s2 = rig.runner.snapshot(kSecond);
  ASSERT_TRUE(s1 && s2);
  EXPECT_EQ(s1->trades->size(), first.size());
  EXPECT_EQ(s2->trades->size(), second.size());
  EXPECT_EQ(s2->initial_capital, Money::from_units(250'000));
  EXPECT_NE(s1->cash, s2->cash);
  EXPECT_EQ(rig.runner.snapshot(99), nullptr);
}

TEST(ManyPortfolios, AHaltInOnePortfolioLeavesTheOtherTrading) {
  const auto table = instruments();
  const auto data = simulated_bars(table, 600);
  TwoPortfolios rig(table, data);
  CommandResult halted = CommandError{};
  rig.runner.command(
      kSecond, [](Portfolio& p) { return p.set_risk_state(risk::RiskState::halted); },
      [&](const CommandResult& r) { halted = r; });
  rig.run_to_end();
  ASSERT_FALSE(halted) << halted->message;

  EXPECT_TRUE(trades_in(rig.records[kSecond]).empty()) << "a halted portfolio places nothing";
  EXPECT_EQ(rig.runner.snapshot(kSecond)->risk.state, risk::RiskState::halted);
  EXPECT_EQ(rig.runner.snapshot(kDefaultPortfolioId)->risk.state, risk::RiskState::active);
  expect_same_trades(trades_in(rig.records[kDefaultPortfolioId]), alone(table, data, trading_config()));
}

TEST(ManyPortfolios, OnlyAFlatStoppedPortfolioLeavesAndItsCommandsThenAnswerNotFound) {
  const auto table = instruments();
  const auto data = simulated_bars(table, 300);
  TwoPortfolios rig(table, data);
  rig.run_to_end();
  std::vector<CommandResult> answers;
  auto remember = [&](const CommandResult& r) { answers.push_back(r); };

  rig.runner.remove_portfolio(kDefaultPortfolioId, remember);  // never
  rig.runner.remove_portfolio(kSecond, remember);              // its session runs
  rig.runner.command(
      kSecond, [](Portfolio& p) { return p.stop(); }, remember);
  rig.io.poll();
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_TRUE(answers[0] && answers[1]);
  EXPECT_EQ(answers[0]->reason, "default_portfolio");
  EXPECT_EQ(answers[1]->reason, "not_stopped");
  ASSERT_FALSE(answers[2]);

  answers.clear();
  const bool holds = !rig.runner.snapshot(kSecond)->positions.empty();
  rig.runner.remove_portfolio(kSecond, remember);
  rig.io.poll();
  ASSERT_EQ(answers.size(), 1u);
  if (holds) {
    ASSERT_TRUE(answers[0]);
    EXPECT_EQ(answers[0]->reason, "not_flat");
    // Flat again: a reset closes everything of a paper portfolio.
    answers.clear();
    rig.runner.command(
        kSecond, [](Portfolio& p) { return p.reset(); }, remember);
    rig.runner.remove_portfolio(kSecond, remember);
    rig.io.poll();
    ASSERT_EQ(answers.size(), 2u);
    ASSERT_FALSE(answers[0]);
    ASSERT_FALSE(answers[1]) << answers[1]->message;
  } else {
    ASSERT_FALSE(answers[0]) << answers[0]->message;
  }
  EXPECT_EQ(rig.runner.snapshot(kSecond), nullptr);
  EXPECT_EQ(rig.runner.portfolios()->size(), 1u);
  // Its journal was asked to stop: the last record of its ring.
  rig.take();
  ASSERT_FALSE(rig.records[kSecond].empty());
  EXPECT_TRUE(std::holds_alternative<StopRecord>(rig.records[kSecond].back().record));

  answers.clear();
  rig.runner.command(
      kSecond, [](Portfolio& p) { return p.start(std::nullopt, std::nullopt); }, remember);
  rig.io.poll();
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0]);
  EXPECT_EQ(answers[0]->code, core::Errc::not_found);
}

}  // namespace
}  // namespace meridian::engine::test
