#pragma once
// `meridiand backtest --strategy CLASS [--param k=v ...] --symbols A,B --from T --to T
//  [--data db|csv:FILE|sim:SEED] [--json out.json]`: one backtest, offline (no daemon, no
// engine of the daemon's; the database only to read bars with --data db). A progress line on
// a terminal (stderr), a summary table at the end (stdout), the full result as JSON on request.
// With `--sweep NAME=VALUES` (repeatable; backtest/sweep_request.hpp): a parameter sweep over
// the same bars, ranked (`--rank`, top 10 printed), or with `--walk-forward K` a walk-forward.
#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace meridian::app {

struct Config;

struct BacktestOptions {
  std::string strategy;
  std::vector<std::string> params;  // k=v; v is a JSON number, true/false, or else a string
  std::vector<std::string> symbols;
  std::string from;
  std::string to;
  std::string timeframe;  // the strategy's; empty: its default
  std::string data = "db";
  std::string json;  // where the result goes as JSON ("-": stdout); empty: nowhere
  double capital = 100'000;
  double fee_bps = -1;            // < 0: the paper executor's default
  double slippage_bps = -1;       // < 0: the paper executor's default
  std::uint64_t max_bars = 0;     // 0: backtest::kDefaultMaxBars
  std::uint64_t monte_carlo = 0;  // paths of each resampling; 0: none
  std::uint64_t seed = 1;         // the Monte Carlo's and the random sweep's
  // A sweep: each NAME=v1,v2,... or NAME=lo:hi[:step] or NAME (random: the schema's bounds).
  std::vector<std::string> sweeps;
  std::uint64_t random = 0;      // combinations drawn at random; 0: the full grid
  std::string rank;              // a backtest::RankBy name; empty: the default (sharpe)
  unsigned threads = 0;          // sweep workers; 0: every core
  std::size_t walk_forward = 0;  // windows; 0: a plain sweep
  double in_sample = 0.7;        // the walk-forward's in-sample fraction
};

// Exit code: 0 done; 1 database failure or an unwritable --json; 2 bad input (the field and
// why on stderr): unknown class or parameter, unknown symbol, bad range, no data, too large.
int run_backtest(const std::string& database_url, const BacktestOptions& options, std::ostream& out);

class BacktestCommand {
 public:
  explicit BacktestCommand(CLI::App& app);
  BacktestCommand(const BacktestCommand&) = delete;  // the app holds pointers to the options
  BacktestCommand& operator=(const BacktestCommand&) = delete;
  bool parsed() const;
  int run(const Config& config) const;

 private:
  CLI::App* backtest_;
  BacktestOptions options_;
};

}  // namespace meridian::app
