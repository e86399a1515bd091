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

enum class Sizing : std::uint8_t { fraction, risk, notional, kelly };
std::string_view to_string(Sizing s) noexcept;
std::optional<Sizing> parse_sizing(std::string_view s) noexcept;

// Automatic stop-loss / take-profit / trailing stop, in percent of the entry price (0 = none).
struct ExitRules {
  double stop_loss_pct = 0.0;
  double take_profit_pct = 0.0;
  double trailing_stop_pct = 0.0;
  bool operator==(const ExitRules&) const = default;
};

// The session's strategy: any registered class with its parameter values.
struct StrategyConfig {
  std::string_view class_name = strategies::SmaCrossover::kClassName;  // static, from the registry
  strategies::ParamValues params{strategies::SmaCrossover::kSchema};
  double position_fraction = 0.10;  // share of equity per entry (the cap for every sizing)
  core::Timeframe timeframe = core::Timeframe::m1;
  // How an entry is sized: "fraction" (position_fraction of equity), "risk" (risk_fraction of
  // equity lost if the stop-loss is hit; needs a stop), "notional" (a fixed amount of money),
  // "kelly" (the strategy's own win rate and win/loss ratio, half Kelly, capped at
  // position_fraction; fraction sizing until it has closed 20 trades).
  Sizing sizing = Sizing::fraction;
  double risk_fraction = 0.01;
  double notional = 0.0;
  // Exits placed with each entry, in percent of the entry price; 0 takes the portfolio's
  // default (PortfolioConfig::exits). A trailing stop replaces the fixed stop-loss.
  ExitRules exits{};
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
  // The user whose command made the last change (the audit trail's user id; 0: the engine itself,
  // as at start-up, or a caller without an account, as with auth off).
  std::int64_t changed_by = 0;
};

}  // namespace meridian::engine
