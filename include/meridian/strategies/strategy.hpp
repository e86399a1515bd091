#pragma once
// A streaming strategy: indicators update first, then on_bar decides. One instance
// covers many symbols and keeps per-symbol state, sized once at construction.
#include <optional>
#include <string_view>

#include "meridian/core/types.hpp"
#include "meridian/strategies/bar_view.hpp"
#include "meridian/strategies/signal.hpp"

namespace meridian::strategies {

class RsiSource;

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view class_name() const noexcept = 0;
  // Called on the engine strand for each closed bar of the strategy's timeframe. A caller that
  // runs several strategies on one bar builds the BarView once and hands it to each; a
  // core::Bar converts implicitly (one conversion per call).
  virtual std::optional<Signal> on_bar(const BarView& bar) = 0;
  // Bars needed before the first signal can be produced.
  virtual std::size_t warmup() const noexcept = 0;
  virtual void reset() noexcept = 0;
  // The indicator its owner may switch to a shared series (RsiSource::share): the RSI of the
  // classes that read one; null for a class with nothing to share.
  virtual RsiSource* shared_rsi() noexcept { return nullptr; }
};

}  // namespace meridian::strategies
