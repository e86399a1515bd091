#pragma once
// Performance and risk maths over equity curves, returns and closed trades. Pure functions in
// double (reporting, not the ledger); empty or degenerate input gives zeros, never NaN or inf.
#include <cstdint>
#include <span>
#include <vector>

#include "meridian/core/time.hpp"

namespace meridian::risk {

struct EquityPoint {
  core::Timestamp ts{};
  double equity = 0.0;
};

struct TradeStats {
  std::uint64_t trades = 0;  // closing trades (non-zero realised P&L counts as a win or a loss)
  std::uint64_t wins = 0;
  std::uint64_t losses = 0;
  double win_rate = 0.0;  // wins / (wins + losses)
  double gross_profit = 0.0;
  double gross_loss = 0.0;     // positive number
  double profit_factor = 0.0;  // gross_profit / gross_loss; 0 without losses or profits
  double average_win = 0.0;
  double average_loss = 0.0;  // positive number
  double expectancy = 0.0;    // mean P&L per closing trade
};
TradeStats trade_stats(std::span<const double> realized_pnls) noexcept;

// Durations run from the last time at the peak to the first point back at or above it (or to
// the last point while still below); non-finite points are skipped.
struct Drawdown {
  double max_value = 0.0;         // largest peak-to-trough fall in money
  double max_fraction = 0.0;      // largest fall relative to its peak
  core::Duration max_duration{};  // longest time spent below a previous peak
  double current_fraction = 0.0;
};
Drawdown drawdown(std::span<const EquityPoint> curve) noexcept;

// Simple returns between consecutive points (points with non-positive equity are skipped).
std::vector<double> returns_of(std::span<const EquityPoint> curve);

// Annualised with `periods_per_year` (e.g. 525600 for minute returns, 365 for daily crypto).
// Sharpe uses the sample standard deviation (n - 1); Sortino the target downside deviation
// sqrt(sum(min(0, r - target)^2) / n) over all n periods. Both are 0 with fewer than 2 returns
// or no spread (no downside); non-finite returns are skipped.
double sharpe(std::span<const double> returns, double periods_per_year, double risk_free_per_period = 0.0) noexcept;
double sortino(std::span<const double> returns, double periods_per_year, double target = 0.0) noexcept;
// Annualised return / max drawdown fraction.
double calmar(double annual_return, double max_drawdown_fraction) noexcept;

// Loss (positive number, as a fraction of value) not exceeded with probability `confidence`
// over one period of the returns given, and the mean loss beyond it (CVaR / expected shortfall).
// Historical: the ceil(confidence * n)-th smallest loss (empirical quantile, no interpolation;
// losses 1..100 at 0.95 give 95) and the mean of the losses at or above it (97.5). Parametric:
// z * sd - mean and sd * pdf(z) / (1 - confidence) - mean. A figure that would be a gain is 0;
// confidence outside (0, 1) gives zeros.
struct ValueAtRisk {
  double var = 0.0;
  double cvar = 0.0;
};
ValueAtRisk historical_var(std::span<const double> returns, double confidence);
ValueAtRisk parametric_var(std::span<const double> returns, double confidence) noexcept;  // normal
// Scales a one-period figure to `periods` (square-root-of-time rule).
ValueAtRisk scale_horizon(ValueAtRisk v, double periods) noexcept;

// Pearson correlation; matrix[i][j] of the series (trimmed to the shortest length). Series of
// different lengths are aligned at the end (the newest values line up); pairs with a non-finite
// value are skipped; a constant or too-short series correlates 0 (also with itself).
double correlation(std::span<const double> a, std::span<const double> b) noexcept;
std::vector<std::vector<double>> correlation_matrix(const std::vector<std::vector<double>>& series);
// cov(asset, benchmark) / var(benchmark), over the common length.
double beta(std::span<const double> asset, std::span<const double> benchmark) noexcept;

}  // namespace meridian::risk
