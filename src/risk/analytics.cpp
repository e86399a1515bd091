#include "meridian/risk/analytics.hpp"
#include "meridian/risk/analytics_moments.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace meridian::risk {
namespace {

bool finite(double v) noexcept {
  return std::isfinite(v);
}
bool positive(double v) noexcept {
  return v > 0.0 && std::isfinite(v);
}
double finite_or_zero(double v) noexcept {
  return std::isfinite(v) ? v : 0.0;
}

// Count, mean and sum of squared deviations of the finite values (two passes: the second
// measures deviations from the true mean, which one-pass sums lose to cancellation).
// `constant` is exact: a series of equal values has zero spread even where the computed mean
// differs from them in the last bit, so ratios over the spread stay zero rather than huge.
struct Moments {
  std::size_t n = 0;
  double mean = 0.0;
  double m2 = 0.0;
  bool constant = true;
};

Moments moments(std::span<const double> xs) noexcept {
  Moments m;
  double sum = 0.0;
  double first = 0.0;
  for (double x : xs) {
    if (!finite(x)) continue;
    if (m.n == 0) first = x;
    m.constant = m.constant && x == first;
    sum += x;
    ++m.n;
  }
  if (m.n == 0) return m;
  m.mean = sum / static_cast<double>(m.n);
  if (m.constant) return m;
  for (double x : xs) {
    if (finite(x)) m.m2 += (x - m.mean) * (x - m.mean);
  }
  return m;
}

double sample_sd(const Moments& m) noexcept {
  if (m.n < 2 || m.constant) return 0.0;
  return std::sqrt(m.m2 / static_cast<double>(m.n - 1));
}

// Co-moments of two series over their common length, aligned at the end (the newest values
// line up), skipping pairs where either value is not finite.
struct CoMoments {
  std::size_t n = 0;
  double sxx = 0.0;
  double syy = 0.0;
  double sxy = 0.0;
  bool x_constant = true;
  bool y_constant = true;
};

CoMoments co_moments(std::span<const double> x, std::span<const double> y) noexcept {
  const std::size_t len = std::min(x.size(), y.size());
  x = x.last(len);
  y = y.last(len);
  CoMoments c;
  double sum_x = 0.0;
  double sum_y = 0.0;
  double first_x = 0.0;
  double first_y = 0.0;
  for (std::size_t i = 0; i < len; ++i) {
    if (!finite(x[i]) || !finite(y[i])) continue;
    if (c.n == 0) {
      first_x = x[i];
      first_y = y[i];
    }
    c.x_constant = c.x_constant && x[i] == first_x;
    c.y_constant = c.y_constant && y[i] == first_y;
    sum_x += x[i];
    sum_y += y[i];
    ++c.n;
  }
  if (c.n < 2) return c;
  const double mean_x = sum_x / static_cast<double>(c.n);
  const double mean_y = sum_y / static_cast<double>(c.n);
  for (std::size_t i = 0; i < len; ++i) {
    if (!finite(x[i]) || !finite(y[i])) continue;
    const double dx = c.x_constant ? 0.0 : x[i] - mean_x;
    const double dy = c.y_constant ? 0.0 : y[i] - mean_y;
    c.sxx += dx * dx;
    c.syy += dy * dy;
    c.sxy += dx * dy;
  }
  return c;
}

// Inverse of the standard normal CDF: Acklam's rational approximation (relative error below
// 1.15e-9) and one Halley step on erfc, which brings it to double precision.
double inverse_normal_cdf(double p) noexcept {
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                          -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  double x = 0.0;
  if (p < kLow) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - kLow) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log(1.0 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double e = 0.5 * std::erfc(-x / std::numbers::sqrt2) - p;
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(x * x / 2.0);
  return x - u / (1.0 + x * u / 2.0);
}

double normal_pdf(double x) noexcept {
  return std::exp(-x * x / 2.0) / std::sqrt(2.0 * std::numbers::pi);
}

// A loss figure is reported as a non-negative number: a quantile that is a gain means no loss.
ValueAtRisk as_loss(double var, double cvar) noexcept {
  return {std::max(0.0, finite_or_zero(var)), std::max(0.0, finite_or_zero(cvar))};
}

}  // namespace

