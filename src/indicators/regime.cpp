#include "meridian/indicators/regime.hpp"

#include <algorithm>
#include <cmath>

namespace meridian::indicators {

namespace {
// Readings need this many values behind the percentiles before they mean anything.
constexpr std::size_t kMinHistory = 60;
}  // namespace

std::string_view to_string(MarketRegime r) noexcept {
  switch (r) {
    case MarketRegime::trending_up: return "trending_up";
    case MarketRegime::trending_down: return "trending_down";
    case MarketRegime::ranging: return "ranging";
    case MarketRegime::volatile_: return "volatile";
    case MarketRegime::unknown: break;
  }
  return "unknown";
}

RegimeClassifier::RegimeClassifier(RegimeParams params)
    : params_(params),
      closes_(params.er_period + 1),
      atrs_(params.history),
      widths_(params.history),
      ranges_(params.history) {}

void RegimeClassifier::Window::push(double x) noexcept {
  values[next] = x;
  next = (next + 1) % values.size();
  if (filled < values.size()) ++filled;
}

double RegimeClassifier::Window::rank(double x) const noexcept {
  double below = 0.0;
  for (std::size_t i = 0; i < filled; ++i) below += values[i] < x ? 1.0 : values[i] == x ? 0.5 : 0.0;
  return filled ? below / static_cast<double>(filled) : kNoValue;
}

void RegimeClassifier::warm(const Ohlcv& bar) noexcept {
  adx_.update(bar);
  atr_.update(bar);
  bands_.update(bar.close);
  range_.add(bar.high - bar.low);
  ++reading_.bars;
  closes_.push(bar.close);
  if (atr_.ready()) atrs_.push(atr_.value());
  if (range_.ready()) ranges_.push(range_.value());
  if (bands_.ready() && bands_.middle() != 0.0) widths_.push((bands_.upper() - bands_.lower()) / bands_.middle());
}

void RegimeClassifier::classify() noexcept {
  auto& r = reading_;
  r.adx = adx_.ready() ? adx_.value() : kNoValue;
  r.atr_percentile = atrs_.rank(atrs_.filled ? atrs_.newest() : kNoValue);
  r.bollinger_width_percentile = widths_.rank(widths_.filled ? widths_.newest() : kNoValue);
  r.volatility_percentile = ranges_.rank(ranges_.filled ? ranges_.newest() : kNoValue);
  if (!closes_.full() || ranges_.filled < kMinHistory) {
    r.regime = MarketRegime::unknown;
    r.confidence = 0.0;
    r.efficiency_ratio = kNoValue;
    return;
  }
  const std::size_t n = closes_.values.size();
  double path = 0.0;
  for (std::size_t i = 1; i < n; ++i) path += std::abs(closes_.at(i) - closes_.at(i - 1));
  const double net = closes_.at(n - 1) - closes_.at(0);
  r.efficiency_ratio = path > 0.0 ? std::abs(net) / path : 0.0;

  // Volatile first: a trend in a storm is still a storm to size positions against.
  if (r.volatility_percentile >= params_.volatile_percentile) {
    r.regime = MarketRegime::volatile_;
    r.confidence = std::clamp(
        (r.volatility_percentile - params_.volatile_percentile) / (1.0 - params_.volatile_percentile) * 0.5 + 0.5, 0.0,
        1.0);
  } else if (r.efficiency_ratio >= params_.trend_efficiency) {
    r.regime = net > 0 ? MarketRegime::trending_up : MarketRegime::trending_down;
    r.confidence = std::clamp(
        0.5 + (r.efficiency_ratio - params_.trend_efficiency) / (1.0 - params_.trend_efficiency) * 0.5, 0.0, 1.0);
  } else {
    r.regime = MarketRegime::ranging;
    r.confidence = std::clamp(1.0 - r.efficiency_ratio / params_.trend_efficiency * 0.5, 0.0, 1.0);
  }
}

}  // namespace meridian::indicators
