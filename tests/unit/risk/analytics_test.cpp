// Performance and risk maths against values worked out by hand in the comments.
#include "meridian/risk/analytics.hpp"
#include "meridian/risk/analytics_moments.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using meridian::core::Timestamp;
using meridian::risk::EquityPoint;
using namespace meridian::risk;
using namespace std::chrono_literals;

namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Points one minute apart from t = 0, or at the given minutes.
std::vector<EquityPoint> curve(std::initializer_list<double> equities) {
  std::vector<EquityPoint> out;
  std::int64_t minute = 0;
  for (double e : equities) out.push_back({Timestamp(std::chrono::minutes(minute++)), e});
  return out;
}
std::vector<EquityPoint> curve_at(std::initializer_list<std::pair<int, double>> points) {
  std::vector<EquityPoint> out;
  for (auto [minute, e] : points) out.push_back({Timestamp(std::chrono::minutes(minute)), e});
  return out;
}
}  // namespace

TEST(AnalyticsTradeStats, CountsWinsLossesAndRatios) {
  // Wins 100, 200; losses 50, 25; one breakeven. Profit 300, loss 75, PF 4; expectancy 225 / 5.
  const std::vector<double> pnl{100, -50, 0, 200, -25};
  const auto s = trade_stats(pnl);
  EXPECT_EQ(s.trades, 5u);
  EXPECT_EQ(s.wins, 2u);
  EXPECT_EQ(s.losses, 2u);
  EXPECT_DOUBLE_EQ(s.win_rate, 0.5);
  EXPECT_DOUBLE_EQ(s.gross_profit, 300);
  EXPECT_DOUBLE_EQ(s.gross_loss, 75);
  EXPECT_DOUBLE_EQ(s.profit_factor, 4);
  EXPECT_DOUBLE_EQ(s.average_win, 150);
  EXPECT_DOUBLE_EQ(s.average_loss, 37.5);
  EXPECT_DOUBLE_EQ(s.expectancy, 45);
}

TEST(AnalyticsTradeStats, DegenerateInputs) {
  const auto empty = trade_stats({});
  EXPECT_EQ(empty.trades, 0u);
  EXPECT_EQ(empty.win_rate, 0.0);
  EXPECT_EQ(empty.expectancy, 0.0);
  // Only wins: no profit factor (no losses to divide by).
  const std::vector<double> wins{10, 20};
  EXPECT_EQ(trade_stats(wins).profit_factor, 0.0);
  EXPECT_DOUBLE_EQ(trade_stats(wins).win_rate, 1.0);
  // Non-finite P&L is not a trade.
  const std::vector<double> odd{kNan, 10, kInf, -10};
  const auto s = trade_stats(odd);
  EXPECT_EQ(s.trades, 2u);
  EXPECT_DOUBLE_EQ(s.profit_factor, 1.0);
  EXPECT_EQ(s.expectancy, 0.0);
}

TEST(AnalyticsDrawdown, ValueFractionAndDuration) {
  // 100, 120 (peak at 1 min), 90 (-30, 25 %), 110, 130 (recovered at 4 min: 3 min below),
  // 117 (-13, 10 %, still below at 5 min: 1 min so far).
  const auto c = curve({100, 120, 90, 110, 130, 117});
  const auto d = drawdown(c);
  EXPECT_DOUBLE_EQ(d.max_value, 30);
  EXPECT_DOUBLE_EQ(d.max_fraction, 0.25);
  EXPECT_EQ(d.max_duration, 3min);
  EXPECT_DOUBLE_EQ(d.current_fraction, 0.1);
}

TEST(AnalyticsDrawdown, AnOpenDrawdownAtTheEndCounts) {
  // Peak 100 at 0, never recovered by 10 min: 10 min below, 30 % now, 50 % at worst.
  const auto d = drawdown(curve_at({{0, 100}, {1, 50}, {2, 60}, {10, 70}}));
  EXPECT_EQ(d.max_duration, 10min);
  EXPECT_DOUBLE_EQ(d.max_fraction, 0.5);
  EXPECT_DOUBLE_EQ(d.current_fraction, 0.3);
}

