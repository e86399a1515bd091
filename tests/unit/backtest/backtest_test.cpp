// The backtest runner on crafted bars: trades, ledger, curves and metrics agree with each other
// and with the bars; cancellation stops it; the range and symbols select what is played.
#include "meridian/backtest/backtest.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine_rig.hpp"

namespace meridian::backtest {
namespace {

using engine::test::instruments;
using engine::test::kT0;

core::Bar minute(core::SymbolId symbol, int k, double close) {
  core::Bar b;
  b.symbol = symbol;
  b.timeframe = core::Timeframe::m1;
  b.open_time = kT0 + std::chrono::minutes(k);
  const auto c = core::Price::from_double(close);
  b.open = b.high = b.low = b.close = c;
  b.volume = core::Quantity::from_units(1'000'000);
  return b;
}

// Up, down, up, down over `cycles`: an SMA(2, 4) crossover buys and sells on every turn.
market::ReplayData zigzag(core::SymbolId symbol, int cycles) {
  market::ReplayData data;
  data.series.emplace_back();
  int k = 0;
  for (int c = 0; c < cycles; ++c) {
    for (int i = 0; i < 10; ++i) data.series[0].push_back(minute(symbol, k++, 100.0 + i));
    for (int i = 0; i < 10; ++i) data.series[0].push_back(minute(symbol, k++, 110.0 - i));
  }
  return data;
}

BacktestSpec spec_for(core::SymbolId symbol, int minutes) {
  BacktestSpec spec;
  spec.strategy = engine::StrategyConfig::sma_crossover(2, 4);
  spec.strategy.position_fraction = 0.5;
  spec.symbols = {symbol};
  spec.from = kT0;
  spec.to = kT0 + std::chrono::minutes(minutes);
  spec.initial_capital = core::Money::from_units(100'000);
  spec.paper = execution::PaperConfig::at_touch(10);
  return spec;
}

TEST(Backtest, TradesTheCraftedTurnsAndItsFiguresAgree) {
  const auto table = instruments();
  const auto data = zigzag(engine::test::kAaa, 6);
  const auto result = run(table, spec_for(engine::test::kAaa, 120), data);

  EXPECT_EQ(result.status, Status::completed);
  EXPECT_EQ(result.progress.bars_total, 120u);
  EXPECT_EQ(result.progress.bars_done, 120u);
  EXPECT_EQ(result.ticks, 480u);
  ASSERT_GE(result.trades.size(), 6u);
  EXPECT_EQ(result.trades.front().side, core::Side::buy);
  for (std::size_t k = 0; k < result.trades.size(); ++k)
    EXPECT_EQ(result.trades[k].side, k % 2 == 0 ? core::Side::buy : core::Side::sell) << k;

  // The ledger is the trades' sum: cash moves by every fill and fee.
  double cash = 100'000.0, fees = 0.0, realized = 0.0;
  for (const auto& t : result.trades) {
    const double notional = t.price.to_double() * t.quantity.to_double();
    cash += (t.side == core::Side::buy ? -notional : notional) - t.fee.to_double();
    fees += t.fee.to_double();
    realized += t.realized_pnl.to_double();
  }
  EXPECT_NEAR(result.ledger.cash().to_double(), cash, 1e-6);
  EXPECT_NEAR(result.metrics.fees, fees, 1e-9);
  EXPECT_GT(fees, 0.0);
  EXPECT_EQ(result.metrics.fills, result.trades.size());
  EXPECT_EQ(result.metrics.closed.trades, result.trades.size() / 2);

  // Equity: starts at the capital, ends at cash plus the open position at the last close.
  ASSERT_GE(result.equity.size(), 2u);
  EXPECT_EQ(result.equity.front().equity, 100'000.0);
  const double last_close = data.series[0].back().close.to_double();
  const double final_equity =
      result.ledger.cash().to_double() + result.ledger.position(engine::test::kAaa).quantity.to_double() * last_close;
  EXPECT_NEAR(result.equity.back().equity, final_equity, 1e-6);
  EXPECT_NEAR(result.metrics.final_equity, final_equity, 1e-6);
  EXPECT_NEAR(result.metrics.total_return, final_equity / 100'000.0 - 1.0, 1e-12);
  EXPECT_NEAR(result.ledger.realized_pnl().to_double(), realized, 1e-6);
  EXPECT_EQ(result.metrics.closed.wins + result.metrics.closed.losses, result.metrics.closed.trades);

  // The drawdown curve: the fall from the running peak, at the equity curve's times.
  ASSERT_EQ(result.drawdown.size(), result.equity.size());
  double peak = 0.0, deepest = 0.0;
  for (std::size_t k = 0; k < result.equity.size(); ++k) {
    peak = std::max(peak, result.equity[k].equity);
    EXPECT_EQ(result.drawdown[k].ts, result.equity[k].ts);
    EXPECT_NEAR(result.drawdown[k].equity, result.equity[k].equity / peak - 1.0, 1e-12);
    deepest = std::min(deepest, result.drawdown[k].equity);
  }
  EXPECT_NEAR(result.metrics.max_drawdown, -deepest, 1e-12);
}

TEST(Backtest, IsDeterministic) {
  const auto table = instruments();
  const auto data = zigzag(engine::test::kAaa, 4);
  const auto a = run(table, spec_for(engine::test::kAaa, 80), data);
  const auto b = run(table, spec_for(engine::test::kAaa, 80), data);
  EXPECT_EQ(a.trades, b.trades);
  EXPECT_EQ(a.ledger, b.ledger);
}

TEST(Backtest, PlaysOnlyTheRangeAndSymbolsAsked) {
  const auto table = instruments();
  auto data = zigzag(engine::test::kAaa, 6);
  const auto other = zigzag(engine::test::kBbb, 6);
  data.series.push_back(other.series[0]);
  auto spec = spec_for(engine::test::kAaa, 60);
  spec.from = kT0 + std::chrono::minutes(20);
  const auto picked = select(data, spec);
  ASSERT_EQ(picked.series.size(), 1u);
  ASSERT_EQ(picked.series[0].size(), 40u);
  EXPECT_EQ(picked.series[0].front().open_time, spec.from);
  EXPECT_EQ(picked.series[0].back().open_time, spec.to - std::chrono::minutes(1));
  for (const auto& t : run(table, spec, data).trades) EXPECT_EQ(t.symbol, engine::test::kAaa);
}

// run() plays a symbol's bars in place when they lie in one series as one run, and select()'s
// copy otherwise: the same bars either way, so the same result.
TEST(Backtest, BarsSplitOrOutOfPlacePlayTheSameAsOneSeries) {
  const auto table = instruments();
  const auto whole = zigzag(engine::test::kAaa, 6);
  auto spec = spec_for(engine::test::kAaa, 120);
  const auto want = run(table, spec, whole);
  ASSERT_GT(want.trades.size(), 2u);

  market::ReplayData split;  // two series of one symbol
  const auto& bars = whole.series[0];
  split.series.emplace_back(bars.begin(), bars.begin() + 50);
  split.series.emplace_back(bars.begin() + 50, bars.end());
  market::ReplayData holed = whole;  // a bar outside the range between bars inside it
  holed.series[0].insert(holed.series[0].begin() + 30, minute(engine::test::kAaa, 500, 50.0));
  for (const auto* data : {&split, &holed}) {
    const auto got = run(table, spec, *data);
    EXPECT_EQ(got.progress.bars_total, want.progress.bars_total);
    EXPECT_EQ(got.trades, want.trades);
    EXPECT_EQ(got.ledger, want.ledger);
  }
}

TEST(Backtest, CancelledStopsAfterTheBatchInFlight) {
  const auto table = instruments();
  const auto data = zigzag(engine::test::kAaa, 100);  // 2000 bars, 8000 ticks: many batches
  std::atomic<bool> cancel{true};
  Control control;
  control.cancel = &cancel;
  const auto result = run(table, spec_for(engine::test::kAaa, 2000), data, control);
  EXPECT_EQ(result.status, Status::cancelled);
  EXPECT_EQ(result.progress.bars_total, 2000u);
  EXPECT_GT(result.progress.bars_done, 0u);
  EXPECT_LE(result.progress.bars_done, 64u);  // one batch of 256 ticks
}

TEST(Backtest, ReportsProgressAndEndsAtOneHundredPercent) {
  const auto table = instruments();
  const auto data = zigzag(engine::test::kAaa, 100);
  std::vector<Progress> seen;
  Control control;
  control.progress_every = 500;
  control.on_progress = [&](const Progress& p) { seen.push_back(p); };
  run(table, spec_for(engine::test::kAaa, 2000), data, control);
  ASSERT_GE(seen.size(), 4u);
  for (std::size_t k = 1; k < seen.size(); ++k) EXPECT_GE(seen[k].bars_done, seen[k - 1].bars_done);
  EXPECT_EQ(seen.back().bars_done, 2000u);
  EXPECT_DOUBLE_EQ(seen.back().percent(), 100.0);
  EXPECT_EQ(seen.back().eta_seconds(), 0.0);
}

TEST(Backtest, MetricsOfAKnownCurve) {
  // 100 -> 120 -> 90 -> 99 over four days: -1 % in all, the worst fall 25 % from 120.
  const auto day = std::chrono::hours(24);
  const std::vector<risk::EquityPoint> curve{
      {kT0, 100.0}, {kT0 + day, 120.0}, {kT0 + 2 * day, 90.0}, {kT0 + 3 * day, 99.0}};
  const engine::Ledger ledger(core::Money::from_units(99), 1);
  const auto m = compute_metrics(100.0, curve, {}, ledger);
  EXPECT_DOUBLE_EQ(m.final_equity, 99.0);
  EXPECT_NEAR(m.total_return, -0.01, 1e-12);
  EXPECT_NEAR(m.max_drawdown, 0.25, 1e-12);
  EXPECT_NEAR(m.max_drawdown_value, 30.0, 1e-9);
  EXPECT_NEAR(m.annualized_return, std::pow(0.99, 365.0 / 3.0) - 1.0, 1e-9);
  EXPECT_NE(m.sharpe, 0.0);
  EXPECT_EQ(m.fills, 0u);
}

}  // namespace
}  // namespace meridian::backtest
