#pragma once
// A parameter sweep: the same backtest (backtest::run, the live engine on a simulated clock) for
// every combination of a strategy class's parameters, over the SAME read-only bars, ranked by
// one metric. A grid (every value of every axis) or N combinations drawn at random (seeded).
//
// Each combination is decoded as a strategy instance is (engine::decode_strategy over the base
// strategy), so a sweep refuses what POST /api/strategies refuses. Each value is checked against
// the class's schema first (the error names the parameter); a grid row only the class's rules
// across parameters refuse (e.g. fast_period >= slow_period) is skipped and counted, not fatal.
//
// Threads: sweep() runs the combinations on `threads` workers (std::jthread). The workers share
// the read-only bars and an atomic index of the next combination; each runs its own engine and
// writes only its own combinations' slots. Results do not depend on the thread count.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/backtest/backtest.hpp"
#include "meridian/core/error.hpp"
#include "meridian/engine/strategy_params.hpp"

namespace meridian::backtest {

// What the combinations are ranked by: the higher the better, except max_drawdown.
enum class RankBy : std::uint8_t {
  total_return,
  annualized_return,
  sharpe,
  sortino,
  calmar,
  max_drawdown,
  profit_factor,
  win_rate,
  expectancy
};
std::optional<RankBy> parse_rank(std::string_view text);
std::string_view to_string(RankBy r) noexcept;
std::string rank_names();  // "total_return, annualized_return, ..." for error messages
double score(const Metrics& m, RankBy r) noexcept;
// Whether score `a` ranks before score `b`; a NaN ranks after any number.
bool better(double a, double b, RankBy r) noexcept;

// One parameter of the class's schema and the values it takes.
//   grid:   `values` if given; else lo, lo + step, ... up to hi (lo/hi default to the schema's
//           min/max; step defaults to 1 for an integer parameter and is required for a number).
//   random: a value of `values` if given; else a multiple of `step` above lo if a step is
//           given; else uniform in [lo, hi] (whole numbers for an integer parameter).
struct Axis {
  std::string name;
  std::vector<double> values;
  std::optional<double> lo, hi, step;
};

inline constexpr std::uint64_t kMaxCombinations = 10'000;

struct SweepSpec {
  BacktestSpec base;  // its strategy names the class; parameters not swept keep its values
  std::vector<Axis> axes;
  std::uint64_t random = 0;  // 0: the full grid; N: N distinct combinations drawn at random
  std::uint64_t seed = 1;    // the random draw's
  RankBy rank = RankBy::sharpe;
  unsigned threads = 0;  // 0: std::thread::hardware_concurrency()
  std::uint64_t max_combinations = kMaxCombinations;
};

// The combinations a spec asks for, each already decoded (row k of `values` is strategy k).
struct Combinations {
  std::vector<std::string> names;           // the axes' parameters, in order
  std::vector<std::vector<double>> values;  // one row per combination, one value per axis
  std::vector<engine::StrategyConfig> strategies;
  std::uint64_t skipped = 0;   // rows the class's cross-parameter rules refused
  std::string skipped_reason;  // the first such refusal
};

// Errors (engine::ParamError): an unknown or repeated parameter, a value outside the schema or
// not a whole number for an integer parameter (named "sweep.<name>"); a bad range or step; more
// combinations than spec.max_combinations ("too_large", naming the count and the limit); no
// combination the class accepts. Pure: any thread.
core::Result<Combinations, engine::ParamError> expand(const SweepSpec& spec);

struct SweepProgress {
  std::uint64_t done = 0;  // backtests finished
  std::uint64_t total = 0;
  double seconds = 0.0;
};

struct SweepControl {
  // Checked before each combination and by each running backtest (backtest::Control): a
  // cancelled sweep stops within a batch of ticks and ranks only the combinations it finished.
  const std::atomic<bool>* cancel = nullptr;
  // Called after each finished combination on the worker that ran it, one call at a time (a
  // mutex serialises them: the callback need not be thread-safe), done counting up.
  std::function<void(const SweepProgress&)> on_progress;
};

struct SweepRun {
  std::size_t index = 0;       // the combination's row in Combinations
  std::vector<double> values;  // one per axis
  engine::StrategyConfig strategy{};
  Metrics metrics{};
  double score = 0.0;  // metrics by the sweep's rank
};

struct SweepResult {
  Status status = Status::completed;
  RankBy rank = RankBy::sharpe;
  std::vector<std::string> names;
  std::vector<SweepRun> ranked;  // every finished combination, best first (ties: lower index first)
  std::uint64_t combinations = 0;
  std::uint64_t skipped = 0;
  std::uint64_t bars = 0;  // bars each backtest played
  unsigned threads = 0;    // workers used
  double seconds = 0.0;    // wall time
};

// Runs every combination over `data` (as backtest::run takes it) with spec.base's range and
// symbols. A backtest that throws (a broken invariant) is rethrown here after the workers stop.
SweepResult sweep(const core::InstrumentTable& instruments, const SweepSpec& spec, const Combinations& combinations,
                  const market::ReplayData& data, const SweepControl& control = {});

}  // namespace meridian::backtest
