#include "meridian/app/backtest_cmd.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app_log.hpp"
#include "backtest_sweep.hpp"
#include "meridian/api/backtest_json.hpp"
#include "meridian/app/config.hpp"
#include "meridian/backtest/data.hpp"
#include "meridian/backtest/monte_carlo.hpp"
#include "meridian/backtest/sweep.hpp"
#include "output_file.hpp"

namespace meridian::app {

namespace {

// The request object backtest::decode_request takes (what POST /api/backtest takes), from the
// flags: the CLI refuses exactly what the route refuses.
std::optional<nlohmann::json> request_json(const BacktestOptions& o) {
  nlohmann::json strategy{{"class", o.strategy}};
  if (!o.timeframe.empty()) strategy["timeframe"] = o.timeframe;
  for (const auto& p : o.params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      app_log()->error("--param '{}' must be name=value", p);
      return std::nullopt;
    }
    const auto text = p.substr(eq + 1);
    auto value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded() || value.is_object() || value.is_array()) value = text;
    strategy[p.substr(0, eq)] = std::move(value);
  }
  nlohmann::json j{
      {"strategy", std::move(strategy)}, {"symbols", o.symbols}, {"from", o.from}, {"to", o.to}, {"data", o.data},
      {"initial_capital", o.capital}};
  if (o.fee_bps >= 0) j["fee_bps"] = o.fee_bps;
  if (o.slippage_bps >= 0) j["slippage_bps"] = o.slippage_bps;
  return j;
}

std::string bar_text(const backtest::Progress& p) {
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(p.percent() / 100.0 * kWidth);
  char line[160];
  std::snprintf(line, sizeof line, "\r[%-*.*s] %5.1f%%  %llu/%llu bars  %.2fM bars/s  ETA %.0fs ", kWidth, filled,
                "##############################", p.percent(), static_cast<unsigned long long>(p.bars_done),
                static_cast<unsigned long long>(p.bars_total), p.bars_per_second() / 1e6, p.eta_seconds());
  return line;
}

struct MonteCarlo {
  backtest::Distribution trades, days;
};

void summary(std::ostream& out, const backtest::Result& r, const backtest::Request& request,
             const core::InstrumentTable& instruments, const std::optional<MonteCarlo>& mc) {
  const auto& m = r.metrics;
  std::string symbols;
  for (auto id : request.spec.symbols) symbols += (symbols.empty() ? "" : ",") + instruments.at(id).symbol;
  auto row = [&](const char* name, const std::string& value) {
    char line[128];
    std::snprintf(line, sizeof line, "  %-20s %s\n", name, value.c_str());
    out << line;
  };
  auto num = [](const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return std::string(buf);
  };
  out << "backtest " << request.spec.strategy.class_name << " on " << symbols << " ("
      << backtest::to_string(request.data) << "), " << core::to_iso8601(request.spec.from) << " to "
      << core::to_iso8601(request.spec.to) << ": " << backtest::to_string(r.status) << "\n";
  row("bars", std::to_string(r.progress.bars_done));
  row("bars/s", num("%.0f", r.progress.bars_per_second()));
  row("initial capital", num("%.2f", m.initial_capital));
  row("final equity", num("%.2f", m.final_equity));
  row("total return", num("%.2f %%", 100.0 * m.total_return));
  row("annualized return", num("%.2f %%", 100.0 * m.annualized_return));
  row("max drawdown", num("%.2f %%", 100.0 * m.max_drawdown));
  row("sharpe", num("%.2f", m.sharpe));
  row("sortino", num("%.2f", m.sortino));
  row("fills", std::to_string(m.fills));
  row("closed trades", std::to_string(m.closed.trades));
  row("win rate", num("%.1f %%", 100.0 * m.closed.win_rate));
  row("profit factor", num("%.2f", m.closed.profit_factor));
  row("fees", num("%.2f", m.fees));
  if (!mc) return;
  for (const auto* d : {&mc->trades, &mc->days}) {
    out << "monte carlo: " << d->paths << " paths of " << d->steps << (d == &mc->trades ? " trades" : " days")
        << (d == &mc->trades ? " (bootstrap)\n" : " (block bootstrap)\n");
    if (d->paths == 0) continue;
    auto spread = [&](const backtest::Percentiles& p, double scale, const char* fmt) {
      return num(fmt, scale * p.p5) + " / " + num(fmt, scale * p.p50) + " / " + num(fmt, scale * p.p95);
    };
    row("return p5/p50/p95", spread(d->final_return, 100.0, "%.2f %%"));
    row("max dd p5/p50/p95", spread(d->max_drawdown, 100.0, "%.2f %%"));
    row("P(loss)", num("%.3f", d->probability_of_loss));
  }
}

}  // namespace

std::optional<backtest::LoadedData> load_cli_data(const backtest::Request& request,
                                                  const core::InstrumentTable& instruments,
                                                  const std::string& database_url, const BacktestOptions& options,
                                                  int& exit) {
  core::Result<backtest::LoadedData, engine::ParamError> data = engine::ParamError{};
  try {
    data = backtest::load_data(request, instruments, database_url,
                               options.max_bars ? options.max_bars : backtest::kDefaultMaxBars);
  } catch (const std::exception& e) {
    app_log()->error("database error: {}", e.what());
    exit = 1;
    return std::nullopt;
  }
  if (!data) {
    app_log()->error("{}: {}", data.error().field, data.error().message);
    exit = 2;
    return std::nullopt;
  }
  if (data->bad_rows > 0) app_log()->warn("{} CSV rows skipped (see above)", data->bad_rows);
  return std::move(*data);
}