TEST(AnalyticsDrawdown, TheDeepestAndTheLargestCanDiffer) {
  // 10 -> 5 is 50 % (5 in money); 100 -> 80 is 20 % (20 in money). Time at the peak moves it.
  const auto d = drawdown(curve({10, 5, 100, 100, 80, 100}));
  EXPECT_DOUBLE_EQ(d.max_value, 20);
  EXPECT_DOUBLE_EQ(d.max_fraction, 0.5);
  EXPECT_EQ(d.max_duration, 2min);  // 3 min (last at 100) to 5 min
  EXPECT_EQ(d.current_fraction, 0.0);
}

TEST(AnalyticsDrawdown, EmptyFlatAndRisingCurvesHaveNone) {
  for (const auto& c : {curve({}), curve({100}), curve({100, 100, 100}), curve({1, 2, 3})}) {
    const auto d = drawdown(c);
    EXPECT_EQ(d.max_value, 0.0);
    EXPECT_EQ(d.max_fraction, 0.0);
    EXPECT_EQ(d.max_duration, 0ns);
    EXPECT_EQ(d.current_fraction, 0.0);
  }
  const auto d = drawdown(curve({100, kNan, 90, kInf}));  // non-finite points are skipped
  EXPECT_DOUBLE_EQ(d.max_fraction, 0.1);
}

TEST(AnalyticsReturns, SimpleReturnsSkipNonPositiveEquity) {
  // 100 -> 110 = +10 %; 0 is skipped; 110 -> 99 = -10 %.
  const auto r = returns_of(curve({100, 110, 0, 99}));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NEAR(r[0], 0.1, 1e-15);
  EXPECT_NEAR(r[1], -0.1, 1e-15);
  EXPECT_TRUE(returns_of(curve({})).empty());
  EXPECT_TRUE(returns_of(curve({-5, 100})).empty());
}

TEST(AnalyticsSharpe, KnownSeries) {
  // 1 %, 2 %, 3 %, 4 %: mean 2.5 %, squared deviations sum 5e-4, sample variance 5e-4 / 3.
  // Per period: 0.025 / sqrt(5e-4 / 3) = sqrt(0.025^2 * 6000) = sqrt(3.75).
  const std::vector<double> r{0.01, 0.02, 0.03, 0.04};
  EXPECT_NEAR(sharpe(r, 1), std::sqrt(3.75), 1e-12);
  EXPECT_NEAR(sharpe(r, 252), std::sqrt(3.75 * 252), 1e-11);  // 30.7409...
  // 0.5 % risk-free per period: excess mean 2 % -> sqrt(0.02^2 * 6000) = sqrt(2.4).
  EXPECT_NEAR(sharpe(r, 1, 0.005), std::sqrt(2.4), 1e-12);
}

TEST(AnalyticsSortino, DownsideDeviationOverAllPeriods) {
  // 2 %, -1 %, 3 %, -2 %: mean 0.5 %; shortfalls below 0 squared: 1e-4 + 4e-4 = 5e-4, over
  // the 4 periods 1.25e-4. 0.005^2 / 1.25e-4 = 0.2 -> sortino sqrt(0.2) per period.
  const std::vector<double> r{0.02, -0.01, 0.03, -0.02};
  EXPECT_NEAR(sortino(r, 1), std::sqrt(0.2), 1e-12);
  EXPECT_NEAR(sortino(r, 4), 2 * std::sqrt(0.2), 1e-12);
  // Target 1 %: excess mean -0.5 %; shortfalls 2 %, 3 % -> (4e-4 + 9e-4) / 4 = 3.25e-4;
  // 0.005^2 / 3.25e-4 = 1/13 -> -1/sqrt(13).
  EXPECT_NEAR(sortino(r, 1, 0.01), -1 / std::sqrt(13.0), 1e-12);
  // No period below the target: no downside to divide by.
  const std::vector<double> up{0.01, 0.02};
  EXPECT_EQ(sortino(up, 252), 0.0);
}

TEST(AnalyticsCalmar, ReturnOverDrawdown) {
  EXPECT_DOUBLE_EQ(calmar(0.3, 0.15), 2.0);
  EXPECT_DOUBLE_EQ(calmar(-0.3, 0.15), -2.0);
  EXPECT_EQ(calmar(0.3, 0.0), 0.0);
  EXPECT_EQ(calmar(0.3, -0.1), 0.0);
  EXPECT_EQ(calmar(kNan, 0.1), 0.0);
  EXPECT_EQ(calmar(0.3, kNan), 0.0);
}

