#include "meridian/strategies/indicator_pool.hpp"

namespace meridian::strategies {

namespace {
// A fresh RSI(period) for each of `symbols` symbols.
std::vector<RsiValue> fresh_series(std::size_t period, std::size_t symbols) {
  std::vector<RsiValue> out;
  out.reserve(symbols);
  for (std::size_t i = 0; i < symbols; ++i) out.emplace_back(period);
  return out;
}
}  // namespace

std::span<const RsiValue> IndicatorPool::rsi(std::size_t period) {
  return series_of(period).per_symbol;
}

IndicatorPool::RsiSeries& IndicatorPool::series_of(std::size_t period) {
  indicators::checked_period(period, "RSI");  // also when there are no symbols to build one for
  for (const auto& series : rsi_)
    if (series->period == period) return *series;
  rsi_.push_back(std::make_unique<RsiSeries>(RsiSeries{period, fresh_series(period, symbols_)}));
  return *rsi_.back();
}

void IndicatorPool::seed_rsi(std::size_t period, core::SymbolId symbol, const RsiValue& state) {
  series_of(period).per_symbol.at(symbol) = state;
}

RsiSource::RsiSource(std::size_t period, std::size_t symbol_count)
    : period_(period), own_(fresh_series(period, symbol_count)), series_(own_) {}

void RsiSource::share(std::span<const RsiValue> series) noexcept {
  std::vector<RsiValue>().swap(own_);  // frees it: a pooled source never reads its own
  series_ = series;
  pooled_ = true;
}

void RsiSource::unshare() {
  own_ = fresh_series(period_, series_.size());
  series_ = own_;
  pooled_ = false;
}

}  // namespace meridian::strategies
