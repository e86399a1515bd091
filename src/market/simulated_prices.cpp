#include "meridian/market/simulated_prices.hpp"

#include <cmath>

#include "meridian/market/bar_aggregator.hpp"

namespace meridian::market {

namespace {
constexpr double kSecondsPerYear = 365.0 * 24 * 3600;
constexpr double kTrendBias = 0.05;   // trending: drift per step, in per-step standard deviations
constexpr double kReversion = 0.002;  // ranging: share of the distance to the anchor closed per step
constexpr double kRangingVol = 0.7;   // ranging and volatile: volatility multipliers
constexpr double kVolatileVol = 2.5;

// Intraday activity, 0.6 (quiet, mid-day UTC) to 1.4 (busy, around midnight UTC when the US
// closes and Asia opens): a U-shape over the UTC day.
double seasonality(core::Timestamp t) noexcept {
  const auto day = std::chrono::duration<double>(t.time_since_epoch()).count() / 86400.0;
  const double frac = day - std::floor(day);
  return 0.6 + 0.8 * std::abs(2.0 * frac - 1.0);
}
}  // namespace

std::string_view to_string(Regime r) noexcept {
  switch (r) {
    case Regime::ranging: return "ranging";
    case Regime::trending: return "trending";
    case Regime::volatile_: return "volatile";
  }
  return "ranging";
}

void SimulatedPrices::next_regime(Path& p) {
  const double u = uniform_(rng_);
  p.state.regime = u < 0.45 ? Regime::ranging : (u < 0.80 ? Regime::trending : Regime::volatile_);
  p.state.direction = p.state.regime == Regime::trending ? (uniform_(rng_) < 0.5 ? -1 : 1) : 0;
  p.anchor = std::log(p.price);
  const double mean_steps = std::chrono::duration<double>(config_.regime_mean).count() /
                            std::max(1e-9, std::chrono::duration<double>(config_.time_step).count());
  p.steps_left = 1 + static_cast<std::int64_t>(-std::log(1.0 - uniform_(rng_)) * mean_steps);
}

SimulatedPrices::SimulatedPrices(const core::InstrumentTable& instruments, SimConfig config, core::Timestamp start)
    : instruments_(instruments), config_(config), clock_(start), rng_(config.seed) {
  paths_.reserve(instruments.size());
  for (const auto& inst : instruments.all())
    paths_.push_back({inst.reference_price, inst.annual_volatility, inst.price_decimals, {}, 0, 0});
}

void SimulatedPrices::set_price(core::SymbolId symbol, double price) noexcept {
  if (symbol < paths_.size() && price > 0 && std::isfinite(price)) {
    paths_[symbol].price = price;
    paths_[symbol].anchor = std::log(price);  // a ranging path reverts around where it resumes
  }
}

void SimulatedPrices::step(std::vector<core::Tick>& out) {
  out.resize(paths_.size());
  clock_ += config_.time_step;
  const double dt = std::chrono::duration<double>(config_.time_step).count() / kSecondsPerYear;
  for (std::size_t i = 0; i < paths_.size(); ++i) {
    Path& p = paths_[i];
    if (p.steps_left-- <= 0) next_regime(p);
    const double z = normal_(rng_);
    const double step_sd = p.sigma * std::sqrt(dt);
    double log_return = (config_.drift_annual - 0.5 * p.sigma * p.sigma) * dt;
    switch (p.state.regime) {
      case Regime::ranging:
        log_return += kReversion * (p.anchor - std::log(p.price)) + kRangingVol * step_sd * z;
        break;
      case Regime::trending: log_return += p.state.direction * kTrendBias * step_sd + step_sd * z; break;
      case Regime::volatile_: log_return += kVolatileVol * step_sd * z; break;
    }
    p.price *= std::exp(log_return);
    const double activity = seasonality(clock_);
    const auto last = core::Price::from_double(p.price).rounded(p.price_decimals);
    const double tick_size = std::pow(10.0, -p.price_decimals);
    // Spreads widen when it is quiet and when it is volatile.
    const double spread_bps =
        config_.spread_bps / activity * (p.state.regime == Regime::volatile_ ? kVolatileVol : 1.0);
    const double half = std::max(tick_size, p.price * spread_bps * 1e-4 / 2);
    core::Tick& t = out[i];
    t.symbol = static_cast<core::SymbolId>(i);
    t.ts = clock_;
    t.last = last;
    t.bid = core::Price::from_double(p.price - half).rounded(p.price_decimals);
    t.ask = core::Price::from_double(p.price + half).rounded(p.price_decimals);
    // Volume: exponential around a notional of ~20k per tick, in whole lots of the instrument.
    const double notional = -std::log(1.0 - uniform_(rng_)) * 20000.0 * activity;
    const int qd = instruments_.at(t.symbol).qty_decimals;
    t.volume = core::Quantity::from_double(std::max(notional / p.price, std::pow(10.0, -qd))).rounded(qd);
  }
}

std::vector<core::Bar> SimulatedPrices::generate_history(std::size_t bars, core::Timestamp end) {
  const auto minute = core::period_of(core::Timeframe::m1);
  clock_ = core::floor_to(end, minute) - minute * static_cast<long>(bars) - config_.time_step;
  BarAggregator agg(core::Timeframe::m1, paths_.size());
  std::vector<core::Bar> out;
  out.reserve(bars * paths_.size());
  std::vector<core::Tick> ticks;
  const auto stop = core::floor_to(end, minute);
  while (clock_ + config_.time_step < stop) {
    step(ticks);
    for (const auto& t : ticks)
      if (auto bar = agg.on_tick(t)) out.push_back(*bar);
  }
  for (std::size_t i = 0; i < paths_.size(); ++i)
    if (const auto* partial = agg.partial(static_cast<core::SymbolId>(i))) out.push_back(*partial);
  return out;
}

std::vector<std::vector<core::Bar>> SimulatedPrices::generate_series(std::size_t bars, core::Timestamp end) {
  std::vector<std::vector<core::Bar>> out(paths_.size());
  for (auto& series : out) series.reserve(bars + 1);
  for (const auto& bar : generate_history(bars, end)) out[bar.symbol].push_back(bar);
  return out;
}

}  // namespace meridian::market
