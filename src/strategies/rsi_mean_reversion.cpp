#include "meridian/strategies/rsi_mean_reversion.hpp"

#include <algorithm>
#include <stdexcept>

#include "meridian/strategies/signal_builder.hpp"

namespace meridian::strategies {

RsiMeanReversion::RsiMeanReversion(RsiMeanReversionParams params, std::size_t symbol_count)
    : params_(checked(params)), rsi_(static_cast<std::size_t>(params.rsi_period), symbol_count) {
  init_state();
}

const RsiMeanReversionParams& RsiMeanReversion::checked(const RsiMeanReversionParams& params) {
  if (params.rsi_period < 2 || !(params.oversold > 0.0) || !(params.oversold < params.overbought) ||
      !(params.overbought < 100.0))
    throw std::invalid_argument("rsi_mean_reversion needs rsi_period >= 2 and 0 < oversold < overbought < 100");
  return params;
}

void RsiMeanReversion::init_state() {
  state_.assign(rsi_.size(), PerSymbol{{}, {}, params_.oversold, params_.overbought});
}

std::optional<std::string> RsiMeanReversion::validate(const ParamValues& v) {
  if (v.number(1) >= v.number(2)) return "oversold must be less than overbought";
  return std::nullopt;
}

std::optional<Signal> RsiMeanReversion::on_bar(const BarView& view) {
  const core::Bar& bar = view.bar;
  if (bar.symbol >= state_.size()) return std::nullopt;
  auto& s = state_[bar.symbol];
  rsi_.update(view);
  const auto& r = rsi_[bar.symbol];
  if (!r.ready()) return std::nullopt;

  const double rsi = r.value;
  const Cross up = s.oversold.update(rsi, params_.oversold, kOscillatorTolerance);
  const Cross down = s.overbought.update(rsi, params_.overbought, kOscillatorTolerance);
  // The excursion extremes up to the previous bar: a signal reads them before this bar's
  // RSI (back across the level) ends the excursion.
  const double trough = s.trough;
  const double peak = s.peak;
  s.trough = rsi < params_.oversold ? std::min(s.trough, rsi) : params_.oversold;
  s.peak = rsi > params_.overbought ? std::max(s.peak, rsi) : params_.overbought;

  // The two crosses exclude each other: the RSI cannot cross up through the oversold level and
  // down through the higher overbought level on the same bar.
  const bool buy = up == Cross::up;
  if (!buy && down != Cross::down) return std::nullopt;

  Signal sig =
      make_signal(bar, buy ? core::Side::buy : core::Side::sell, kClassName,
                  buy ? "RSI crossed up through the oversold level" : "RSI crossed down through the overbought level");
  // How deep the excursion went: full strength when the RSI had reached 0 (or 100).
  sig.strength = buy ? scaled_strength(params_.oversold - trough, params_.oversold)
                     : scaled_strength(peak - params_.overbought, 100.0 - params_.overbought);
  add_value(sig, "rsi", rsi);
  if (buy) {
    add_value(sig, "oversold", params_.oversold);
    add_value(sig, "rsi_trough", trough);
  } else {
    add_value(sig, "overbought", params_.overbought);
    add_value(sig, "rsi_peak", peak);
  }
  add_value(sig, "close", view.ohlcv.close);
  return sig;
}

void RsiMeanReversion::reset() noexcept {
  rsi_.reset();
  for (auto& s : state_) {
    s.oversold.forget();
    s.overbought.forget();
    s.trough = params_.oversold;
    s.peak = params_.overbought;
  }
}

}  // namespace meridian::strategies
