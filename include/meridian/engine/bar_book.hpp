#pragma once
// Every symbol's bars in every timeframe, on the engine strand: ticks -> 1m bars
// (market::BarAggregator) -> 5m..1d bars (market::TimeframeRollup), each timeframe's closed
// bars in a bounded BarHistory shared with snapshots, and each timeframe's forming bar.
// A tick costs the 1m update only; the roll-up runs once per closed minute.
#include <array>
#include <vector>

#include "meridian/engine/bar_history.hpp"
#include "meridian/market/bar_aggregator.hpp"
#include "meridian/market/timeframe_rollup.hpp"

namespace meridian::engine {

struct Snapshot;

class BarBook {
 public:
  // What one tick or one history minute closes: the 1m bar first, then the higher bars.
  struct Closed {
    std::array<core::Bar, 1 + 2 * market::TimeframeRollup::kHigher> bars{};
    std::size_t count = 0;
    const core::Bar* begin() const noexcept { return bars.data(); }
    const core::Bar* end() const noexcept { return bars.data() + count; }
    std::size_t size() const noexcept { return count; }
    bool empty() const noexcept { return count == 0; }
  };

  // Keeps the newest `bars_per_series` closed bars of each symbol and timeframe. Without
  // `higher_timeframes`, ticks make 1m bars only (a backtest: strategies read only those);
  // history minutes still go through the roll-up, whose late-minute check add_history uses.
  BarBook(std::size_t symbol_count, std::size_t bars_per_series, bool higher_timeframes = true);

  // Adds a tick; calls `on_closed(const core::Bar&)` for each bar it closes: the 1m bar,
  // then the higher bars, after each is in its history. Most ticks close nothing and cost
  // only the 1m update.
  template <class OnClosed>
  void on_tick(const core::Tick& tick, OnClosed&& on_closed) {
    const auto minute = minutes_.on_tick(tick);
    if (!minute) return;
    keep(*minute);
    on_closed(*minute);
    if (!higher_timeframes_) return;
    for (const auto& bar : roll_up(*minute)) {
      keep(bar);
      on_closed(bar);
    }
  }
  // A closed 1m bar from storage or generated history, oldest first. A higher bar whose
  // period began before the symbol's first history minute is not kept when it closes
  // during the history (its start is unknown, and the database may hold the whole of it);
  // the one still forming at the end goes on with the live minutes.
  Closed add_history(const core::Bar& minute);
  // A stored higher-timeframe bar from before the symbol's 1m history, oldest first and
  // before any add_history: the charts' longer past, which the minutes kept in memory do not
  // cover (a day of 1d bars needs a day of minutes). Kept as it is; nothing is rolled up.
  void add_stored(const core::Bar& bar) {
    if (bar.symbol < symbol_count_ && bar.timeframe != core::Timeframe::m1) keep(bar);
  }

  // The forming 1m bar of a symbol, if it has seen a tick.
  const core::Bar* open_minute(core::SymbolId symbol) const noexcept { return minutes_.partial(symbol); }
  const std::shared_ptr<const BarSeries>& series(core::Timeframe tf, core::SymbolId symbol) {
    return histories_[index(tf, symbol)].series();
  }
  // Puts the closed bars and the forming bars of the higher timeframes into `s` (its
  // `symbols` already copied).
  void publish(Snapshot& s);

 private:
  std::size_t index(core::Timeframe tf, core::SymbolId symbol) const noexcept {
    return static_cast<std::size_t>(tf) * symbol_count_ + symbol;
  }
  void keep(const core::Bar& bar) { histories_[index(bar.timeframe, bar.symbol)].push(bar); }
  market::TimeframeRollup::Closed roll_up(const core::Bar& minute) noexcept;

  std::size_t symbol_count_;
  bool higher_timeframes_;
  market::BarAggregator minutes_;
  market::TimeframeRollup rollup_;
  std::vector<BarHistory> histories_;           // [timeframe * symbol_count + symbol]
  std::vector<core::Timestamp> history_start_;  // per symbol: first history minute
};

}  // namespace meridian::engine
