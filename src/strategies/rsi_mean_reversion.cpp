#include "meridian/strategies/rsi_mean_reversion.hpp"

#include <algorithm>
#include <stdexcept>

#include "meridian/strategies/signal_builder.hpp"

namespace meridian::strategies {

RsiMeanReversion::RsiMeanReversion(RsiMeanReversionParams params, std::size_t symbol_count) : params_(params) {
  if (params.rsi_period < 2 || !(params.oversold > 0.0) || !(params.oversold < params.overbought) ||
      !(params.overbought < 100.0))
    throw std::invalid_argument("rsi_mean_reversion needs rsi_period >= 2 and 0 < oversold < overbought < 100");
  state_.reserve(symbol_count);
  for (std::size_t i = 0; i < symbol_count; ++i) state_.push_back(fresh_state());
}

RsiMeanReversion::PerSymbol RsiMeanReversion::fresh_state() const {
  return {indicators::Rsi(static_cast<std::size_t>(params_.rsi_period)), {}, {}, params_.oversold,
          params_.overbought};
}

std::optional<std::string> RsiMeanReversion::validate(const ParamValues& v) {
  if (v.number(1) >= v.number(2)) return "oversold must be less than overbought";
  return std::nullopt;
}

std::optional<Signal> RsiMeanReversion::on_bar(const core::Bar& bar) {
  if (bar.symbol >= state_.size()) return std::nullopt;
  auto& s = state_[bar.symbol];
  s.rsi.update(bar);
  if (!s.rsi.ready()) return std::nullopt;

  const double rsi = s.rsi.value();
  const Cross up = s.oversold.update(rsi, params_.oversold, kOscillatorTolerance);
  const Cross down = s.overbought.update(rsi, params_.overbought, kOscillatorTolerance);
  // The excursion extremes up to the previous bar: a signal reads them before this bar's
  // RSI (back across the level) ends the excursion.
  const double trough = s.trough;
  const double peak = s.peak;
  s.trough = rsi < params_.oversold ? std::min(s.trough, rsi) : params_.oversold;
  s.peak = rsi > params_.overbought ? std::max(s.peak, rsi) : params_.overbought;

  std::optional<Signal> out;
  if (up == Cross::up) {
    out = make_signal(bar, core::Side::buy, kClassName, "RSI crossed up through the oversold level");
    // Full strength when the RSI had fallen all the way to 0.
    out->strength = scaled_strength(params_.oversold - trough, params_.oversold);
    add_value(*out, "rsi", rsi);
    add_value(*out, "oversold", params_.oversold);
    add_value(*out, "rsi_trough", trough);
  } else if (down == Cross::down) {
    out = make_signal(bar, core::Side::sell, kClassName, "RSI crossed down through the overbought level");
    out->strength = scaled_strength(peak - params_.overbought, 100.0 - params_.overbought);
    add_value(*out, "rsi", rsi);
    add_value(*out, "overbought", params_.overbought);
    add_value(*out, "rsi_peak", peak);
  } else {
    return std::nullopt;
  }
  add_value(*out, "close", bar.close.to_double());
  return out;
}

void RsiMeanReversion::reset() noexcept {
  for (auto& s : state_) {
    s.rsi.reset();
    s.oversold.forget();
    s.overbought.forget();
    s.trough = params_.oversold;
    s.peak = params_.overbought;
  }
}

}  // namespace meridian::strategies
