#pragma once
// Simulated minute bars replayed through a portfolio: what the simulated-clock and the
// many-portfolios tests drive the engine with.
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
  data.series.resize(table.size());
  for (const auto& bar : prices.generate_history(minutes, kT0 + std::chrono::hours(24)))
    data.series[bar.symbol].push_back(bar);
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

}  // namespace meridian::engine::test
