#pragma once
// The trading session's state machine and strategy configuration.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"
#include "meridian/strategies/sma_crossover.hpp"

namespace meridian::engine {

enum class SessionState : std::uint8_t { stopped, running, paused };
std::string_view to_string(SessionState s) noexcept;
std::optional<SessionState> parse_session_state(std::string_view s) noexcept;

enum class Mode : std::uint8_t { simulation, paper, live };
std::string_view to_string(Mode m) noexcept;

// The session's strategy: any registered class with its parameter values.
struct StrategyConfig {
  std::string_view class_name = strategies::SmaCrossover::kClassName;  // static, from the registry
  strategies::ParamValues params{strategies::SmaCrossover::kSchema};
  double position_fraction = 0.10;  // share of equity per entry
  core::Timeframe timeframe = core::Timeframe::m1;
  bool operator==(const StrategyConfig&) const = default;

  static StrategyConfig sma_crossover(int fast_period, int slow_period) {
    StrategyConfig c;
    c.params.set(0, fast_period);
    c.params.set(1, slow_period);
    return c;
  }
};

// What the journal stores for a session change and recovery restores.
struct SessionRecord {
  SessionState state = SessionState::stopped;
  StrategyConfig strategy{};
  std::vector<core::SymbolId> symbols;
  core::Timestamp started_at{};
  core::Timestamp updated_at{};
};

}  // namespace meridian::engine
