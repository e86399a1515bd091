#pragma once
// Loads what the engine resumes from: portfolio cash, positions, recent trades, the last
// session and recent bars. Creates the default user and portfolio on a first start.
#include <string>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/recovered_state.hpp"

namespace meridian::storage {

struct RecoveryOptions {
  std::int64_t portfolio_id = 1;
  core::Money initial_capital = core::Money::from_units(100'000);
  std::size_t bars_per_symbol = 2000;
  std::size_t trades = 10'000;
};

struct RecoveryReport {
  engine::RecoveredState state;
  // False when the stored cash/positions differ from a replay of the trade log.
  bool reconciled = true;
  std::string reconcile_detail;
};

// Throws on connection or query failure (start-up).
RecoveryReport load_state(const std::string& database_url, const core::InstrumentTable& instruments,
                          const RecoveryOptions& options);

}  // namespace meridian::storage
