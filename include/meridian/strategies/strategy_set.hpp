#pragma once
// Strategies that see the same bars (one portfolio's strategies on one symbol universe),
// sharing the indicators they have in common through one IndicatorPool: a shared indicator is
// updated once per bar, before any strategy of the set decides. Signals are exactly those of
// the same strategies run one by one (tests/unit/strategies/strategy_set_test.cpp).
//
// Every strategy of a set receives every bar: a strategy that must skip bars or restart on its
// own (warm-up, disable, reset of one instance) does not belong in a set with others.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "meridian/strategies/bar_view.hpp"
#include "meridian/strategies/indicator_pool.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/signal.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct StrategyClass;

class StrategySet {
 public:
  explicit StrategySet(std::size_t symbol_count) : pool_(symbol_count) {}

  // A strategy of `cls` with `values` on the set's pool, run after those added before it. The
  // values are validated as for StrategyClass::create (which throws on values it rejects).
  Strategy& add(const StrategyClass& cls, const ParamValues& values);

  // Every strategy on one bar, in the order added: on_signal(index, signal) for each signal.
  template <class OnSignal>
  void on_bar(const BarView& bar, OnSignal&& on_signal) {
    pool_.update(bar);
    for (std::size_t i = 0; i < strategies_.size(); ++i)
      if (auto signal = strategies_[i]->on_bar(bar)) on_signal(i, *signal);
  }
  // The pool and every strategy, as if no bar had been seen.
  void reset() noexcept;

  std::size_t size() const noexcept { return strategies_.size(); }
  Strategy& operator[](std::size_t i) noexcept { return *strategies_[i]; }
  const IndicatorPool& pool() const noexcept { return pool_; }

 private:
  IndicatorPool pool_;
  std::vector<std::unique_ptr<Strategy>> strategies_;
};

}  // namespace meridian::strategies
