#include "analytics_view.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <unordered_map>

#include "meridian/api/json_types.hpp"
#include "meridian/api/trade_stats_json.hpp"
#include "meridian/risk/analytics.hpp"
#include "meridian/risk/analytics_moments.hpp"

namespace meridian::api {

using nlohmann::json;

namespace {

// Correlations and beta look at this many recent 1-minute bars.
constexpr std::size_t kBarWindow = 500;

// The curve as one contiguous vector for the analytics functions (a copy per request; the
// snapshot shares it in chunks).
std::vector<risk::EquityPoint> curve_of(const engine::Snapshot& s) {
  if (!s.equity_curve) return {};
  return {s.equity_curve->begin(), s.equity_curve->end()};
}

double seconds(core::Duration d) noexcept {
  return std::chrono::duration<double>(d).count();
}

// The newest `window` closed 1-minute closes of a symbol, keyed by the minute they close at
// (open time + 1 minute): the minute an equity mark taken at that boundary sees.
std::unordered_map<std::int64_t, double> closes_by_minute(const engine::Snapshot& s, core::SymbolId symbol,
                                                          std::size_t window) {
  std::unordered_map<std::int64_t, double> out;
  if (symbol >= s.bars.size() || !s.bars[symbol]) return out;
  const auto& series = *s.bars[symbol];
  const std::size_t from = series.size() > window ? series.size() - window : 0;
  for (std::size_t i = from; i < series.size(); ++i) {
    const auto& bar = series[i];
    out[core::epoch_ms(bar.open_time + std::chrono::minutes(1))] = bar.close.to_double();
  }
  return out;
}

std::int64_t minute_of(core::Timestamp t) noexcept {
  return core::epoch_ms(core::floor_to(t, std::chrono::minutes(1)));
}

json var_figures_json(const risk::ValueAtRisk& v, double equity) {
  return {{"var", v.var}, {"cvar", v.cvar}, {"var_amount", v.var * equity}, {"cvar_amount", v.cvar * equity}};
}

// Portfolio returns and a benchmark's over the same minutes: pairs of consecutive equity marks
// whose minutes both have a benchmark close.
struct Paired {
  std::vector<double> asset;
  std::vector<double> benchmark;
};
Paired paired_returns(const engine::Snapshot& s, core::SymbolId benchmark) {
  Paired out;
  const auto curve = curve_of(s);
  const auto closes = closes_by_minute(s, benchmark, curve.size() + 1);
  for (std::size_t i = 1; i < curve.size(); ++i) {
    auto a = closes.find(minute_of(curve[i - 1].ts));
    auto b = closes.find(minute_of(curve[i].ts));
    if (a == closes.end() || b == closes.end() || a->second <= 0 || curve[i - 1].equity <= 0) continue;
    out.asset.push_back(curve[i].equity / curve[i - 1].equity - 1.0);
    out.benchmark.push_back(b->second / a->second - 1.0);
  }
  return out;
}

// Returns of each held symbol over the minutes all of them have a close (oldest first).
json correlation_json(const engine::Snapshot& s) {
  json symbols = json::array();
  std::vector<std::unordered_map<std::int64_t, double>> closes;
  for (const auto& p : s.positions) {
    symbols.push_back(s.instruments->at(p.symbol).symbol);
    closes.push_back(closes_by_minute(s, p.symbol, kBarWindow));
  }
  std::vector<std::int64_t> common;
  if (!closes.empty()) {
    for (const auto& [minute, close] : closes.front())
      if (std::all_of(closes.begin() + 1, closes.end(), [m = minute](const auto& c) { return c.contains(m); }))
        common.push_back(minute);
    std::sort(common.begin(), common.end());
  }
  std::vector<std::vector<double>> returns;
  for (const auto& c : closes) {
    std::vector<risk::EquityPoint> series;
    series.reserve(common.size());
    for (auto minute : common) series.push_back({core::from_epoch_ms(minute), c.at(minute)});
    returns.push_back(risk::returns_of(series));
  }
  return {{"symbols", std::move(symbols)},
          {"matrix", risk::correlation_matrix(returns)},
          {"observations", returns.empty() ? 0 : returns.front().size()}};
}

}  // namespace

Exposure exposure_of(const engine::Snapshot& s) noexcept {
  Exposure e;
  for (const auto& p : s.positions) {
    const double value = core::saturating_notional(s.mark(p.symbol), p.state.quantity).to_double();
    (value >= 0 ? e.long_value : e.short_value) += std::abs(value);
  }
  e.gross = e.long_value + e.short_value;
  e.net = e.long_value - e.short_value;
  const double equity = s.equity().to_double();
  if (equity > 0) {
    e.gross_fraction = e.gross / equity;
    e.net_fraction = e.net / equity;
  }
  return e;
}

json exposure_json(const engine::Snapshot& s) {
  const auto e = exposure_of(s);
  const double equity = s.equity().to_double();
  json positions = json::array();
  for (const auto& p : s.positions) {
    const double value = core::saturating_notional(s.mark(p.symbol), p.state.quantity).to_double();
    positions.push_back({{"symbol", s.instruments->at(p.symbol).symbol},
                         {"market_value", value},
                         {"weight", equity > 0 ? value / equity : 0.0}});
  }
  return {{"long", e.long_value},
          {"short", e.short_value},
          {"gross", e.gross},
          {"net", e.net},
          {"gross_fraction", e.gross_fraction},
          {"net_fraction", e.net_fraction},
          {"positions", std::move(positions)}};
}

json metrics_json(const engine::Snapshot& s) {
  // Closing trades: a sell of a long position realises P&L (the ledger is long-only).
  std::vector<double> realized;
  double traded = 0.0;
  for (const auto& t : *s.trades) {
    if (t.side == core::Side::sell) realized.push_back(t.realized_pnl.to_double());
    traded += core::saturating_notional(t.price, t.quantity).to_double();
  }
  const auto stats = risk::trade_stats(realized);
  const auto curve = curve_of(s);
  const auto returns = risk::returns_of(curve);
  const auto dd = risk::drawdown(curve);
  const double annual = risk::mean(returns) * kMinutesPerYear;
  double mean_equity = s.equity().to_double();
  if (!curve.empty()) {
    std::vector<double> equities;
    equities.reserve(curve.size());
    for (const auto& p : curve) equities.push_back(p.equity);
    mean_equity = risk::mean(equities);
  }
  const double initial = s.initial_capital.to_double();
  const auto exposure = exposure_of(s);
  auto out = trade_stats_json(stats);
  out.update(nlohmann::json{{"total_return", initial > 0 ? s.equity().to_double() / initial - 1.0 : 0.0},
                            {"annualised_return", annual},
                            {"volatility", risk::sample_stdev(returns) * std::sqrt(kMinutesPerYear)},
                            {"sharpe_ratio", risk::sharpe(returns, kMinutesPerYear)},
                            {"sortino_ratio", risk::sortino(returns, kMinutesPerYear)},
                            {"calmar_ratio", risk::calmar(annual, dd.max_fraction)},
                            {"max_drawdown", dd.max_fraction},
                            {"max_drawdown_value", dd.max_value},
                            {"max_drawdown_duration_s", seconds(dd.max_duration)},
                            {"current_drawdown", dd.current_fraction},
                            {"traded_notional", traded},
                            {"turnover", mean_equity > 0 ? traded / mean_equity : 0.0},
                            {"exposure", exposure.gross_fraction},
                            {"net_exposure", exposure.net_fraction},
                            {"returns", returns.size()},
                            {"periods_per_year", kMinutesPerYear}});
  return out;
}

json var_json(const engine::Snapshot& s, double confidence, double horizon_days) {
  const auto returns = risk::returns_of(curve_of(s));
  const double periods = horizon_days * kMinutesPerDay;
  const double equity = s.equity().to_double();
  const auto historical = risk::scale_horizon(risk::historical_var(returns, confidence), periods);
  const auto parametric = risk::scale_horizon(risk::parametric_var(returns, confidence), periods);
  return {{"portfolio_id", s.portfolio_id},
          {"confidence", confidence},
          {"horizon_days", horizon_days},
          {"equity", equity},
          {"returns", {{"frequency", "1m"}, {"count", returns.size()}}},
          {"scaling", "square_root_of_time"},
          {"historical", var_figures_json(historical, equity)},
          {"parametric", var_figures_json(parametric, equity)},
          {"as_of", core::to_iso8601(s.published_at)}};
}

json risk_metrics_json(const engine::Snapshot& s, core::SymbolId benchmark) {
  const auto curve = curve_of(s);
  const auto returns = risk::returns_of(curve);
  const auto dd = risk::drawdown(curve);
  const auto paired = paired_returns(s, benchmark);
  return {{"portfolio_id", s.portfolio_id},
          {"equity", s.equity().to_double()},
          {"drawdown",
           {{"current", dd.current_fraction},
            {"max", dd.max_fraction},
            {"max_value", dd.max_value},
            {"max_duration_s", seconds(dd.max_duration)},
            {"peak_equity", money_json(s.risk.peak_equity)}}},
          {"volatility",
           {{"per_minute", risk::sample_stdev(returns)},
            {"annualised", risk::sample_stdev(returns) * std::sqrt(kMinutesPerYear)},
            {"returns", returns.size()}}},
          {"beta",
           {{"benchmark", s.instruments->at(benchmark).symbol},
            {"value", risk::beta(paired.asset, paired.benchmark)},
            {"correlation", risk::correlation(paired.asset, paired.benchmark)},
            {"observations", paired.asset.size()}}},
          {"correlation", correlation_json(s)},
          {"exposure", exposure_json(s)},
          {"as_of", core::to_iso8601(s.published_at)}};
}

}  // namespace meridian::api
