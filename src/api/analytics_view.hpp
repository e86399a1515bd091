#pragma once
// Performance and risk figures of the portfolio, computed from one snapshot with the risk
// module's maths (risk/analytics.hpp) and rendered for the metrics, performance, VaR and risk
// routes. Any thread: reads the immutable snapshot only.
//
// Returns are simple returns between the per-minute equity marks (market time), annualised
// over kMinutesPerYear: the simulated and crypto markets never close.
#include <nlohmann/json.hpp>

#include "meridian/engine/snapshot.hpp"

namespace meridian::api {

inline constexpr double kMinutesPerYear = 365.0 * 24 * 60;
inline constexpr double kMinutesPerDay = 24 * 60;

// What is held, marked at the last trade price. Fractions are of equity (0 without equity).
struct Exposure {
  double long_value = 0.0;
  double short_value = 0.0;  // positive number
  double gross = 0.0;
  double net = 0.0;
  double gross_fraction = 0.0;
  double net_fraction = 0.0;
};
Exposure exposure_of(const engine::Snapshot& s) noexcept;

// {"trades", "wins", ..., "sharpe_ratio", "max_drawdown", ...}: see docs/api-shapes.md, Metrics.
nlohmann::json metrics_json(const engine::Snapshot& s);
// {"portfolio_id", "confidence", "horizon_days", "historical": {...}, "parametric": {...}, ...}.
nlohmann::json var_json(const engine::Snapshot& s, double confidence, double horizon_days);
// Drawdown, volatility, beta against `benchmark`, the correlation matrix of held symbols, exposure.
nlohmann::json risk_metrics_json(const engine::Snapshot& s, core::SymbolId benchmark);
nlohmann::json exposure_json(const engine::Snapshot& s);

}  // namespace meridian::api
