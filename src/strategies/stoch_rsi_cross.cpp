#include "meridian/strategies/stoch_rsi_cross.hpp"

#include <stdexcept>

#include "meridian/strategies/signal_builder.hpp"

namespace meridian::strategies {

StochRsiCross::StochRsiCross(StochRsiCrossParams params, std::size_t symbol_count)
    : params_(checked(params)), rsi_(static_cast<std::size_t>(params.rsi_period), symbol_count) {
  init_state();
}

const StochRsiCrossParams& StochRsiCross::checked(const StochRsiCrossParams& params) {
  const bool periods_ok =
      params.rsi_period >= 2 && params.stoch_period >= 1 && params.k_period >= 1 && params.d_period >= 1;
  const bool levels_ok = params.oversold > 0.0 && params.oversold < params.overbought && params.overbought < 100.0 &&
                         params.rsi_midline > 0.0 && params.rsi_midline < 100.0;
  if (!periods_ok || !levels_ok)
    throw std::invalid_argument(
        "stoch_rsi_cross needs rsi_period >= 2, other periods >= 1, 0 < oversold < overbought < 100 and "
        "0 < rsi_midline < 100");
  return params;
}

void StochRsiCross::init_state() {
  state_.reserve(rsi_.size());
  for (std::size_t i = 0; i < rsi_.size(); ++i)
    state_.push_back({indicators::SeriesStochastic(static_cast<std::size_t>(params_.stoch_period),
                                                   static_cast<std::size_t>(params_.k_period),
                                                   static_cast<std::size_t>(params_.d_period)),
                      {}});
}

std::optional<std::string> StochRsiCross::validate(const ParamValues& v) {
  if (v.number(4) >= v.number(5)) return "oversold must be less than overbought";
  return std::nullopt;
}

std::optional<Signal> StochRsiCross::on_bar(const BarView& view) {
  const core::Bar& bar = view.bar;
  if (bar.symbol >= state_.size()) return std::nullopt;
  auto& s = state_[bar.symbol];
  rsi_.update(view);
  const auto& r = rsi_[bar.symbol];
  if (!r.ready()) [[unlikely]]
    return std::nullopt;
  const double rsi = r.value;
  s.stoch.push(rsi);
  if (!s.stoch.ready()) return std::nullopt;

  const double k = s.stoch.k();
  const double d = s.stoch.d();
  const Cross cross = s.cross.update(k, d, kOscillatorTolerance);
  const bool buy = cross == Cross::up && k < params_.oversold && d < params_.oversold && rsi < params_.rsi_midline;
  const bool sell =
      cross == Cross::down && k > params_.overbought && d > params_.overbought && rsi > params_.rsi_midline;
  if (!buy && !sell) return std::nullopt;

  Signal sig = make_signal(bar, buy ? core::Side::buy : core::Side::sell, kClassName,
                           buy ? "%K crossed above %D in the oversold zone with RSI below its midline"
                               : "%K crossed below %D in the overbought zone with RSI above its midline");
  // Deeper into the zone is stronger: %D at 0 (or 100) is full strength, at the level none.
  sig.strength = buy ? scaled_strength(params_.oversold - d, params_.oversold)
                     : scaled_strength(d - params_.overbought, 100.0 - params_.overbought);
  add_value(sig, "stoch_k", k);
  add_value(sig, "stoch_d", d);
  add_value(sig, "rsi", rsi);
  add_value(sig, "close", view.ohlcv.close);
  return sig;
}

void StochRsiCross::reset() noexcept {
  rsi_.reset();
  for (auto& s : state_) {
    s.stoch.reset();
    s.cross.forget();
  }
}

}  // namespace meridian::strategies
