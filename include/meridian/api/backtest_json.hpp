#pragma once
// The JSON mapping of a backtest's progress and result, written once: the REST result, the WS
// `backtest` messages and `meridiand backtest --json` all use it.
//   progress: {"percent", "bars_done", "bars_total", "bars_per_second", "eta_seconds"}
//   result:   {"status", "progress", "metrics": {...}, "trades": [trade_json...],
//              "equity_curve": [{"time", "ts", "equity"}], "drawdown_curve": [{"time", "ts", "drawdown"}]}
#include <nlohmann/json.hpp>

#include "meridian/backtest/backtest.hpp"
#include "meridian/backtest/monte_carlo.hpp"

namespace meridian::api {

nlohmann::json backtest_progress_json(const backtest::Progress& p);
nlohmann::json backtest_metrics_json(const backtest::Metrics& m);
// {"paths", "steps", "final_return": {"p5", ...}, "max_drawdown", "longest_drawdown",
//  "probability_of_loss", "probability_drawdown_beyond"}
nlohmann::json monte_carlo_json(const backtest::Distribution& d);
nlohmann::json backtest_result_json(const backtest::Result& r, const core::InstrumentTable& instruments);

}  // namespace meridian::api