TradeStats trade_stats(std::span<const double> realized_pnls) noexcept {
  TradeStats s;
  double total = 0.0;
  for (double pnl : realized_pnls) {
    if (!finite(pnl)) continue;
    ++s.trades;
    total += pnl;
    if (pnl > 0.0) {
      ++s.wins;
      s.gross_profit += pnl;
    } else if (pnl < 0.0) {
      ++s.losses;
      s.gross_loss -= pnl;
    }
  }
  if (s.wins + s.losses > 0) s.win_rate = static_cast<double>(s.wins) / static_cast<double>(s.wins + s.losses);
  if (s.gross_loss > 0.0 && s.gross_profit > 0.0) s.profit_factor = finite_or_zero(s.gross_profit / s.gross_loss);
  if (s.wins > 0) s.average_win = finite_or_zero(s.gross_profit / static_cast<double>(s.wins));
  if (s.losses > 0) s.average_loss = finite_or_zero(s.gross_loss / static_cast<double>(s.losses));
  if (s.trades > 0) s.expectancy = finite_or_zero(total / static_cast<double>(s.trades));
  s.gross_profit = finite_or_zero(s.gross_profit);
  s.gross_loss = finite_or_zero(s.gross_loss);
  return s;
}

Drawdown drawdown(std::span<const EquityPoint> curve) noexcept {
  Drawdown out;
  bool started = false;
  bool below = false;
  double peak = 0.0;
  double last = 0.0;
  core::Timestamp peak_ts{};
  core::Timestamp last_ts{};
  for (const auto& point : curve) {
    if (!finite(point.equity)) continue;
    if (!started || point.equity >= peak) {
      // A new peak, or back at the old one: the time below it ends here.
      if (below) out.max_duration = std::max(out.max_duration, point.ts - peak_ts);
      started = true;
      below = false;
      peak = point.equity;
      peak_ts = point.ts;
    } else {
      below = true;
      const double fall = peak - point.equity;
      out.max_value = std::max(out.max_value, finite_or_zero(fall));
      if (peak > 0.0) out.max_fraction = std::max(out.max_fraction, finite_or_zero(fall / peak));
    }
    last = point.equity;
    last_ts = point.ts;
  }
  if (below) {
    out.max_duration = std::max(out.max_duration, last_ts - peak_ts);  // still below at the end
    if (peak > 0.0) out.current_fraction = finite_or_zero((peak - last) / peak);
  }
  return out;
}

double mean(std::span<const double> xs) noexcept {
  return moments(xs).mean;
}

double sample_stdev(std::span<const double> xs) noexcept {
  return sample_sd(moments(xs));
}

std::vector<double> returns_of(std::span<const EquityPoint> curve) {
  std::vector<double> out;
  out.reserve(curve.empty() ? 0 : curve.size() - 1);
  double previous = 0.0;
  for (const auto& point : curve) {
    if (!positive(point.equity)) continue;
    if (previous > 0.0) out.push_back(finite_or_zero(point.equity / previous - 1.0));
    previous = point.equity;
  }
  return out;
}

double sharpe(std::span<const double> returns, double periods_per_year, double risk_free_per_period) noexcept {
  if (!positive(periods_per_year) || !finite(risk_free_per_period)) return 0.0;
  const Moments m = moments(returns);
  const double sd = sample_sd(m);
  if (!(sd > 0.0)) return 0.0;
  return finite_or_zero((m.mean - risk_free_per_period) / sd * std::sqrt(periods_per_year));
}

