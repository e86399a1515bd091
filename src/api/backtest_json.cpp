#include "meridian/api/backtest_json.hpp"

#include "meridian/api/json_types.hpp"
#include "meridian/api/trade_stats_json.hpp"

namespace meridian::api {

namespace {
nlohmann::json curve_json(const std::vector<risk::EquityPoint>& curve, const char* name) {
  auto out = nlohmann::json::array();
  for (const auto& p : curve)
    out.push_back({{"time", core::to_iso8601(p.ts)}, {"ts", core::epoch_ms(p.ts)}, {name, p.equity}});
  return out;
}
nlohmann::json percentiles_json(const backtest::Percentiles& p) {
  return {{"p5", p.p5}, {"p25", p.p25}, {"p50", p.p50}, {"p75", p.p75}, {"p95", p.p95}};
}
}  // namespace

nlohmann::json monte_carlo_json(const backtest::Distribution& d) {
  return {{"paths", d.paths},
          {"steps", d.steps},
          {"final_return", percentiles_json(d.final_return)},
          {"max_drawdown", percentiles_json(d.max_drawdown)},
          {"longest_drawdown", percentiles_json(d.longest_drawdown)},
          {"probability_of_loss", d.probability_of_loss},
          {"probability_drawdown_beyond", d.probability_drawdown_beyond}};
}

nlohmann::json backtest_progress_json(const backtest::Progress& p) {
  return {{"percent", p.percent()},
          {"bars_done", p.bars_done},
          {"bars_total", p.bars_total},
          {"bars_per_second", p.bars_per_second()},
          {"eta_seconds", p.eta_seconds()}};
}

nlohmann::json backtest_metrics_json(const backtest::Metrics& m) {
  // The closing trades' figures (trades, wins, win_rate, ...) as a portfolio's /metrics has them.
  auto out = trade_stats_json(m.closed);
  out.update(nlohmann::json{{"initial_capital", m.initial_capital},
                            {"final_equity", m.final_equity},
                            {"total_return", m.total_return},
                            {"annualized_return", m.annualized_return},
                            {"max_drawdown", m.max_drawdown},
                            {"max_drawdown_value", m.max_drawdown_value},
                            {"max_drawdown_days", m.max_drawdown_days},
                            {"sharpe", m.sharpe},
                            {"sortino", m.sortino},
                            {"calmar", m.calmar},
                            {"fees", m.fees},
                            {"fills", m.fills}});
  return out;
}

nlohmann::json backtest_result_json(const backtest::Result& r, const core::InstrumentTable& instruments) {
  auto trades = nlohmann::json::array();
  for (const auto& t : r.trades) trades.push_back(trade_json(t, instruments));
  return {{"status", backtest::to_string(r.status)},        {"progress", backtest_progress_json(r.progress)},
          {"metrics", backtest_metrics_json(r.metrics)},    {"trades", std::move(trades)},
          {"equity_curve", curve_json(r.equity, "equity")}, {"drawdown_curve", curve_json(r.drawdown, "drawdown")}};
}

}  // namespace meridian::api
