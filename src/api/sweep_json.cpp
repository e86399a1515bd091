#include "meridian/api/sweep_json.hpp"

#include "meridian/api/backtest_json.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "meridian/strategies/registry.hpp"

namespace meridian::api {

nlohmann::json sweep_progress_json(const backtest::SweepProgress& p) {
  return {{"done", p.done},
          {"total", p.total},
          {"percent", p.total ? 100.0 * double(p.done) / double(p.total) : 100.0},
          {"seconds", p.seconds}};
}

nlohmann::json sweep_params_json(const std::vector<std::string>& names, const backtest::SweepRun& run) {
  const auto* cls = strategies::find_strategy_class(run.strategy.class_name);
  auto out = nlohmann::json::object();
  for (std::size_t k = 0; k < names.size() && k < run.values.size(); ++k) {
    bool integer = false;
    if (cls)
      for (const auto& p : cls->params)
        if (p.name == names[k]) integer = p.kind == strategies::ParamKind::integer;
    if (integer)
      out[names[k]] = static_cast<std::int64_t>(run.values[k]);
    else
      out[names[k]] = run.values[k];
  }
  return out;
}

nlohmann::json sweep_result_json(const backtest::SweepResult& r) {
  auto ranked = nlohmann::json::array();
  for (std::size_t k = 0; k < r.ranked.size(); ++k) {
    const auto& run = r.ranked[k];
    ranked.push_back({{"rank", k + 1},
                      {"index", run.index},
                      {"params", sweep_params_json(r.names, run)},
                      {"score", run.score},
                      {"strategy", engine::strategy_json(run.strategy)},
                      {"metrics", backtest_metrics_json(run.metrics)}});
  }
  return {{"status", backtest::to_string(r.status)},
          {"rank", backtest::to_string(r.rank)},
          {"parameters", r.names},
          {"combinations", r.combinations},
          {"skipped", r.skipped},
          {"threads", r.threads},
          {"bars", r.bars},
          {"seconds", r.seconds},
          {"ranked", std::move(ranked)}};
}

nlohmann::json walk_forward_json(const backtest::WalkForwardResult& r) {
  auto windows = nlohmann::json::array();
  for (const auto& w : r.windows) {
    windows.push_back(
        {{"in_sample", {{"from", core::to_iso8601(w.window.in_from)}, {"to", core::to_iso8601(w.window.in_to)}}},
         {"out_of_sample", {{"from", core::to_iso8601(w.window.in_to)}, {"to", core::to_iso8601(w.window.out_to)}}},
         {"params", sweep_params_json(r.names, w.best)},
         {"strategy", engine::strategy_json(w.best.strategy)},
         {"combinations_ranked", w.ranked},
         {"in_sample_score", w.best.score},
         {"out_of_sample_score", w.out_score},
         {"in_sample_metrics", backtest_metrics_json(w.best.metrics)},
         {"out_of_sample_metrics", backtest_metrics_json(w.out_of_sample)}});
  }
  return {{"status", backtest::to_string(r.status)},
          {"rank", backtest::to_string(r.rank)},
          {"parameters", r.names},
          {"seconds", r.seconds},
          {"mean_in_sample_score", r.mean_in_score},
          {"mean_out_of_sample_score", r.mean_out_score},
          {"out_of_sample_return", r.out_of_sample_return},
          {"windows", std::move(windows)}};
}

}  // namespace meridian::api
