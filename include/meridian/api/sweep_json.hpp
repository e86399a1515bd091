#pragma once
// The JSON mapping of a sweep's and a walk-forward's result, written once (the CLI's --json, and
// the REST result when a sweep route lands):
//   progress:     {"done", "total", "percent", "seconds"}           (combinations' backtests)
//   sweep:        {"status", "rank", "parameters": [names], "combinations", "skipped", "threads",
//                  "bars", "seconds", "ranked": [run...]}            (best first)
//   run:          {"rank": 1, "index", "params": {name: value}, "score", "strategy": {...},
//                  "metrics": backtest_metrics_json}
//   walk_forward: {"status", "rank", "parameters", "seconds", "mean_in_sample_score",
//                  "mean_out_of_sample_score", "out_of_sample_return",
//                  "windows": [{"in_sample": {"from", "to"}, "out_of_sample": {"from", "to"},
//                               "params", "strategy", "combinations_ranked", "in_sample_score",
//                               "out_of_sample_score", "in_sample_metrics", "out_of_sample_metrics"}]}
#include <nlohmann/json.hpp>

#include "meridian/backtest/sweep.hpp"
#include "meridian/backtest/walk_forward.hpp"

namespace meridian::api {

nlohmann::json sweep_progress_json(const backtest::SweepProgress& p);
// A combination's values by parameter name (integers for the schema's integer parameters).
nlohmann::json sweep_params_json(const std::vector<std::string>& names, const backtest::SweepRun& run);
nlohmann::json sweep_result_json(const backtest::SweepResult& r);
nlohmann::json walk_forward_json(const backtest::WalkForwardResult& r);

}  // namespace meridian::api
