#include "meridian/strategies/bollinger_reversion.hpp"

#include <stdexcept>

#include "meridian/strategies/signal_builder.hpp"

namespace meridian::strategies {

BollingerReversion::BollingerReversion(BollingerReversionParams params, std::size_t symbol_count) : params_(params) {
  if (params.period < 2 || !(params.stddev_multiplier > 0.0))
    throw std::invalid_argument("bollinger_reversion needs period >= 2 and stddev_multiplier > 0");
  state_.reserve(symbol_count);
  for (std::size_t i = 0; i < symbol_count; ++i)
    state_.push_back(
        {indicators::BollingerBands(static_cast<std::size_t>(params.period), params.stddev_multiplier), {}, {}});
}

std::optional<Signal> BollingerReversion::on_bar(const BarView& view) {
  const core::Bar& bar = view.bar;
  if (bar.symbol >= state_.size()) return std::nullopt;
  auto& s = state_[bar.symbol];
  const double close = view.ohlcv.close;
  s.bands.update(close);
  if (!s.bands.ready()) return std::nullopt;

  const double lower = s.bands.lower();
  const double middle = s.bands.middle();
  const double upper = s.bands.upper();
  const double tolerance = price_tolerance(close);
  // Back inside means across the band and not beyond the opposite one: a close that jumps
  // from below the lower band to above the upper band is a breakout, not a reversion.
  const bool buy = s.lower.update(close, lower, tolerance) == Cross::up && !(close > upper + tolerance);
  const bool sell = s.upper.update(close, upper, tolerance) == Cross::down && !(close < lower - tolerance);
  if (!buy && !sell) return std::nullopt;

  Signal sig = make_signal(bar, buy ? core::Side::buy : core::Side::sell, kClassName,
                           buy ? "close back inside the bands after a close below the lower band"
                               : "close back inside the bands after a close above the upper band");
  // The room left to revert to the middle band, in half-widths: a re-entry just inside the
  // band has it all (1), one that already reached the middle has none (0).
  sig.strength =
      buy ? scaled_strength(middle - close, middle - lower) : scaled_strength(close - middle, upper - middle);
  add_value(sig, "close", close);
  add_value(sig, "bb_lower", lower);
  add_value(sig, "bb_middle", middle);
  add_value(sig, "bb_upper", upper);
  return sig;
}

void BollingerReversion::reset() noexcept {
  for (auto& s : state_) {
    s.bands.reset();
    s.lower.forget();
    s.upper.forget();
  }
}

}  // namespace meridian::strategies
