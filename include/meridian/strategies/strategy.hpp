#pragma once
// A streaming strategy: indicators update first, then on_bar decides. One instance
// covers many symbols and keeps per-symbol state, sized once at construction.
#include <optional>
#include <string_view>

#include "meridian/core/types.hpp"
#include "meridian/indicators/ohlcv.hpp"
#include "meridian/strategies/signal.hpp"

namespace meridian::strategies {

// One closed bar as every strategy of a portfolio reads it: the fixed-point bar (a signal's
// price and time come from it exactly) and its prices in double, converted once per bar for all
// strategies (each conversion is a division; seven strategies converting their own cost ~17 of
// them per bar). Built by bar_input(); `bar` must outlive it.
struct BarInput {
  const core::Bar& bar;
  indicators::Ohlcv ohlcv;
};

inline BarInput bar_input(const core::Bar& bar) noexcept {
  return {bar, indicators::to_ohlcv(bar)};
}

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view class_name() const noexcept = 0;
  // Called on the engine strand for each closed bar of the strategy's timeframe. The engine
  // converts the bar once (bar_input) and hands the same input to every strategy.
  virtual std::optional<Signal> on_bar(const BarInput& in) = 0;
  // One strategy on its own (tests, tools): converts the bar itself.
  std::optional<Signal> on_bar(const core::Bar& bar) { return on_bar(bar_input(bar)); }
  // Bars needed before the first signal can be produced.
  virtual std::size_t warmup() const noexcept = 0;
  virtual void reset() noexcept = 0;
};

}  // namespace meridian::strategies
