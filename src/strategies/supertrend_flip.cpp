#include "meridian/strategies/supertrend_flip.hpp"

#include <stdexcept>

#include "meridian/strategies/signal_builder.hpp"

namespace meridian::strategies {

namespace {
constexpr double kFullBreakout = 0.01;
}  // namespace

SuperTrendFlip::SuperTrendFlip(SuperTrendFlipParams params, std::size_t symbol_count) : params_(params) {
  if (params.atr_period < 1 || !(params.factor > 0.0))
    throw std::invalid_argument("supertrend_flip needs atr_period >= 1 and factor > 0");
  state_.reserve(symbol_count);
  for (std::size_t i = 0; i < symbol_count; ++i)
    state_.push_back({indicators::SuperTrend(static_cast<std::size_t>(params.atr_period), params.factor), 0});
}

std::optional<Signal> SuperTrendFlip::on_bar(const BarView& view) {
  const core::Bar& bar = view.bar;
  if (bar.symbol >= state_.size()) return std::nullopt;
  auto& s = state_[bar.symbol];
  const auto& ohlcv = view.ohlcv;
  s.supertrend.update(ohlcv);
  const int direction = s.supertrend.direction();
  const int previous = s.direction;
  s.direction = direction;
  if (previous == 0 || direction == 0 || direction == previous) return std::nullopt;

  const bool up = direction > 0;
  const double upper = s.supertrend.upper_band();
  const double lower = s.supertrend.lower_band();
  Signal sig = make_signal(bar, up ? core::Side::buy : core::Side::sell, kClassName,
                           up ? "SuperTrend flipped up: close broke above the upper band"
                              : "SuperTrend flipped down: close broke below the lower band");
  // How far the close broke through the band, as a fraction of the price: a close 1% beyond
  // the band is a full-strength flip (the SMA crossover's scale).
  const double beyond = up ? ohlcv.close - upper : lower - ohlcv.close;
  sig.strength = scaled_strength(beyond, kFullBreakout * ohlcv.close);
  add_value(sig, "close", ohlcv.close);
  add_value(sig, "supertrend", s.supertrend.value());
  add_value(sig, "supertrend_upper", upper);
  add_value(sig, "supertrend_lower", lower);
  return sig;
}

void SuperTrendFlip::reset() noexcept {
  for (auto& s : state_) {
    s.supertrend.reset();
    s.direction = 0;
  }
}

}  // namespace meridian::strategies
