#include "meridian/strategies/macd_crossover.hpp"

#include <cmath>
#include <stdexcept>

#include "meridian/strategies/signal_builder.hpp"

namespace meridian::strategies {

namespace {
// A histogram swing (line - signal, from the previous bar to this one) of this fraction of
// the price is a full-strength cross; a lazy drift across the signal line is a weak one.
constexpr double kFullSwing = 0.001;
}  // namespace

MacdCrossover::MacdCrossover(MacdCrossoverParams params, std::size_t symbol_count) : params_(params) {
  if (params.fast_period < 1 || params.slow_period <= params.fast_period || params.signal_period < 1)
    throw std::invalid_argument("macd_crossover needs 1 <= fast_period < slow_period and signal_period >= 1");
  state_.reserve(symbol_count);
  for (std::size_t i = 0; i < symbol_count; ++i)
    state_.push_back(
        {indicators::Macd(static_cast<std::size_t>(params.fast_period), static_cast<std::size_t>(params.slow_period),
                          static_cast<std::size_t>(params.signal_period)),
         {},
         0.0});
}

std::optional<std::string> MacdCrossover::validate(const ParamValues& v) {
  if (v.integer(0) >= v.integer(1)) return "fast_period must be less than slow_period";
  return std::nullopt;
}

std::optional<Signal> MacdCrossover::on_bar(const BarView& view) {
  const core::Bar& bar = view.bar;
  if (bar.symbol >= state_.size()) return std::nullopt;
  auto& s = state_[bar.symbol];
  const double close = view.ohlcv.close;
  s.macd.update(close);
  if (!s.macd.ready()) return std::nullopt;

  const double line = s.macd.line();
  const double signal = s.macd.signal();
  const double histogram = s.macd.histogram();
  const double swing = histogram - s.previous_histogram;
  s.previous_histogram = histogram;
  const Cross cross = s.cross.update(line, signal, price_tolerance(close));
  if (cross == Cross::none) return std::nullopt;

  const bool up = cross == Cross::up;
  Signal sig = make_signal(bar, up ? core::Side::buy : core::Side::sell, kClassName,
                           up ? "MACD line crossed above the signal line" : "MACD line crossed below the signal line");
  sig.strength = scaled_strength(std::abs(swing), kFullSwing * std::abs(close));
  add_value(sig, "macd", line);
  add_value(sig, "macd_signal", signal);
  add_value(sig, "macd_histogram", histogram);
  add_value(sig, "close", close);
  return sig;
}

void MacdCrossover::reset() noexcept {
  for (auto& s : state_) {
    s.macd.reset();
    s.cross.forget();
    s.previous_histogram = 0.0;
  }
}

}  // namespace meridian::strategies
