#pragma once
// Indicators that several strategies read, computed once per bar (engine::StrategyHost's pool,
// one per portfolio). Keyed by kind and parameters (today: the RSI of closes, by period, which
// RSI mean reversion and Stochastic RSI cross both need), one series per symbol. The owner feeds
// each bar to the pool before any strategy reading it decides; strategies only read.
//
// Contract that makes sharing exact: every reader of an entry is handed the same bars of its
// symbol, in the same order, as the pool (StrategyHost's sharing contract). A shared indicator
// then holds, bit for bit, the state each reader would have computed alone.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "meridian/indicators/conventions.hpp"
#include "meridian/indicators/rsi.hpp"
#include "meridian/strategies/bar_view.hpp"

namespace meridian::strategies {

// An RSI of closes with its value kept from the last update, so several readers of a pooled
// RSI share one division too.
struct RsiValue {
  explicit RsiValue(std::size_t period) : rsi(period) {}
  void update(double close) noexcept {
    rsi.update(close);
    value = rsi.value();
  }
  void reset() noexcept {
    rsi.reset();
    value = indicators::kNoValue;
  }
  bool ready() const noexcept { return rsi.ready(); }
  // Bit for bit the same state and last value: fed the same closes, both read the same.
  bool identical(const RsiValue& other) const noexcept {
    return rsi.identical(other.rsi) && std::bit_cast<std::uint64_t>(value) == std::bit_cast<std::uint64_t>(other.value);
  }

  indicators::Rsi rsi;
  double value = indicators::kNoValue;  // rsi.value() after the last update
};

class IndicatorPool {
 public:
  explicit IndicatorPool(std::size_t symbol_count) noexcept : symbols_(symbol_count) {}
  IndicatorPool(const IndicatorPool&) = delete;
  IndicatorPool& operator=(const IndicatorPool&) = delete;

  // The RSI(period) of closes, indexed by symbol id: the same series for every caller asking
  // for that period, valid as long as the pool. Throws std::invalid_argument for a period the
  // RSI rejects.
  std::span<const RsiValue> rsi(std::size_t period);
  // Feeds the bar to every pooled indicator of its symbol; a symbol outside the pool is ignored.
  void update(const BarView& bar) noexcept {
    const auto symbol = bar.bar.symbol;
    if (symbol >= symbols_) return;
    for (auto& series : rsi_) series->per_symbol[symbol].update(bar.ohlcv.close);
  }
  // The owner sets one symbol's RSI(period) to `state` (throws std::out_of_range for a symbol
  // outside the pool; creates the series if needed): how a
  // strategy that computed its RSI alone hands its state over before it reads the pool's
  // (engine::StrategyHost, only for an entry that no strategy still reading it would see change).
  void seed_rsi(std::size_t period, core::SymbolId symbol, const RsiValue& state);
  std::size_t symbol_count() const noexcept { return symbols_; }

 private:
  struct RsiSeries {
    std::size_t period;
    std::vector<RsiValue> per_symbol;
  };
  RsiSeries& series_of(std::size_t period);  // created on first use
  std::size_t symbols_;
  std::vector<std::unique_ptr<RsiSeries>> rsi_;  // boxed: a series stays put as others are added
};

// A strategy's RSI per symbol: its own (as constructed; it updates it on each bar) or a pooled
// one (after its owner's share(); the pool's owner updates it before the strategy runs).
class RsiSource {
 public:
  RsiSource(std::size_t period, std::size_t symbol_count);
  RsiSource(const RsiSource&) = delete;  // series_ may point into own_
  RsiSource& operator=(const RsiSource&) = delete;
  RsiSource(RsiSource&&) noexcept = default;  // a moved vector keeps its buffer
  RsiSource& operator=(RsiSource&&) noexcept = default;

  // Called by the strategy with each bar it receives: updates its own RSI; a pooled one is
  // already up to date. The caller has checked the symbol against size().
  void update(const BarView& bar) noexcept {
    if (!pooled_) own_[bar.bar.symbol].update(bar.ohlcv.close);
  }
  const RsiValue& operator[](core::SymbolId symbol) const noexcept { return series_[symbol]; }
  std::size_t size() const noexcept { return series_.size(); }
  std::size_t period() const noexcept { return period_; }
  // Resets its own RSI; a pooled one is its pool owner's (StrategyHost::reset unshares first).
  void reset() noexcept {
    for (auto& r : own_) r.reset();
  }

  // Whether it reads a pool's series rather than its own.
  bool pooled() const noexcept { return pooled_; }
  // Its own RSI per symbol (empty while pooled): the state a pool's entry must equal, bit for
  // bit, before this source may read that entry instead.
  std::span<const RsiValue> own() const noexcept { return own_; }
  // Reads `series` (a pool's RSI of period(), size() entries) from now on and drops its own.
  // The caller's contract, which keeps every value exactly what its own would have been: for
  // each symbol the strategy is still to be handed bars of, the entry is identical() to own()'s
  // now, and the pool is fed exactly the bars of that symbol the strategy is, before it runs.
  void share(std::span<const RsiValue> series) noexcept;
  // Its own RSI again, as after reset(): the strategy starts over (its owner resets it too).
  void unshare();

 private:
  std::size_t period_;
  std::vector<RsiValue> own_;
  std::span<const RsiValue> series_;
  bool pooled_ = false;
};

}  // namespace meridian::strategies
