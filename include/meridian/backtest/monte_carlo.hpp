#pragma once
// Monte Carlo over a backtest's result: how much of its outcome was the order of its trades
// and days. Two resamplings, each N paths, seeded (the same seed gives the same figures):
// - trades: the closing trades' realised P&L drawn with replacement, as many as there were,
//   added to the initial capital in the order drawn;
// - daily returns: a block bootstrap (blocks of consecutive days, start drawn uniformly,
//   wrapping at the end) to the series' length, compounded, so runs of good and bad days keep
//   some of their clustering.
// Each path's final return, maximum drawdown (fraction of the peak, risk::drawdown) and longest
// drawdown (in trades or days) are summarised by percentiles. Pure functions: any thread.
#include <cstdint>
#include <span>

namespace meridian::backtest {

struct MonteCarloSpec {
  std::uint64_t paths = 1000;
  std::uint64_t seed = 1;
  std::size_t block = 5;             // days per block (daily returns)
  double drawdown_threshold = 0.20;  // probability_drawdown_beyond counts paths past this fraction
};
inline constexpr std::uint64_t kMaxMonteCarloPaths = 100'000;

// Nearest rank: the ceil(p * n)-th smallest value, as risk::historical_var reads its quantile.
struct Percentiles {
  double p5 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0;
};

struct Distribution {
  std::uint64_t paths = 0;
  std::uint64_t steps = 0;  // trades or days per path
  Percentiles final_return;
  Percentiles max_drawdown;
  Percentiles longest_drawdown;  // steps below a previous peak
  double probability_of_loss = 0;
  double probability_drawdown_beyond = 0;
};

// No paths (all zero) when there is nothing to resample or `initial_capital` is not positive.
Distribution bootstrap_trades(std::span<const double> realized_pnls, double initial_capital,
                              const MonteCarloSpec& spec);
Distribution block_bootstrap_returns(std::span<const double> daily_returns, const MonteCarloSpec& spec);

}  // namespace meridian::backtest
