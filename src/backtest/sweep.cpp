#include "meridian/backtest/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "meridian/strategies/registry.hpp"

namespace meridian::backtest {

namespace {

using engine::ParamError;

constexpr std::string_view kRankNames[] = {"total_return", "annualized_return", "sharpe",   "sortino",   "calmar",
                                           "max_drawdown", "profit_factor",     "win_rate", "expectancy"};

// Grid values are lo + k * step; this slack keeps hi itself when (hi - lo) / step is a whole
// number that floating point lands just below.
constexpr double kStepSlack = 1e-9;

std::string number_text(double v) {
  return nlohmann::json(v).dump();
}

// A count held in a double (a grid's product may pass 2^64): whole digits while they fit.
std::string count_text(double n) {
  return n < 1e18 ? std::to_string(static_cast<std::uint64_t>(n)) : number_text(n);
}

// An axis checked against the class's schema: where its parameter sits and what it may take.
struct Resolved {
  std::size_t param = 0;
  const strategies::ParamSpec* spec = nullptr;
  std::vector<double> values;  // listed values, or the grid's (grid mode)
  double lo = 0, hi = 0;
  std::optional<double> step;
};

std::string field_of(const Axis& a) {
  return "sweep." + a.name;
}

std::optional<ParamError> check_value(const Axis& a, const strategies::ParamSpec& spec, double v) {
  if (auto msg = strategies::check_param(spec, v)) return ParamError{field_of(a), *msg};
  if (spec.kind == strategies::ParamKind::integer && v != std::floor(v))
    return ParamError{field_of(a), a.name + " must be an integer (got " + number_text(v) + ")"};
  return std::nullopt;
}

core::Result<Resolved, ParamError> resolve(const Axis& a, const strategies::StrategyClass& cls, bool grid,
                                           std::uint64_t max_values) {
  Resolved r;
  r.param = cls.params.size();
  for (std::size_t i = 0; i < cls.params.size(); ++i)
    if (cls.params[i].name == a.name) r.param = i;
  if (r.param == cls.params.size()) {
    std::string known;
    for (const auto& p : cls.params) known += (known.empty() ? "" : ", ") + std::string(p.name);
    return ParamError{field_of(a),
                      "unknown parameter " + a.name + " for " + std::string(cls.name) + "; it has " + known};
  }
  r.spec = &cls.params[r.param];
  const bool integer = r.spec->kind == strategies::ParamKind::integer;
  if (!a.values.empty()) {
    if (a.lo || a.hi || a.step)
      return ParamError{field_of(a), a.name + ": give either values or a range (from, to, step), not both"};
    for (double v : a.values)
      if (auto e = check_value(a, *r.spec, v)) return *e;
    r.values = a.values;
    std::sort(r.values.begin(), r.values.end());
    r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
    return r;
  }
  r.lo = a.lo.value_or(r.spec->min);
  r.hi = a.hi.value_or(r.spec->max);
  if (auto e = check_value(a, *r.spec, r.lo)) return *e;
  if (auto e = check_value(a, *r.spec, r.hi)) return *e;
  if (r.lo > r.hi) return ParamError{field_of(a), a.name + ": the range's from must not exceed its to"};
  r.step = a.step;
  if (!r.step && integer && grid) r.step = 1.0;
  if (r.step) {
    if (!(*r.step > 0) || (integer && *r.step != std::floor(*r.step)))
      return ParamError{field_of(a), a.name + ": step must be " + (integer ? "a whole number above 0" : "above 0")};
  } else if (grid) {
    return ParamError{field_of(a), a.name + ": a grid over a number needs a step (or draw at random)"};
  }
  if (r.step) {
    const double count = std::floor((r.hi - r.lo) / *r.step + kStepSlack) + 1.0;
    if (grid && count > double(max_values))
      return ParamError{field_of(a),
                        a.name + " takes " + count_text(count) + " values; the limit is " + std::to_string(max_values) +
                            " combinations",
                        "too_large"};
    if (grid)
      for (std::uint64_t k = 0; double(k) < count; ++k) r.values.push_back(r.lo + double(k) * *r.step);
  }
  return r;
}

// One value of a random draw (see Axis).
double draw(const Resolved& r, std::mt19937_64& rng) {
  if (!r.values.empty()) return r.values[std::uniform_int_distribution<std::size_t>(0, r.values.size() - 1)(rng)];
  if (r.step) {
    const auto count = static_cast<std::uint64_t>(std::floor((r.hi - r.lo) / *r.step + kStepSlack));
    return r.lo + double(std::uniform_int_distribution<std::uint64_t>(0, count)(rng)) * *r.step;
  }
  if (r.spec->kind == strategies::ParamKind::integer)
    return double(std::uniform_int_distribution<std::int64_t>(std::int64_t(r.lo), std::int64_t(r.hi))(rng));
  return std::uniform_real_distribution<double>(r.lo, r.hi)(rng);
}

// Decodes a row as a strategy instance is: over the base strategy, by engine::decode_strategy.
core::Result<engine::StrategyConfig, ParamError> decode_row(const SweepSpec& spec, const std::vector<Resolved>& axes,
                                                            const std::vector<double>& row) {
  nlohmann::json j{{"class", spec.base.strategy.class_name}};
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const auto name = std::string(axes[k].spec->name);
    if (axes[k].spec->kind == strategies::ParamKind::integer)
      j[name] = static_cast<std::int64_t>(row[k]);
    else
      j[name] = row[k];
  }
  return engine::decode_strategy(j, spec.base.strategy);
}

}  // namespace

