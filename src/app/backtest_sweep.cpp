#include "backtest_sweep.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app_log.hpp"
#include "meridian/api/sweep_json.hpp"
#include "meridian/backtest/data.hpp"
#include "meridian/backtest/sweep_request.hpp"
#include "output_file.hpp"

namespace meridian::app {

namespace {

constexpr std::size_t kTop = 10;

// A token as JSON: a number stays a number; anything else is passed on as a string for the
// decoding to refuse, naming the parameter.
nlohmann::json token(const std::string& text) {
  auto v = nlohmann::json::parse(text, nullptr, false);
  return v.is_discarded() || !v.is_number() ? nlohmann::json(text) : v;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

// NAME=v1,v2 -> [v1, v2]; NAME=lo:hi[:step] -> {"from", "to", "step"}; NAME -> {} (the schema's
// bounds). What sweep_request.hpp's "sweep" object holds.
std::optional<std::pair<std::string, nlohmann::json>> axis_json(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == 0 || text.empty()) return std::nullopt;
  if (eq == std::string::npos) return std::pair{text, nlohmann::json::object()};
  const auto name = text.substr(0, eq), values = text.substr(eq + 1);
  if (values.find(':') != std::string::npos) {
    const auto parts = split(values, ':');
    if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
    nlohmann::json range{{"from", token(parts[0])}, {"to", token(parts[1])}};
    if (parts.size() == 3) range["step"] = token(parts[2]);
    return std::pair{name, range};
  }
  auto list = nlohmann::json::array();
  for (const auto& v : split(values, ',')) list.push_back(token(v));
  return std::pair{name, list};
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string cell(const std::string& text, int width) {
  return text.size() >= std::size_t(width) ? text + " " : text + std::string(std::size_t(width) - text.size(), ' ');
}

std::string param_text(const nlohmann::json& v) {
  return v.is_number_integer() ? std::to_string(v.get<std::int64_t>()) : fmt("%g", v.get<double>());
}

int param_width(const std::string& name) {
  return std::max<int>(8, int(name.size()) + 2);
}

// The columns after the parameters: the rank's metric, then the usual figures it is not.
struct Column {
  const char* title;
  backtest::RankBy metric;
  const char* format;
  double scale;
};
constexpr Column kColumns[] = {{"return", backtest::RankBy::total_return, "%.2f%%", 100.0},
                               {"max dd", backtest::RankBy::max_drawdown, "%.2f%%", 100.0},
                               {"sharpe", backtest::RankBy::sharpe, "%.2f", 1.0}};

void ranked_table(std::ostream& out, const backtest::SweepResult& r) {
  const auto metric = std::string(backtest::to_string(r.rank));
  const int metric_width = std::max<int>(10, int(metric.size()) + 2);
  std::string head = cell("#", 4);
  for (const auto& n : r.names) head += cell(n, param_width(n));
  head += cell(metric, metric_width);
  for (const auto& c : kColumns)
    if (c.metric != r.rank) head += cell(c.title, 10);
  out << "  " << head << cell("trades", 8) << "fees\n";
  for (std::size_t k = 0; k < r.ranked.size() && k < kTop; ++k) {
    const auto& run = r.ranked[k];
    const auto params = api::sweep_params_json(r.names, run);
    std::string line = cell(std::to_string(k + 1), 4);
    for (const auto& n : r.names) line += cell(param_text(params[n]), param_width(n));
    line += cell(fmt("%.4f", run.score), metric_width);
    for (const auto& c : kColumns)
      if (c.metric != r.rank) line += cell(fmt(c.format, c.scale * backtest::score(run.metrics, c.metric)), 10);
    out << "  " << line << cell(std::to_string(run.metrics.closed.trades), 8) << fmt("%.2f", run.metrics.fees) << "\n";
  }
}

void walk_forward_table(std::ostream& out, const backtest::WalkForwardResult& r) {
  const auto metric = std::string(backtest::to_string(r.rank));
  const int score_width = std::max<int>(12, int(metric.size()) + 6);
  constexpr int kTime = 26;
  std::string head =
      cell("window", 8) + cell("in sample from", kTime) + cell("out of sample from", kTime) + cell("to", kTime);
  for (const auto& n : r.names) head += cell(n, param_width(n));
  head += cell("in " + metric, score_width) + cell("out " + metric, score_width) + "out return";
  out << "  " << head << "\n";
  for (std::size_t k = 0; k < r.windows.size(); ++k) {
    const auto& w = r.windows[k];
    const auto params = api::sweep_params_json(r.names, w.best);
    std::string line = cell(std::to_string(k + 1), 8) + cell(core::to_iso8601(w.window.in_from), kTime) +
                       cell(core::to_iso8601(w.window.in_to), kTime) + cell(core::to_iso8601(w.window.out_to), kTime);
    for (const auto& n : r.names) line += cell(param_text(params[n]), param_width(n));
    line += cell(fmt("%.4f", w.best.score), score_width) + cell(fmt("%.4f", w.out_score), score_width) +
            fmt("%.2f%%", 100.0 * w.out_of_sample.total_return);
    out << "  " << line << "\n";
  }
  out << "  mean " << metric << ": in sample " << fmt("%.4f", r.mean_in_score) << ", out of sample "
      << fmt("%.4f", r.mean_out_score) << "; out-of-sample return compounded "
      << fmt("%.2f%%", 100.0 * r.out_of_sample_return) << "\n";
}

std::string progress_text(const backtest::SweepProgress& p) {
  constexpr int kWidth = 30;
  const double percent = p.total ? 100.0 * double(p.done) / double(p.total) : 100.0;
  const double eta = p.done ? p.seconds / double(p.done) * double(p.total - p.done) : 0.0;
  char line[160];
  std::snprintf(line, sizeof line, "\r[%-*.*s] %5.1f%%  %llu/%llu backtests  ETA %.0fs ", kWidth,
                static_cast<int>(percent / 100.0 * kWidth), "##############################", percent,
                static_cast<unsigned long long>(p.done), static_cast<unsigned long long>(p.total), eta);
  return line;
}

}  // namespace

int run_sweep(const std::string& database_url, const BacktestOptions& o, const nlohmann::json& request,
              std::ostream& out) {
  if (o.monte_carlo > 0) {
    app_log()->error("--monte-carlo applies to a single backtest, not to --sweep");
    return 2;
  }
  nlohmann::json j = request;
  auto& axes = j["sweep"] = nlohmann::json::object();
  for (const auto& text : o.sweeps) {
    auto axis = axis_json(text);
    if (!axis) {
      app_log()->error("--sweep '{}' must be NAME=v1,v2,... or NAME=lo:hi[:step] or NAME", text);
      return 2;
    }
    axes[axis->first] = std::move(axis->second);
  }
  if (o.random) {
    j["random"] = o.random;
    j["seed"] = o.seed;
  }
  if (!o.rank.empty()) j["rank"] = o.rank;
  if (o.threads) j["threads"] = o.threads;
  if (o.walk_forward) j["walk_forward"] = {{"windows", o.walk_forward}, {"in_sample", o.in_sample}};

  const core::InstrumentTable instruments(core::default_instruments());
  auto decoded = backtest::decode_sweep_request(j, instruments);
  if (!decoded) {
    app_log()->error("{}: {}", decoded.error().field, decoded.error().message);
    return 2;
  }
  const auto& r = decoded->request;
  int exit = 0;
  const auto data = load_cli_data(r.request, instruments, database_url, o, exit);
  if (!data) return exit;

  backtest::SweepControl control;
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  if (tty) control.on_progress = [](const backtest::SweepProgress& p) { std::cerr << progress_text(p) << std::flush; };

  std::string symbols;
  for (auto id : r.request.spec.symbols) symbols += (symbols.empty() ? "" : ",") + instruments.at(id).symbol;
  const auto& c = decoded->combinations;
  std::string what =
      std::string(r.walk_forward ? "walk-forward " : "sweep ") + std::string(r.request.spec.strategy.class_name) +
      " on " + symbols + " (" + backtest::to_string(r.request.data) + "), " + core::to_iso8601(r.request.spec.from) +
      " to " + core::to_iso8601(r.request.spec.to) + ": " + std::to_string(c.strategies.size()) + " combinations" +
      (c.skipped ? " (" + std::to_string(c.skipped) + " refused: " + c.skipped_reason + ")" : "") + ", ranked by " +
      std::string(backtest::to_string(r.sweep.rank));

  nlohmann::json doc{{"request", j}};
  if (r.walk_forward) {
    const auto result = backtest::walk_forward(instruments, r.sweep, c, decoded->windows, data->bars, control);
    if (tty) std::cerr << "\n";
    doc["walk_forward"] = api::walk_forward_json(result);
    if (o.json != "-") {
      out << what << ", " << result.windows.size() << " windows " << fmt("%.0f%%", 100.0 * r.walk_forward->in_sample)
          << " in sample: " << backtest::to_string(result.status) << " in " << fmt("%.1f s", result.seconds) << "\n";
      walk_forward_table(out, result);
    }
  } else {
    const auto result = backtest::sweep(instruments, r.sweep, c, data->bars, control);
    if (tty) std::cerr << "\n";
    doc["sweep"] = api::sweep_result_json(result);
    if (o.json != "-") {
      out << what << ": " << backtest::to_string(result.status) << ", " << result.bars << " bars each, "
          << result.threads << " threads, " << fmt("%.1f s", result.seconds) << "\n";
      ranked_table(out, result);
    }
  }
  if (!o.json.empty()) {
    Output output(o.json);
    if (output.is_open()) {
      output.write(doc.dump(2));
      output.write("\n");
    }
    if (!output.is_open() || !output.commit()) {
      app_log()->error("cannot write {}: {}", o.json, std::strerror(errno));
      return 1;
    }
  }
  return 0;
}

}  // namespace meridian::app
