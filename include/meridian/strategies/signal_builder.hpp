#pragma once
// The parts of a Signal every strategy fills the same way, written once so the timestamp and
// price conventions cannot drift between strategies.
#include <string_view>

#include "meridian/core/types.hpp"
#include "meridian/strategies/signal.hpp"

namespace meridian::strategies {

// A signal for `bar` at its close: price = close, ts = close time (open_time + period).
// The caller adds strength and indicator values.
inline Signal make_signal(const core::Bar& bar, core::Side side, std::string_view strategy,
                          std::string_view reason) noexcept {
  Signal sig;
  sig.symbol = bar.symbol;
  sig.side = side;
  sig.price = bar.close;
  sig.ts = bar.open_time + core::period_of(bar.timeframe);
  sig.strategy = strategy;
  sig.reason = reason;
  return sig;
}

// Appends a named indicator value; names are static strings. Extra values beyond the
// signal's capacity are dropped rather than written out of bounds.
inline void add_value(Signal& sig, std::string_view name, double value) noexcept {
  if (sig.value_count < sig.values.size()) sig.values[sig.value_count++] = {name, value};
}

// `amount` as a fraction of `full`, clamped to [0, 1]. Degenerate input (NaN, a scale that is
// not positive) gives 0, so a strength is never NaN whatever the indicators produced.
inline double scaled_strength(double amount, double full) noexcept {
  if (!(full > 0.0)) return 0.0;
  const double ratio = amount / full;
  if (!(ratio > 0.0)) return 0.0;  // also NaN
  return ratio < 1.0 ? ratio : 1.0;
}

}  // namespace meridian::strategies