double sortino(std::span<const double> returns, double periods_per_year, double target) noexcept {
  if (!positive(periods_per_year) || !finite(target)) return 0.0;
  const Moments m = moments(returns);
  if (m.n < 2) return 0.0;
  // Target downside deviation (Sortino & Price): shortfalls below the target, squared, over
  // every period, the ones at or above the target counting as zero.
  double shortfall2 = 0.0;
  for (double r : returns) {
    if (finite(r) && r < target) shortfall2 += (r - target) * (r - target);
  }
  const double downside = std::sqrt(shortfall2 / static_cast<double>(m.n));
  if (!(downside > 0.0)) return 0.0;
  return finite_or_zero((m.mean - target) / downside * std::sqrt(periods_per_year));
}

double calmar(double annual_return, double max_drawdown_fraction) noexcept {
  if (!finite(annual_return) || !positive(max_drawdown_fraction)) return 0.0;
  return finite_or_zero(annual_return / max_drawdown_fraction);
}

ValueAtRisk historical_var(std::span<const double> returns, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) return {};
  std::vector<double> losses;
  losses.reserve(returns.size());
  for (double r : returns) {
    if (finite(r)) losses.push_back(-r);
  }
  if (losses.empty()) return {};
  std::sort(losses.begin(), losses.end());
  // The k-th smallest loss with k = ceil(confidence * n): the smallest observed loss that at
  // least `confidence` of the periods do not exceed (the empirical quantile, no interpolation).
  // The epsilon keeps 0.95 * 100 (95.00000000000001 in binary) from rounding up to 96.
  const double n = static_cast<double>(losses.size());
  const auto k = static_cast<std::size_t>(std::clamp(std::ceil(confidence * n - 1e-9), 1.0, n));
  const double var = losses[k - 1];
  const auto tail = std::lower_bound(losses.begin(), losses.end(), var);
  double tail_sum = 0.0;
  for (auto it = tail; it != losses.end(); ++it) tail_sum += *it;
  return as_loss(var, tail_sum / static_cast<double>(losses.end() - tail));
}

ValueAtRisk parametric_var(std::span<const double> returns, double confidence) noexcept {
  if (!(confidence > 0.0 && confidence < 1.0)) return {};
  const Moments m = moments(returns);
  if (m.n < 2) return {};
  const double sd = sample_sd(m);
  const double z = inverse_normal_cdf(confidence);
  // Normal returns: the loss quantile is z sd - mean; the mean loss beyond it is
  // sd phi(z) / (1 - c) - mean.
  return as_loss(z * sd - m.mean, sd * normal_pdf(z) / (1.0 - confidence) - m.mean);
}

ValueAtRisk scale_horizon(ValueAtRisk v, double periods) noexcept {
  if (!positive(periods)) return {};
  const double k = std::sqrt(periods);
  return as_loss(v.var * k, v.cvar * k);
}

double correlation(std::span<const double> a, std::span<const double> b) noexcept {
  const CoMoments c = co_moments(a, b);
  if (c.n < 2 || c.x_constant || c.y_constant) return 0.0;
  const double r = c.sxy / std::sqrt(c.sxx * c.syy);
  return std::clamp(finite_or_zero(r), -1.0, 1.0);
}

std::vector<std::vector<double>> correlation_matrix(const std::vector<std::vector<double>>& series) {
  std::size_t len = series.empty() ? 0 : series.front().size();
  for (const auto& s : series) len = std::min(len, s.size());
  std::vector<std::vector<double>> out(series.size(), std::vector<double>(series.size(), 0.0));
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto si = std::span<const double>(series[i]).last(len);
    for (std::size_t j = i; j < series.size(); ++j) {
      out[i][j] = out[j][i] = correlation(si, std::span<const double>(series[j]).last(len));
    }
  }
  return out;
}

double beta(std::span<const double> asset, std::span<const double> benchmark) noexcept {
  const CoMoments c = co_moments(asset, benchmark);
  if (c.n < 2 || c.y_constant) return 0.0;
  return finite_or_zero(c.sxy / c.syy);
}

}  // namespace meridian::risk
