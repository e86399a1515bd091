#include "meridian/strategies/sma_crossover.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace meridian::strategies {

SmaCrossover::SmaCrossover(SmaCrossoverParams params, std::size_t symbol_count) : params_(params) {
  if (params.fast_period < 1 || params.slow_period <= params.fast_period)
    throw std::invalid_argument("sma_crossover needs 1 <= fast_period < slow_period");
  state_.reserve(symbol_count);
  for (std::size_t i = 0; i < symbol_count; ++i)
    state_.push_back({indicators::Sma(static_cast<std::size_t>(params.fast_period)),
                      indicators::Sma(static_cast<std::size_t>(params.slow_period)), 0});
}

std::optional<std::string> SmaCrossover::validate(const ParamValues& v) {
  if (v.integer(0) >= v.integer(1)) return "fast_period must be less than slow_period";
  return std::nullopt;
}

std::optional<Signal> SmaCrossover::on_bar(const BarView& view) {
  const core::Bar& bar = view.bar;
  if (bar.symbol >= state_.size()) return std::nullopt;
  auto& s = state_[bar.symbol];
  const double close = view.ohlcv.close;
  s.fast.update(close);
  s.slow.update(close);
  if (!s.slow.ready()) return std::nullopt;

  const double fast = s.fast.value();
  const double slow = s.slow.value();
  const double diff = fast - slow;
  // A tolerance relative to price: equal averages on a flat series are not a cross.
  const double eps = 1e-12 * std::max(1.0, std::abs(slow));
  const int sign = diff > eps ? 1 : (diff < -eps ? -1 : 0);
  const int previous = s.last_sign;
  if (sign != 0) s.last_sign = sign;
  if (previous == 0 || sign == 0 || sign == previous) return std::nullopt;

  Signal sig;
  sig.symbol = bar.symbol;
  sig.side = sign > 0 ? core::Side::buy : core::Side::sell;
  // Strength grows with the separation of the averages, saturating at 1% of price.
  sig.strength = std::clamp(std::abs(diff) / (0.01 * std::max(std::abs(slow), 1e-9)), 0.0, 1.0);
  sig.price = bar.close;
  sig.ts = bar.open_time + core::period_of(bar.timeframe);
  sig.strategy = kClassName;
  sig.reason =
      sign > 0 ? "golden cross: fast SMA crossed above slow SMA" : "death cross: fast SMA crossed below slow SMA";
  sig.values[0] = {"sma_fast", fast};
  sig.values[1] = {"sma_slow", slow};
  sig.values[2] = {"close", close};
  sig.value_count = 3;
  return sig;
}

void SmaCrossover::reset() noexcept {
  for (auto& s : state_) {
    s.fast.reset();
    s.slow.reset();
    s.last_sign = 0;
  }
}

}  // namespace meridian::strategies
