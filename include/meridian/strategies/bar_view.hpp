#pragma once
// One closed bar as every strategy reads it: the bar itself (symbol, times and the fixed-point
// close that a signal quotes) and its prices and volume in double, converted once. Each
// conversion is a division; built once per bar by whoever runs several strategies on it (the
// engine's StrategyHost) instead of once per strategy.
#include "meridian/core/types.hpp"
#include "meridian/indicators/ohlcv.hpp"

namespace meridian::strategies {

struct BarView {
  // Implicit, so a lone strategy can still be handed a core::Bar (tests, warm-up); the bar
  // must outlive the view.
  BarView(const core::Bar& b) noexcept : bar(b), ohlcv(indicators::to_ohlcv(b)) {}

  const core::Bar& bar;
  indicators::Ohlcv ohlcv;  // exactly indicators::to_ohlcv(bar): the same doubles a strategy converted itself
};

}  // namespace meridian::strategies
