#include "meridian/strategies/indicator_pool.hpp"

namespace meridian::strategies {

std::span<const RsiValue> IndicatorPool::rsi(std::size_t period) {
  indicators::checked_period(period, "RSI");  // also when there are no symbols to build one for
  for (const auto& series : rsi_)
    if (series->period == period) return series->per_symbol;
  auto series = std::make_unique<RsiSeries>(RsiSeries{period, {}});
  series->per_symbol.reserve(symbols_);
  for (std::size_t i = 0; i < symbols_; ++i) series->per_symbol.emplace_back(period);
  rsi_.push_back(std::move(series));
  return rsi_.back()->per_symbol;
}

void IndicatorPool::reset() noexcept {
  for (auto& series : rsi_)
    for (auto& r : series->per_symbol) r.reset();
}

RsiSource::RsiSource(std::size_t period, std::size_t symbol_count) {
  own_.reserve(symbol_count);
  for (std::size_t i = 0; i < symbol_count; ++i) own_.emplace_back(period);
  series_ = own_;
}

}  // namespace meridian::strategies
