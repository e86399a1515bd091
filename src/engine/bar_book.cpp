#include "meridian/engine/bar_book.hpp"

#include <chrono>

#include "meridian/engine/snapshot.hpp"

namespace meridian::engine {

BarBook::BarBook(std::size_t symbol_count, std::size_t bars_per_series, bool higher_timeframes)
    : symbol_count_(symbol_count),
      higher_timeframes_(higher_timeframes),
      minutes_(core::Timeframe::m1, symbol_count),
      rollup_(symbol_count),
      history_start_(symbol_count, core::Timestamp::max()) {
  histories_.reserve(kTimeframeCount * symbol_count);
  for (std::size_t i = 0; i < kTimeframeCount * symbol_count; ++i) histories_.emplace_back(bars_per_series);
}

market::TimeframeRollup::Closed BarBook::roll_up(const core::Bar& minute) noexcept {
  // A tick of a later minute closed it: periods over before that minute close now, not when
  // the later minute closes.
  const core::Bar* next = minutes_.partial(minute.symbol);
  return rollup_.on_minute(minute, next ? next->open_time : minute.open_time + std::chrono::minutes(1));
}

BarBook::Closed BarBook::add_history(const core::Bar& minute) {
  Closed out;
  if (minute.symbol >= symbol_count_) return out;
  const auto higher = rollup_.on_minute(minute);
  if (higher.ignored) return out;
  auto& start = history_start_[minute.symbol];
  if (start == core::Timestamp::max()) start = minute.open_time;
  minutes_.resume_after(minute);
  keep(minute);
  out.bars[out.count++] = minute;
  for (const auto& bar : higher) {
    if (bar.open_time < start) continue;
    keep(bar);
    out.bars[out.count++] = bar;
  }
  return out;
}

void BarBook::publish(Snapshot& s) {
  s.bars.resize(symbol_count_);
  for (auto& tf : s.higher) tf.resize(symbol_count_);
  for (core::SymbolId id = 0; id < symbol_count_; ++id) {
    s.bars[id] = series(core::Timeframe::m1, id);
    const core::Bar* minute = open_minute(id);
    for (std::size_t i = 0; i < market::TimeframeRollup::kHigher; ++i) {
      const auto tf = market::TimeframeRollup::kTimeframes[i];
      s.higher[i][id] = series(tf, id);
      if (id < s.symbols.size()) s.symbols[id].forming[i] = rollup_.forming(id, tf, minute);
    }
  }
}

}  // namespace meridian::engine
