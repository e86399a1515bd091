#include "meridian/strategies/strategy_set.hpp"

#include "meridian/strategies/registry.hpp"

namespace meridian::strategies {

Strategy& StrategySet::add(const StrategyClass& cls, const ParamValues& values) {
  strategies_.push_back(cls.create_shared(values, pool_));
  return *strategies_.back();
}

void StrategySet::reset() noexcept {
  pool_.reset();
  for (auto& s : strategies_) s->reset();
}

}  // namespace meridian::strategies
