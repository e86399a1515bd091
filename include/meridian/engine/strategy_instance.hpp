#pragma once
// Strategy instances (seed 004's lifecycle): a class with parameters, symbols and a state,
// each with its own indicator state and its own attribution of positions and P&L.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/engine/ledger.hpp"
#include "meridian/engine/session.hpp"
#include "meridian/engine/snapshot.hpp"
#include "meridian/strategies/strategy.hpp"

namespace meridian::engine {

// added -> initialized (indicators warmed) -> running <-> stopped; any but running -> removed
// (restorable back to added); removed -> deleted for good.
enum class InstanceState : std::uint8_t { added, initialized, running, stopped, removed };
std::string_view to_string(InstanceState s) noexcept;
std::optional<InstanceState> parse_instance_state(std::string_view s) noexcept;

inline constexpr std::uint64_t kDefaultInstanceId = 1;  // the trading session's own strategy
inline constexpr std::string_view kDefaultInstanceName = "default";

struct InstanceConfig {
  std::uint64_t id = 0;
  std::string name;
  StrategyConfig strategy{};
  std::vector<core::SymbolId> symbols;
  std::string portfolio = "default";
  bool active = true;
  bool operator==(const InstanceConfig&) const = default;
};

// What readers see of an instance.
struct InstanceView {
  InstanceConfig config;
  InstanceState state = InstanceState::added;
  std::uint64_t version = 0;  // engine-wide change counter when it last changed
  core::Timestamp updated_at{};
  std::optional<SignalEntry> last_signal;
  std::uint64_t signals = 0;
  bool disabled = false;               // it threw; re-enabled by init or start
  std::vector<PositionView> holdings;  // attributed open positions
  core::Money realized_pnl{};
  core::Money fees{};
};
using InstanceList = std::vector<InstanceView>;

// The storage form, journaled on every change and restored on start.
struct InstanceRecord {
  InstanceConfig config;
  InstanceState state = InstanceState::added;
  core::Timestamp updated_at{};
};
struct InstanceDeleted {
  std::uint64_t id = 0;
};

}  // namespace meridian::engine
