#include "meridian/market/simulated_prices.hpp"

#include <cmath>

#include "meridian/market/bar_aggregator.hpp"

namespace meridian::market {

namespace {
constexpr double kSecondsPerYear = 365.0 * 24 * 3600;
}

SimulatedPrices::SimulatedPrices(const core::InstrumentTable& instruments, SimConfig config, core::Timestamp start)
    : instruments_(instruments), config_(config), clock_(start), rng_(config.seed) {
  paths_.reserve(instruments.size());
  for (const auto& inst : instruments.all())
    paths_.push_back({inst.reference_price, inst.annual_volatility, inst.price_decimals});
}

void SimulatedPrices::set_price(core::SymbolId symbol, double price) noexcept {
  if (symbol < paths_.size() && price > 0 && std::isfinite(price)) paths_[symbol].price = price;
}

void SimulatedPrices::step(std::vector<core::Tick>& out) {
  out.resize(paths_.size());
  clock_ += config_.time_step;
  const double dt = std::chrono::duration<double>(config_.time_step).count() / kSecondsPerYear;
  for (std::size_t i = 0; i < paths_.size(); ++i) {
    Path& p = paths_[i];
    const double z = normal_(rng_);
    p.price *= std::exp((config_.drift_annual - 0.5 * p.sigma * p.sigma) * dt + p.sigma * std::sqrt(dt) * z);
    const auto last = core::Price::from_double(p.price).rounded(p.price_decimals);
    const double tick_size = std::pow(10.0, -p.price_decimals);
    const double half = std::max(tick_size, p.price * config_.spread_bps * 1e-4 / 2);
    core::Tick& t = out[i];
    t.symbol = static_cast<core::SymbolId>(i);
    t.ts = clock_;
    t.last = last;
    t.bid = core::Price::from_double(p.price - half).rounded(p.price_decimals);
    t.ask = core::Price::from_double(p.price + half).rounded(p.price_decimals);
    // Volume: exponential around a notional of ~20k per tick, in whole lots of the instrument.
    const double notional = -std::log(1.0 - uniform_(rng_)) * 20000.0;
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

}  // namespace meridian::market
