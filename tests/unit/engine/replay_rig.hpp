#pragma once
// Simulated minute bars replayed through a portfolio: what the simulated-clock and the
// many-portfolios tests drive the engine with.
#include <gtest/gtest.h>

#include "engine_rig.hpp"
#include "meridian/market/replay_feed.hpp"
#include "meridian/market/simulated_prices.hpp"

namespace meridian::engine::test {

// Simulated minutes for every instrument, one series per symbol (what load_replay gives).
inline market::ReplayData simulated_bars(const core::InstrumentTable& table, std::size_t minutes) {
  market::SimConfig sim;
  sim.seed = 7;
  sim.regime_mean = std::chrono::minutes(20);
  market::SimulatedPrices prices(table, sim, kT0);
  market::ReplayData data;
  data.series = prices.generate_series(minutes, kT0 + std::chrono::hours(24));
  return data;
}

inline PortfolioConfig trading_config() {
  PortfolioConfig c;
  c.initial_capital = Money::from_units(1'000'000);
  c.strategy = StrategyConfig::sma_crossover(3, 8);
  c.strategy.position_fraction = 0.2;
  c.autostart = true;
  return c;
}

inline execution::PaperConfig paper() {
  execution::PaperConfig p;  // slippage, impact and fees: the default fill model, not at the touch
  p.latency = std::chrono::milliseconds(250);
  return p;
}

inline std::vector<Trade> trades_in(std::vector<JournalEntry>& records) {
  std::vector<Trade> out;
  for (const auto& r : records_of<TradeRecord>(records)) out.push_back(r.trade);
  return out;
}

// The same trades, field by field (ids, orders, portfolio, fills, times).
inline void expect_same_trades(const std::vector<Trade>& a, const std::vector<Trade>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].id, b[k].id);
    EXPECT_EQ(a[k].order_id, b[k].order_id);
    EXPECT_EQ(a[k].portfolio_id, b[k].portfolio_id);
    EXPECT_EQ(a[k].symbol, b[k].symbol);
    EXPECT_EQ(a[k].side, b[k].side);
    EXPECT_EQ(a[k].quantity, b[k].quantity);
    EXPECT_EQ(a[k].price, b[k].price);
    EXPECT_EQ(a[k].fee, b[k].fee);
    EXPECT_EQ(a[k].realized_pnl, b[k].realized_pnl);
    EXPECT_EQ(a[k].ts, b[k].ts);
  }
}

}  // namespace meridian::engine::test
