#include "meridian/strategies/registry.hpp"

#include <array>

#include "meridian/strategies/sma_crossover.hpp"

namespace meridian::strategies {

namespace {
template <class T>
std::unique_ptr<Strategy> make(const ParamValues& values, std::size_t symbols) {
  return std::make_unique<T>(values, symbols);
}

const std::array kClasses{
    StrategyClass{SmaCrossover::kClassName, "SMA crossover",
                  "Buys when the fast SMA crosses above the slow SMA (golden cross), sells on the death cross.",
                  SmaCrossover::kSchema, core::Timeframe::m1, &SmaCrossover::validate, &make<SmaCrossover>},
};
}  // namespace

std::span<const StrategyClass> strategy_classes() noexcept { return kClasses; }

const StrategyClass* find_strategy_class(std::string_view name) noexcept {
  for (const auto& c : kClasses)
    if (c.name == name) return &c;
  return nullptr;
}

std::optional<std::string> validate_params(const StrategyClass& cls, const ParamValues& values) {
  for (std::size_t i = 0; i < cls.params.size(); ++i)
    if (auto err = check_param(cls.params[i], values.number(i))) return err;
  return cls.validate ? cls.validate(values) : std::nullopt;
}

std::string_view canonical_class_name(std::string_view name) noexcept {
  const auto* cls = find_strategy_class(name);
  return cls ? cls->name : std::string_view("manual");
}

}  // namespace meridian::strategies