TEST(AnalyticsHistoricalVar, LossesOneToOneHundred) {
  // Returns -1 %..-100 % in any order: losses 0.01..1.00. At 95 % the 95th smallest loss,
  // 0.95; the tail at or beyond it is 0.95..1.00, mean 0.975. At 99 %: 0.99 and 0.995.
  std::vector<double> r;
  for (int i = 1; i <= 100; ++i) r.push_back(-i / 100.0);
  std::shuffle(r.begin(), r.end(), std::mt19937(7));
  const auto v95 = historical_var(r, 0.95);
  EXPECT_NEAR(v95.var, 0.95, 1e-12);
  EXPECT_NEAR(v95.cvar, 0.975, 1e-12);
  const auto v99 = historical_var(r, 0.99);
  EXPECT_NEAR(v99.var, 0.99, 1e-12);
  EXPECT_NEAR(v99.cvar, 0.995, 1e-12);
}

TEST(AnalyticsHistoricalVar, SmallMixedSeries) {
  // Losses sorted: -0.03, -0.01, 0.01, 0.02, 0.05; at 80 % the ceil(4) = 4th: 0.02;
  // the tail 0.02, 0.05 averages 0.035.
  const std::vector<double> r{-0.05, 0.01, -0.02, 0.03, -0.01};
  const auto v = historical_var(r, 0.8);
  EXPECT_NEAR(v.var, 0.02, 1e-15);
  EXPECT_NEAR(v.cvar, 0.035, 1e-15);
  // Ties at the quantile all belong to the tail: losses 1, 2, 2, 2, 3 at 40 % -> 2, tail 9/4.
  const std::vector<double> ties{-1, -2, -2, -2, -3};
  EXPECT_DOUBLE_EQ(historical_var(ties, 0.4).var, 2);
  EXPECT_DOUBLE_EQ(historical_var(ties, 0.4).cvar, 2.25);
}

TEST(AnalyticsHistoricalVar, GainsAndBadInputGiveZero) {
  const std::vector<double> gains{0.01, 0.02, 0.03};
  EXPECT_EQ(historical_var(gains, 0.95).var, 0.0);
  EXPECT_EQ(historical_var(gains, 0.95).cvar, 0.0);
  const std::vector<double> r{-0.01, -0.02};
  for (double c : {0.0, 1.0, -0.5, 1.5, kNan}) {
    EXPECT_EQ(historical_var(r, c).var, 0.0) << c;
    EXPECT_EQ(historical_var(r, c).cvar, 0.0) << c;
  }
  EXPECT_EQ(historical_var({}, 0.95).var, 0.0);
  const std::vector<double> odd{kNan, -0.04, kInf};
  EXPECT_DOUBLE_EQ(historical_var(odd, 0.95).var, 0.04);
}

TEST(AnalyticsParametricVar, NormalQuantiles) {
  // -2 %, 0, 2 %, 4 %: mean 1 %, sample sd sqrt((9 + 1 + 1 + 9) e-4 / 3) = sqrt(2e-3 / 3).
  // z(0.95) = 1.6448536269514722, pdf(z) = 0.10313564037537128 (normal tables).
  const std::vector<double> r{-0.02, 0.0, 0.02, 0.04};
  const double sd = std::sqrt(2e-3 / 3);
  const auto v = parametric_var(r, 0.95);
  EXPECT_NEAR(v.var, 1.6448536269514722 * sd - 0.01, 1e-12);           // 0.03247
  EXPECT_NEAR(v.cvar, sd * 0.10313564037537128 / 0.05 - 0.01, 1e-12);  // 0.04326
  EXPECT_NEAR(parametric_var(r, 0.99).var, 2.3263478740408408 * sd - 0.01, 1e-12);
}