int run_backtest(const std::string& database_url, const BacktestOptions& o, std::ostream& out) {
  const core::InstrumentTable instruments(core::default_instruments());
  const auto j = request_json(o);
  if (!j) return 2;
  if (!o.sweeps.empty()) return run_sweep(database_url, o, *j, out);
  if (o.random || !o.rank.empty() || o.threads || o.walk_forward) {
    app_log()->error("--random, --rank, --threads and --walk-forward need --sweep");
    return 2;
  }
  auto request = backtest::decode_request(*j, instruments);
  if (!request) {
    app_log()->error("{}: {}", request.error().field, request.error().message);
    return 2;
  }
  int exit = 0;
  const auto data = load_cli_data(*request, instruments, database_url, o, exit);
  if (!data) return exit;

  backtest::Control control;
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  if (tty) {
    control.progress_every = 50'000;
    control.on_progress = [](const backtest::Progress& p) { std::cerr << bar_text(p) << std::flush; };
  }
  const auto result = backtest::run(instruments, request->spec, data->bars, control);
  if (tty) std::cerr << "\n";
  std::optional<MonteCarlo> mc;
  if (o.monte_carlo > 0) {
    backtest::MonteCarloSpec spec;
    spec.paths = o.monte_carlo;
    spec.seed = o.seed;
    mc = MonteCarlo{
        backtest::bootstrap_trades(backtest::closed_pnls(result.trades), result.metrics.initial_capital, spec),
        backtest::block_bootstrap_returns(result.daily_returns, spec)};
  }
  if (!o.json.empty()) {
    Output output(o.json);
    if (output.is_open()) {
      auto doc = api::backtest_result_json(result, instruments);
      doc["request"] = *j;
      if (mc)
        doc["monte_carlo"] = {{"trades", api::monte_carlo_json(mc->trades)},
                              {"daily_returns", api::monte_carlo_json(mc->days)}};
      output.write(doc.dump(2));
      output.write("\n");
    }
    if (!output.is_open() || !output.commit()) {
      app_log()->error("cannot write {}: {}", o.json, std::strerror(errno));
      return 1;
    }
  }
  if (o.json != "-") summary(out, result, *request, instruments, mc);
  return 0;
}

BacktestCommand::BacktestCommand(CLI::App& app) {
  backtest_ = app.add_subcommand("backtest", "Run a strategy over stored, CSV or simulated bars (the live engine)");
  backtest_->add_option("--strategy", options_.strategy, "Strategy class (e.g. sma_crossover)")->required();
  backtest_->add_option("--param", options_.params, "A strategy parameter, name=value (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  backtest_->add_option("--symbols", options_.symbols, "Symbols, comma separated")->required()->delimiter(',');
  backtest_->add_option("--from", options_.from, "First bar open time (ISO-8601 UTC or epoch ms)")->required();
  backtest_->add_option("--to", options_.to, "Bars opening before this time")->required();
  backtest_->add_option("--data", options_.data, "db (market_data), csv:FILE (one symbol) or sim:SEED");
  backtest_->add_option("--timeframe", options_.timeframe, "The strategy's timeframe (default: the class's)");
  backtest_->add_option("--capital", options_.capital, "Initial capital");
  backtest_->add_option("--fee-bps", options_.fee_bps, "Fee per fill in basis points (maker and taker)");
  backtest_->add_option("--slippage-bps", options_.slippage_bps, "Slippage in basis points");
  backtest_->add_option("--max-bars", options_.max_bars, "Refuse ranges of more one-minute bars than this");
  backtest_
      ->add_option("--monte-carlo", options_.monte_carlo,
                   "Monte Carlo paths over the result's trades and daily returns (0: none)")
      ->check(CLI::Range(std::uint64_t{0}, backtest::kMaxMonteCarloPaths));
  backtest_->add_option("--seed", options_.seed, "The Monte Carlo's and the random sweep's seed");
  backtest_
      ->add_option("--sweep", options_.sweeps,
                   "Sweep a parameter: NAME=v1,v2,... or NAME=lo:hi[:step] or NAME (with --random: the schema's "
                   "bounds); repeatable")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  backtest_->add_option("--random", options_.random, "Draw this many distinct combinations instead of the grid");
  backtest_->add_option("--rank", options_.rank, "Rank combinations by: " + backtest::rank_names());
  backtest_->add_option("--threads", options_.threads, "Sweep worker threads (default: every core)");
  backtest_->add_option("--walk-forward", options_.walk_forward,
                        "Walk-forward over this many windows: sweep each in sample, test the winner out of sample");
  backtest_->add_option("--in-sample", options_.in_sample, "The walk-forward's in-sample fraction of each window");
  backtest_->add_option("--json", options_.json,
                        "Write the full result (trades, curves, metrics) as JSON ('-': stdout)");
}

bool BacktestCommand::parsed() const {
  return backtest_->parsed();
}

int BacktestCommand::run(const Config& config) const {
  return run_backtest(config.database_url, options_, std::cout);
}

}  // namespace meridian::app
