// Monte Carlo percentiles on crafted trade lists and return series: fixed outcomes where every
// path must agree, bounds and order where they differ, and the seed making it reproducible.
#include "meridian/backtest/monte_carlo.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace meridian::backtest {
namespace {

void expect_all(const Percentiles& p, double v) {
  for (double x : {p.p5, p.p25, p.p50, p.p75, p.p95}) EXPECT_NEAR(x, v, 1e-12);
}

void expect_ordered(const Percentiles& p) {
  EXPECT_LE(p.p5, p.p25);
  EXPECT_LE(p.p25, p.p50);
  EXPECT_LE(p.p50, p.p75);
  EXPECT_LE(p.p75, p.p95);
}

TEST(MonteCarlo, EqualTradesGiveOneOutcome) {
  const std::vector<double> pnls(10, -10.0);  // ten losses of 10 on 1000
  MonteCarloSpec spec;
  spec.paths = 200;
  spec.drawdown_threshold = 0.05;
  const auto d = bootstrap_trades(pnls, 1000.0, spec);
  EXPECT_EQ(d.paths, 200u);
  EXPECT_EQ(d.steps, 10u);
  expect_all(d.final_return, -0.10);
  expect_all(d.max_drawdown, 0.10);
  expect_all(d.longest_drawdown, 10.0);
  EXPECT_EQ(d.probability_of_loss, 1.0);
  EXPECT_EQ(d.probability_drawdown_beyond, 1.0);
}

TEST(MonteCarlo, MixedTradesSpreadAndTheSeedReproduces) {
  const std::vector<double> pnls{100, -50, 30, -80, 60, -20, 10, 40, -90, 25};  // +25 in all
  MonteCarloSpec spec;
  spec.paths = 5000;
  spec.seed = 9;
  const auto a = bootstrap_trades(pnls, 1000.0, spec);
  expect_ordered(a.final_return);
  expect_ordered(a.max_drawdown);
  expect_ordered(a.longest_drawdown);
  EXPECT_LT(a.final_return.p5, 0.0);  // ten draws of this list lose money often enough
  EXPECT_GT(a.final_return.p95, 0.1);
  EXPECT_GE(a.final_return.p5, -0.9);  // never worse than ten times the worst trade
  EXPECT_LE(a.final_return.p95, 1.0);  // never better than ten times the best
  EXPECT_GT(a.probability_of_loss, 0.1);
  EXPECT_LT(a.probability_of_loss, 0.9);
  EXPECT_GE(a.max_drawdown.p5, 0.0);
  const auto b = bootstrap_trades(pnls, 1000.0, spec);
  EXPECT_EQ(a.final_return.p50, b.final_return.p50);
  EXPECT_EQ(a.probability_of_loss, b.probability_of_loss);
  spec.seed = 10;
  const auto c = bootstrap_trades(pnls, 1000.0, spec);
  EXPECT_NE(a.probability_of_loss, c.probability_of_loss);
}

TEST(MonteCarlo, BlockBootstrapOfConstantReturnsCompounds) {
  const std::vector<double> returns(30, 0.01);
  MonteCarloSpec spec;
  spec.paths = 100;
  spec.block = 7;
  const auto d = block_bootstrap_returns(returns, spec);
  EXPECT_EQ(d.steps, 30u);
  expect_all(d.final_return, std::pow(1.01, 30) - 1.0);
  expect_all(d.max_drawdown, 0.0);
  EXPECT_EQ(d.probability_of_loss, 0.0);
}

TEST(MonteCarlo, BlockBootstrapKeepsTheRangeOfTheSeries) {
  std::vector<double> returns;
  for (int k = 0; k < 60; ++k) returns.push_back(k % 3 == 0 ? -0.02 : 0.012);
  MonteCarloSpec spec;
  spec.paths = 2000;
  const auto d = block_bootstrap_returns(returns, spec);
  expect_ordered(d.final_return);
  EXPECT_GE(d.final_return.p5, std::pow(0.98, 60) - 1.0);
  EXPECT_LE(d.final_return.p95, std::pow(1.012, 60) - 1.0);
  EXPECT_LT(d.final_return.p5, d.final_return.p95);
}

TEST(MonteCarlo, NothingToResampleGivesNoPaths) {
  EXPECT_EQ(bootstrap_trades({}, 1000.0, {}).paths, 0u);
  const std::vector<double> one{5.0};
  EXPECT_EQ(bootstrap_trades(one, 0.0, {}).paths, 0u);
  EXPECT_EQ(block_bootstrap_returns({}, {}).paths, 0u);
  MonteCarloSpec huge;
  huge.paths = 10 * kMaxMonteCarloPaths;
  EXPECT_EQ(bootstrap_trades(one, 100.0, huge).paths, kMaxMonteCarloPaths);
}

}  // namespace
}  // namespace meridian::backtest
