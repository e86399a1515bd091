#pragma once
// The strategy classes this build knows: name, parameter schema, validation and factory.
// Names are static strings so signals and trades can carry them without allocating.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "meridian/core/types.hpp"
#include "meridian/strategies/params.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::strategies {

struct StrategyClass {
  std::string_view name;         // "sma_crossover"
  std::string_view title;        // "SMA crossover"
  std::string_view description;  // what it buys and sells on
  std::span<const ParamSpec> params;
  core::Timeframe default_timeframe = core::Timeframe::m1;
  // Rules across parameters (e.g. fast < slow); nullopt when the values are valid.
  std::optional<std::string> (*validate)(const ParamValues&) = nullptr;
  std::unique_ptr<Strategy> (*create)(const ParamValues&, std::size_t symbol_count) = nullptr;
};

std::span<const StrategyClass> strategy_classes() noexcept;
const StrategyClass* find_strategy_class(std::string_view name) noexcept;

// Each value against its spec, then the class's own rules; the message names the parameter.
std::optional<std::string> validate_params(const StrategyClass& cls, const ParamValues& values);

// The static spelling of a known class name, or "manual" for anything else (trades
// recorded by hand, or by a class this build no longer has).
std::string_view canonical_class_name(std::string_view name) noexcept;

}  // namespace meridian::strategies