TEST(AnalyticsParametricVar, InverseNormalAcrossItsBranches) {
  // Two returns -a, a with a = 1/sqrt(2): mean 0, sample sd 1, so the VaR is z itself. Shifted
  // by a mean of -3 the VaR is z + 3, which shows the lower tail (z < 0) too.
  const double a = 1 / std::sqrt(2.0);
  const std::vector<double> unit{-a, a};
  EXPECT_NEAR(parametric_var(unit, 0.9).var, 1.2815515655446004, 1e-12);
  EXPECT_NEAR(parametric_var(unit, 0.975).var, 1.959963984540054, 1e-12);
  EXPECT_NEAR(parametric_var(unit, 0.999).var, 3.090232306167813, 1e-12);  // upper tail branch
  EXPECT_NEAR(parametric_var(unit, 0.5).var, 0.0, 1e-15);
  const std::vector<double> shifted{-3 - a, -3 + a};
  EXPECT_NEAR(parametric_var(shifted, 0.01).var, 3 - 2.3263478740408408, 1e-12);  // lower tail branch
  EXPECT_NEAR(parametric_var(shifted, 0.3).var, 3 - 0.5244005127080407, 1e-12);
}

TEST(AnalyticsParametricVar, DegenerateInputs) {
  EXPECT_EQ(parametric_var({}, 0.95).var, 0.0);
  const std::vector<double> one{-0.5};
  EXPECT_EQ(parametric_var(one, 0.95).var, 0.0);
  // A constant loss of 1 % per period is a certain 1 % loss.
  const std::vector<double> constant{-0.01, -0.01, -0.01};
  EXPECT_DOUBLE_EQ(parametric_var(constant, 0.95).var, 0.01);
  EXPECT_DOUBLE_EQ(parametric_var(constant, 0.95).cvar, 0.01);
  const std::vector<double> r{-0.02, 0.0, 0.02, 0.04};
  EXPECT_EQ(parametric_var(r, 1.0).var, 0.0);
  EXPECT_EQ(parametric_var(r, kNan).var, 0.0);
}

TEST(AnalyticsVarHorizon, SquareRootOfTime) {
  const auto v = scale_horizon({0.02, 0.03}, 4);
  EXPECT_DOUBLE_EQ(v.var, 0.04);
  EXPECT_DOUBLE_EQ(v.cvar, 0.06);
  EXPECT_DOUBLE_EQ(scale_horizon({0.02, 0.03}, 1).var, 0.02);
  for (double p : {0.0, -4.0, kNan, kInf}) EXPECT_EQ(scale_horizon({0.02, 0.03}, p).var, 0.0) << p;
}

TEST(AnalyticsCorrelation, IdenticalOppositeAndKnown) {
  const std::vector<double> a{1, 2, 3, 4, 5};
  const std::vector<double> neg{-1, -2, -3, -4, -5};
  const std::vector<double> affine{5, 7, 9, 11, 13};  // 2a + 3
  // b deviations -1, -2, 1, 0, 2 against a's -2, -1, 0, 1, 2: sxy 8, sxx = syy = 10 -> 0.8.
  const std::vector<double> b{2, 1, 4, 3, 5};
  EXPECT_DOUBLE_EQ(correlation(a, a), 1.0);
  EXPECT_DOUBLE_EQ(correlation(a, neg), -1.0);
  EXPECT_NEAR(correlation(a, affine), 1.0, 1e-15);
  EXPECT_NEAR(correlation(a, b), 0.8, 1e-15);
  // Different lengths line up at the end: the 100 before b's first value is dropped.
  const std::vector<double> longer{100, 2, 1, 4, 3, 5};
  EXPECT_NEAR(correlation(a, longer), 0.8, 1e-15);
}

TEST(AnalyticsCorrelation, MatrixIsSymmetricWithUnitDiagonal) {
  const std::vector<std::vector<double>> series{
      {1, 2, 3, 4, 5}, {-1, -2, -3, -4, -5}, {9, 2, 1, 4, 3, 5}, {7, 7, 7, 7, 7}};
  const auto m = correlation_matrix(series);
  const std::vector<std::vector<double>> expected{
      {1, -1, 0.8, 0}, {-1, 1, -0.8, 0}, {0.8, -0.8, 1, 0}, {0, 0, 0, 0}};  // constant: 0 throughout
  ASSERT_EQ(m.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(m[i].size(), 4u);
    for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(m[i][j], expected[i][j], 1e-15) << i << "," << j;
  }
  EXPECT_TRUE(correlation_matrix({}).empty());
}

