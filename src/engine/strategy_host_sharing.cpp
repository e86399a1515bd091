// StrategyHost's shared indicators: when an instance may read the pool's RSI instead of its
// own (the contract is in strategy_host.hpp). Engine strand only; runs on lifecycle changes
// (an instance added or warmed), never on the bar path.
#include <vector>

#include "meridian/engine/strategy_host.hpp"

namespace meridian::engine {

void StrategyHost::share(Instance& instance) {
  if (!config_.share_indicators || instance.view.disabled) return;
  auto* rsi = instance.impl->shared_rsi();
  if (!rsi || rsi->pooled() || rsi->own().size() != pool_.symbol_count()) return;
  const auto period = rsi->period();
  // The other fed instances that read this series: their entries must not change under them.
  std::vector<const Instance*> readers;
  for (const auto& other : instances_) {
    if (&other == &instance || !fed(other)) continue;
    const auto* theirs = other.impl->shared_rsi();
    if (theirs && theirs->pooled() && theirs->period() == period) readers.push_back(&other);
  }
  auto read_by_others = [&](core::SymbolId symbol) {
    for (const auto* other : readers)
      if (other->symbols[symbol]) return true;
    return false;
  };
  const auto own = rsi->own();
  const auto series = pool_.rsi(period);
  for (core::SymbolId s = 0; s < own.size(); ++s)
    if (instance.symbols[s] && read_by_others(s) && !series[s].identical(own[s])) return;  // another history
  for (core::SymbolId s = 0; s < own.size(); ++s)
    if (instance.symbols[s] && !read_by_others(s)) pool_.seed_rsi(period, s, own[s]);
  rsi->share(series);
}

void StrategyHost::unshare(Instance& instance) {
  if (auto* rsi = instance.impl->shared_rsi(); rsi && rsi->pooled()) rsi->unshare();
}

bool StrategyHost::shares_indicators(const Instance& instance) const noexcept {
  const auto* rsi = instance.impl->shared_rsi();
  return rsi && rsi->pooled();
}

}  // namespace meridian::engine