std::optional<RankBy> parse_rank(std::string_view text) {
  for (std::size_t k = 0; k < std::size(kRankNames); ++k)
    if (kRankNames[k] == text) return static_cast<RankBy>(k);
  return std::nullopt;
}

std::string_view to_string(RankBy r) noexcept {
  return kRankNames[static_cast<std::size_t>(r)];
}

std::string rank_names() {
  std::string out;
  for (auto name : kRankNames) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

double score(const Metrics& m, RankBy r) noexcept {
  switch (r) {
    case RankBy::total_return: return m.total_return;
    case RankBy::annualized_return: return m.annualized_return;
    case RankBy::sharpe: return m.sharpe;
    case RankBy::sortino: return m.sortino;
    case RankBy::calmar: return m.calmar;
    case RankBy::max_drawdown: return m.max_drawdown;
    case RankBy::profit_factor: return m.closed.profit_factor;
    case RankBy::win_rate: return m.closed.win_rate;
    case RankBy::expectancy: return m.closed.expectancy;
  }
  return 0.0;
}

bool better(double a, double b, RankBy r) noexcept {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return r == RankBy::max_drawdown ? a < b : a > b;
}

core::Result<Combinations, ParamError> expand(const SweepSpec& spec) {
  const auto* cls = strategies::find_strategy_class(spec.base.strategy.class_name);
  if (!cls) return ParamError{"strategy.class", "unknown strategy class"};
  if (spec.axes.empty()) return ParamError{"sweep", "a sweep needs at least one parameter to vary"};
  const bool grid = spec.random == 0;
  if (spec.random > spec.max_combinations)
    return ParamError{"random",
                      "random asks for " + std::to_string(spec.random) + " combinations; the limit is " +
                          std::to_string(spec.max_combinations),
                      "too_large"};

  Combinations out;
  std::vector<Resolved> axes;
  for (const auto& a : spec.axes) {
    if (std::find(out.names.begin(), out.names.end(), a.name) != out.names.end())
      return ParamError{field_of(a), a.name + " is swept twice"};
    auto r = resolve(a, *cls, grid, spec.max_combinations);
    if (!r) return r.error();
    axes.push_back(std::move(*r));
    out.names.push_back(a.name);
  }

  auto take = [&](std::vector<double> row) {
    auto decoded = decode_row(spec, axes, row);
    if (!decoded) {
      if (out.skipped++ == 0) out.skipped_reason = decoded.error().message;
      return;
    }
    out.values.push_back(std::move(row));
    out.strategies.push_back(std::move(*decoded));
  };

  if (grid) {
    double total = 1.0;
    for (const auto& r : axes) total *= double(r.values.size());
    if (total > double(spec.max_combinations))
      return ParamError{
          "sweep",
          "the grid has " + count_text(total) + " combinations; the limit is " + std::to_string(spec.max_combinations),
          "too_large"};
    // Odometer order: the last axis varies fastest.
    std::vector<std::size_t> at(axes.size(), 0);
    for (std::uint64_t n = 0; double(n) < total; ++n) {
      std::vector<double> row(axes.size());
      for (std::size_t k = 0; k < axes.size(); ++k) row[k] = axes[k].values[at[k]];
      take(std::move(row));
      for (std::size_t k = axes.size(); k-- > 0;) {
        if (++at[k] < axes[k].values.size()) break;
        at[k] = 0;
      }
    }
  } else {
    // Distinct draws; a draw the class refuses or already drawn is drawn again, a bounded number
    // of times (a space smaller than N gives fewer combinations rather than a loop forever).
    std::mt19937_64 rng(spec.seed);
    std::set<std::vector<double>> seen;
    const std::uint64_t attempts = 100 * spec.random + 1000;
    for (std::uint64_t k = 0; k < attempts && out.strategies.size() < spec.random; ++k) {
      std::vector<double> row(axes.size());
      for (std::size_t i = 0; i < axes.size(); ++i) row[i] = draw(axes[i], rng);
      if (seen.insert(row).second) take(std::move(row));
    }
  }
  if (out.strategies.empty())
    return ParamError{"sweep", "no combination is valid for " + std::string(cls->name) + ": " + out.skipped_reason};
  return out;
}

SweepResult sweep(const core::InstrumentTable& instruments, const SweepSpec& spec, const Combinations& combinations,
                  const market::ReplayData& data, const SweepControl& control) {
  const auto started = std::chrono::steady_clock::now();
  const std::size_t n = combinations.strategies.size();
  unsigned threads = spec.threads ? spec.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::clamp<std::size_t>(n, 1, threads));

  // Selected once: each backtest's own select() then copies only the range it plays.
  const auto selected = select(data, spec.base);
  std::vector<Metrics> metrics(n);
  std::vector<std::uint64_t> bars(n, 0);
  std::vector<char> finished(n, 0);  // not vector<bool>: workers write neighbouring slots
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex progress_mutex;
  std::uint64_t done = 0;
  std::vector<std::exception_ptr> errors(threads);
  auto stopped = [&] {
    return failed.load(std::memory_order_relaxed) ||
           (control.cancel && control.cancel->load(std::memory_order_relaxed));
  };

  auto work = [&](unsigned worker) {
    try {
      while (!stopped()) {
        const auto k = next.fetch_add(1, std::memory_order_relaxed);
        if (k >= n) return;
        BacktestSpec s = spec.base;
        s.strategy = combinations.strategies[k];
        Control c;
        c.cancel = control.cancel;
        const auto r = run(instruments, s, selected, c);
        if (r.status != Status::completed) return;
        metrics[k] = r.metrics;
        bars[k] = r.progress.bars_done;
        finished[k] = 1;
        if (control.on_progress) {
          std::lock_guard lock(progress_mutex);
          control.on_progress(
              {++done, n, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
        }
      }
    } catch (...) {
      errors[worker] = std::current_exception();
      failed = true;
    }
  };
  {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (unsigned w = 0; w < threads; ++w) pool.emplace_back(work, w);
  }  // joined here
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);

  SweepResult out;
  out.rank = spec.rank;
  out.names = combinations.names;
  out.combinations = n;
  out.skipped = combinations.skipped;
  out.threads = threads;
  for (std::size_t k = 0; k < n; ++k) {
    if (!finished[k]) {
      out.status = Status::cancelled;
      continue;
    }
    out.bars = std::max(out.bars, bars[k]);
    out.ranked.push_back(
        {k, combinations.values[k], combinations.strategies[k], metrics[k], score(metrics[k], spec.rank)});
  }
  std::sort(out.ranked.begin(), out.ranked.end(), [&](const SweepRun& a, const SweepRun& b) {
    if (better(a.score, b.score, spec.rank)) return true;
    if (better(b.score, a.score, spec.rank)) return false;
    return a.index < b.index;
  });
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace meridian::backtest