TEST(AnalyticsBeta, CovarianceOverBenchmarkVariance) {
  const std::vector<double> bench{0.01, -0.02, 0.03, 0.0, -0.01};
  std::vector<double> twice;
  std::vector<double> inverse_half;
  for (double x : bench) {
    twice.push_back(2 * x);
    inverse_half.push_back(-0.5 * x);
  }
  EXPECT_NEAR(beta(twice, bench), 2.0, 1e-12);
  EXPECT_NEAR(beta(inverse_half, bench), -0.5, 1e-12);
  EXPECT_NEAR(beta(bench, bench), 1.0, 1e-12);
  // cov(a, b) / var(b) = 8 / 10 for the correlation example's series.
  const std::vector<double> a{1, 2, 3, 4, 5};
  const std::vector<double> b{2, 1, 4, 3, 5};
  EXPECT_NEAR(beta(a, b), 0.8, 1e-15);
  const std::vector<double> flat{0.01, 0.01, 0.01, 0.01, 0.01};
  EXPECT_EQ(beta(twice, flat), 0.0);
}

TEST(AnalyticsDegenerate, NeverNanOrInf) {
  const std::vector<std::vector<double>> inputs{
      {},
      {0.01},
      {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1},  // constant, and 0.1 is inexact in binary
      {0.0, 0.0, 0.0},
      {kNan, kNan},
      {kInf, -kInf, 0.01},
      {kNan, 0.01, kInf, 0.02, -0.03},
      {1e308, -1e308, 1e308, 1e308},
      {1e-310, -1e-310, 2e-310},
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& r = inputs[i];
    SCOPED_TRACE(i);
    EXPECT_TRUE(std::isfinite(sharpe(r, 252)));
    EXPECT_TRUE(std::isfinite(sortino(r, 252)));
    for (double c : {0.95, 0.99}) {
      const auto h = historical_var(r, c);
      const auto p = parametric_var(r, c);
      EXPECT_TRUE(std::isfinite(h.var) && std::isfinite(h.cvar));
      EXPECT_TRUE(std::isfinite(p.var) && std::isfinite(p.cvar));
    }
    for (const auto& other : inputs) {
      EXPECT_TRUE(std::isfinite(correlation(r, other)));
      EXPECT_TRUE(std::isfinite(beta(r, other)));
    }
    const auto s = trade_stats(r);
    EXPECT_TRUE(std::isfinite(s.profit_factor) && std::isfinite(s.expectancy) && std::isfinite(s.gross_profit));
    std::vector<EquityPoint> c;
    for (double e : r) c.push_back({Timestamp{}, e});
    const auto d = drawdown(c);
    EXPECT_TRUE(std::isfinite(d.max_value) && std::isfinite(d.max_fraction) && std::isfinite(d.current_fraction));
    for (double x : returns_of(c)) EXPECT_TRUE(std::isfinite(x));
  }
  // Constant series have no spread: the ratios are 0, not rounding noise over ~1e-17.
  const std::vector<double> constant(7, 0.1);
  EXPECT_EQ(sharpe(constant, 252), 0.0);
  EXPECT_EQ(sortino(constant, 252), 0.0);
  EXPECT_EQ(correlation(constant, constant), 0.0);
  EXPECT_EQ(sharpe(constant, 0), 0.0);
  EXPECT_EQ(sharpe(constant, kNan), 0.0);
  for (const auto& row : correlation_matrix(inputs)) {
    for (double x : row) EXPECT_TRUE(std::isfinite(x));
  }
}

// 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample variance 32/7.
TEST(AnalyticsMoments, MeanAndSampleStdev) {
  const std::vector<double> xs{2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(mean(xs), 5.0);
  EXPECT_DOUBLE_EQ(sample_stdev(xs), std::sqrt(32.0 / 7.0));
}

TEST(AnalyticsMoments, DegenerateInputsAreZero) {
  EXPECT_EQ(mean({}), 0.0);
  EXPECT_EQ(sample_stdev({}), 0.0);
  const std::vector<double> one{3.0};
  EXPECT_EQ(mean(one), 3.0);
  EXPECT_EQ(sample_stdev(one), 0.0);
  const std::vector<double> same(10, 0.1);
  EXPECT_EQ(sample_stdev(same), 0.0);  // exactly: no spread, whatever the rounding of the mean
  const std::vector<double> with_bad{1.0, kNan, 3.0, kInf};
  EXPECT_DOUBLE_EQ(mean(with_bad), 2.0);  // non-finite values skipped
  EXPECT_DOUBLE_EQ(sample_stdev(with_bad), std::sqrt(2.0));
}
