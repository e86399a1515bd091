#include "meridian/backtest/backtest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <span>
#include <stdexcept>

#include "meridian/engine/portfolio.hpp"
#include "meridian/engine/sim_clock.hpp"

namespace meridian::backtest {

namespace {

// The replay tape turns each bar into exactly four ticks (market::bar_ticks).
constexpr std::uint64_t kTicksPerBar = 4;
constexpr std::size_t kBatchTicks = 256;

// Keeps every k-th point and the last, so a curve of any length stays at most `limit` points.
std::vector<risk::EquityPoint> thin(const std::vector<risk::EquityPoint>& curve, std::size_t limit) {
  if (curve.size() <= limit) return curve;
  const std::size_t step = (curve.size() + limit - 2) / (limit - 1);
  std::vector<risk::EquityPoint> out;
  out.reserve(limit);
  for (std::size_t k = 0; k + 1 < curve.size(); k += step) out.push_back(curve[k]);
  out.push_back(curve.back());
  return out;
}

std::vector<risk::EquityPoint> drawdown_curve(const std::vector<risk::EquityPoint>& curve) {
  std::vector<risk::EquityPoint> out;
  out.reserve(curve.size());
  double peak = 0.0;
  for (const auto& p : curve) {
    peak = std::max(peak, p.equity);
    out.push_back({p.ts, peak > 0.0 ? p.equity / peak - 1.0 : 0.0});
  }
  return out;
}

// The last point of each UTC day: what Sharpe and Sortino are taken over.
std::vector<risk::EquityPoint> daily(std::span<const risk::EquityPoint> curve) {
  std::vector<risk::EquityPoint> out;
  for (const auto& p : curve) {
    const auto day = core::floor_to(p.ts, std::chrono::hours(24));
    if (!out.empty() && core::floor_to(out.back().ts, std::chrono::hours(24)) == day)
      out.back() = p;
    else
      out.push_back(p);
  }
  return out;
}

// Each spec symbol's bars as a view into `data`, when they lie there just as select() would
// copy them: the symbol's one series (the contract: a series holds one symbol) with its bars
// inside [from, to) one unbroken run. Otherwise (two series of a symbol, a mixed series, a
// range with holes, a symbol asked twice) nullopt, and run() plays select()'s copy. Reading
// the bars in place spares a copy of every bar played (~64 bytes each) and its allocation.
std::optional<std::vector<std::span<const core::Bar>>> in_place(const market::ReplayData& data,
                                                                const BacktestSpec& spec) {
  const auto& ids = spec.symbols;
  for (std::size_t k = 0; k < ids.size(); ++k)
    if (std::find(ids.begin() + static_cast<std::ptrdiff_t>(k) + 1, ids.end(), ids[k]) != ids.end())
      return std::nullopt;
  std::vector<std::span<const core::Bar>> out(ids.size());
  std::vector<bool> seen(ids.size(), false);
  for (const auto& series : data.series) {
    if (series.empty()) continue;
    const auto symbol = series.front().symbol;
    const auto it = std::find(ids.begin(), ids.end(), symbol);
    if (it == ids.end()) continue;
    const auto k = static_cast<std::size_t>(it - ids.begin());
    if (seen[k]) return std::nullopt;
    seen[k] = true;
    const std::size_t none = series.size();
    std::size_t first = none, end = none;
    for (std::size_t i = 0; i < series.size(); ++i) {
      const auto& bar = series[i];
      if (bar.symbol != symbol) return std::nullopt;
      const bool inside = bar.open_time >= spec.from && bar.open_time < spec.to;
      if (inside && first == none)
        first = i;
      else if (inside && end != none)
        return std::nullopt;  // a second run of bars in range
      else if (!inside && first != none && end == none)
        end = i;
    }
    if (first != none) out[k] = std::span<const core::Bar>(series.data() + first, end - first);
  }
  return out;
}

}  // namespace

std::string_view to_string(Status s) noexcept {
  return s == Status::completed ? "completed" : "cancelled";
}

double Progress::eta_seconds() const noexcept {
  const double rate = bars_per_second();
  return rate > 0 && bars_total > bars_done ? double(bars_total - bars_done) / rate : 0.0;
}

market::ReplayData select(const market::ReplayData& data, const BacktestSpec& spec) {
  market::ReplayData out;
  out.bad_rows = data.bad_rows;
  out.series.resize(spec.symbols.size());
  auto wanted = [&](core::SymbolId symbol) {
    return std::find(spec.symbols.begin(), spec.symbols.end(), symbol) != spec.symbols.end();
  };
  for (const auto& series : data.series) {
    // A series holds one symbol (run()'s contract; every source makes them so: one per CSV
    // file, per stored symbol, per simulated instrument): one not asked for is skipped whole
    // rather than read bar by bar (a year of 1m bars of each other symbol is ~34 MB to read).
    if (series.empty() || !wanted(series.front().symbol)) continue;
    for (const auto& bar : series) {
      if (bar.open_time < spec.from || bar.open_time >= spec.to) continue;
      for (std::size_t k = 0; k < spec.symbols.size(); ++k)
        if (spec.symbols[k] == bar.symbol) out.series[k].push_back(bar);
    }
  }
  return out;
}

std::vector<double> closed_pnls(std::span<const engine::Trade> trades) {
  std::vector<double> pnls;
  for (const auto& t : trades)
    if (t.side == core::Side::sell) pnls.push_back(t.realized_pnl.to_double());
  return pnls;
}

Metrics compute_metrics(double initial_capital, std::span<const risk::EquityPoint> curve,
                        std::span<const engine::Trade> trades, const engine::Ledger& ledger) {
  Metrics m;
  m.initial_capital = initial_capital;
  m.final_equity = curve.empty() ? initial_capital : curve.back().equity;
  m.total_return = initial_capital > 0 ? m.final_equity / initial_capital - 1.0 : 0.0;
  const auto dd = risk::drawdown(curve);
  m.max_drawdown = dd.max_fraction;
  m.max_drawdown_value = dd.max_value;
  m.max_drawdown_days = std::chrono::duration<double>(dd.max_duration).count() / 86400.0;
  if (curve.size() >= 2 && initial_capital > 0 && m.final_equity > 0) {
    const double years = std::chrono::duration<double>(curve.back().ts - curve.front().ts).count() / (365.0 * 86400.0);
    if (years > 0) m.annualized_return = std::pow(m.final_equity / initial_capital, 1.0 / years) - 1.0;
  }
  const auto returns = risk::returns_of(daily(curve));
  m.sharpe = risk::sharpe(returns, 365.0);
  m.sortino = risk::sortino(returns, 365.0);
  m.calmar = risk::calmar(m.annualized_return, m.max_drawdown);
  m.fees = ledger.fees_paid().to_double();
  m.fills = trades.size();
  m.closed = risk::trade_stats(closed_pnls(trades));
  return m;
}

Result run(const core::InstrumentTable& instruments, const BacktestSpec& spec, const market::ReplayData& data,
           const Control& control) {
  market::ReplayData copied;  // select()'s copy, only when the bars cannot be played in place
  auto series = in_place(data, spec);
  if (!series) {
    copied = select(data, spec);
    series.emplace(copied.series.begin(), copied.series.end());
  }
  Result result;
  for (const auto s : *series) result.progress.bars_total += s.size();

  execution::PaperExecutor executor(spec.paper, instruments);
  engine::JournalQueue journal(1 << 12);
  engine::PortfolioConfig config;
  config.initial_capital = spec.initial_capital;
  config.strategy = spec.strategy;
  config.limits = spec.limits;
  config.exits = spec.exits;
  config.autostart = false;
  config.journal_bars = false;        // nothing stores them: a backtest's bars are already stored or made up
  config.higher_timeframes = false;   // nothing charts them
  config.events = false;              // nobody listens
  config.journal_trades_only = true;  // the trades are all it keeps of the journal
  engine::Portfolio engine(instruments, config, executor, journal, {});
  if (auto err = engine.start(spec.strategy, spec.symbols)) throw std::invalid_argument(err->message);

  // The last price of each symbol: what open positions are marked at.
  std::vector<double> last(instruments.size(), 0.0);
  std::vector<risk::EquityPoint> curve;
  const double initial = spec.initial_capital.to_double();
  if (!series->empty()) {
    core::Timestamp first = core::Timestamp::max();
    for (const auto s : *series)
      if (!s.empty()) first = std::min(first, s.front().open_time);
    if (first != core::Timestamp::max()) curve.push_back({first, initial});
  }
  auto equity = [&] {
    const auto& ledger = engine.ledger();
    double value = ledger.cash().to_double();
    for (auto id : spec.symbols) value += ledger.position(id).quantity.to_double() * last[id];
    return value;
  };

  const auto started = std::chrono::steady_clock::now();
  std::uint64_t reported = 0;
  auto note_progress = [&](std::uint64_t ticks) {
    result.progress.bars_done = ticks / kTicksPerBar;
    result.progress.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  market::ReplayTape tape(*series);
  const auto sim = engine::run_tape(
      engine, journal, tape,
      [&](const engine::JournalEntry& e) {
        if (const auto* t = std::get_if<engine::TradeRecord>(&e.record)) result.trades.push_back(t->trade);
      },
      [&](const engine::SimRun& r, std::span<const core::Tick> batch) {
        for (const auto& t : batch) last[t.symbol] = t.last.to_double();
        curve.push_back({batch.back().ts, equity()});
        note_progress(r.ticks);
        if (control.on_progress && result.progress.bars_done - reported >= control.progress_every) {
          reported = result.progress.bars_done;
          control.on_progress(result.progress);
        }
        if (control.cancel && control.cancel->load(std::memory_order_relaxed)) {
          result.status = Status::cancelled;
          return false;
        }
        return true;
      },
      kBatchTicks);
  note_progress(sim.ticks);
  if (control.on_progress) control.on_progress(result.progress);
  result.ticks = sim.ticks;
  result.ledger = engine.ledger();
  result.metrics = compute_metrics(initial, curve, result.trades, result.ledger);
  result.daily_returns = risk::returns_of(daily(curve));
  result.drawdown = thin(drawdown_curve(curve), kCurvePoints);
  result.equity = thin(curve, kCurvePoints);
  return result;
}

}  // namespace meridian::backtest
