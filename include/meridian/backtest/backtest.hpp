#pragma once
// A backtest: the live engine (engine::Portfolio with a PaperExecutor) driven by a simulated
// clock (engine/sim_clock.hpp) over bars given in memory. Same bar aggregation, strategy
// instances, risk checks and paper fill model as live; its own in-memory portfolio and journal
// ring, so it never touches the live portfolio or any table. Thread-safe in the sense that
// runs share nothing: any thread may run one, many may run at once.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/ledger.hpp"
#include "meridian/engine/session.hpp"
#include "meridian/engine/trade.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/market/replay_feed.hpp"
#include "meridian/risk/analytics.hpp"
#include "meridian/risk/pre_trade.hpp"

namespace meridian::backtest {

struct BacktestSpec {
  engine::StrategyConfig strategy{};  // validated as a strategy instance is (engine::decode_strategy)
  std::vector<core::SymbolId> symbols;
  core::Timestamp from{};  // bars opening at or after it
  core::Timestamp to{};    // bars opening before it
  core::Money initial_capital = core::Money::from_units(100'000);
  execution::PaperConfig paper{};  // fees, slippage, impact, latency: the live defaults unless overridden
  risk::Limits limits{};
  engine::ExitRules exits{};
};

struct Progress {
  std::uint64_t bars_done = 0;
  std::uint64_t bars_total = 0;
  double seconds = 0.0;  // wall time so far
  double percent() const noexcept { return bars_total ? 100.0 * double(bars_done) / double(bars_total) : 100.0; }
  double bars_per_second() const noexcept { return seconds > 0 ? double(bars_done) / seconds : 0.0; }
  double eta_seconds() const noexcept;
};

struct Metrics {
  double initial_capital = 0.0;
  double final_equity = 0.0;
  double total_return = 0.0;       // fraction
  double annualized_return = 0.0;  // compounded over the range's calendar time
  double max_drawdown = 0.0;       // fraction of the peak
  double max_drawdown_value = 0.0;
  double max_drawdown_days = 0.0;
  double sharpe = 0.0;  // daily returns, 365 a year (markets here trade every day)
  double sortino = 0.0;
  double calmar = 0.0;
  double fees = 0.0;
  std::uint64_t fills = 0;  // every trade (buys and sells)
  risk::TradeStats closed{};
};

enum class Status : std::uint8_t { completed, cancelled };
std::string_view to_string(Status s) noexcept;

struct Result {
  Status status = Status::completed;
  std::vector<engine::Trade> trades;
  engine::Ledger ledger{core::Money{}, 0};  // the backtest portfolio's ledger at the end
  Metrics metrics{};
  // Equity marked at the last close of every symbol held, sampled after each batch of ticks
  // and thinned to at most kCurvePoints (the last point always kept); drawdown is the fall
  // from the running peak as a fraction (0 or negative) at the same times.
  std::vector<risk::EquityPoint> equity;
  std::vector<risk::EquityPoint> drawdown;
  // Simple returns between the last marks of consecutive UTC days (what Sharpe is taken over,
  // and what a Monte Carlo block bootstrap resamples).
  std::vector<double> daily_returns;
  Progress progress{};
  std::uint64_t ticks = 0;
};
inline constexpr std::size_t kCurvePoints = 2000;

struct Control {
  // Checked after every batch of ticks (a few hundred bars at most): stops within a batch.
  const std::atomic<bool>* cancel = nullptr;
  // Called after a batch when at least `progress_every` bars went by since the last call, and
  // once at the end; on the running thread.
  std::function<void(const Progress&)> on_progress;
  std::uint64_t progress_every = 100'000;
};

// Runs the spec over `data` (1-minute or larger bars, one series per symbol, oldest first; only
// the spec's symbols and range are used). The spec's strategy must be valid (the engine's
// start() refuses it otherwise: std::invalid_argument with its message).
Result run(const core::InstrumentTable& instruments, const BacktestSpec& spec, const market::ReplayData& data,
           const Control& control = {});

// Keeps, of `data` (one series per symbol, as run() takes it), each bar of the spec's symbols
// opening inside [from, to), one series per symbol in the spec's order. What run() plays.
market::ReplayData select(const market::ReplayData& data, const BacktestSpec& spec);

// The realised P&L of each closing trade (the sells: positions are long only), in order: what
// the trade statistics and a Monte Carlo bootstrap take.
std::vector<double> closed_pnls(std::span<const engine::Trade> trades);

// The metrics of a finished run (also what run() fills in); `curve` oldest first.
Metrics compute_metrics(double initial_capital, std::span<const risk::EquityPoint> curve,
                        std::span<const engine::Trade> trades, const engine::Ledger& ledger);

}  // namespace meridian::backtest
