#include "meridian/strategies/registry.hpp"

#include "meridian/strategies/sma_crossover.hpp"

namespace meridian::strategies {

std::string_view canonical_class_name(std::string_view name) noexcept {
  if (name == SmaCrossover::kClassName) return SmaCrossover::kClassName;
  return "manual";
}

}  // namespace meridian::strategies
