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
  std::size_t bars_per_series = 5000;  // stored 5m..1d bars per symbol and timeframe
  std::size_t trades = 10'000;
};

// What a start recovered, for the log and GET /api/status (no state, cheap to copy).
struct RecoverySummary {
  bool from_database = false;  // false: memory-only mode, nothing recovered
  std::uint64_t positions = 0;
  std::uint64_t trades = 0;  // the whole log, replayed for the reconciliation
  std::uint64_t bars = 0;
  std::uint64_t signals = 0;
  std::uint64_t instances = 0;
  std::string session = "new";  // the resumed session state, or "new"
  double duration_ms = 0;
  // False when the stored cash/positions differ from a replay of the trade log.
  bool reconciled = true;
  std::string reconcile_detail;
  // Filled in by serve: time spent as a hot standby and the fencing epoch taken.
  double standby_ms = 0;
  std::int64_t writer_epoch = 0;
};

struct RecoveryReport {
  engine::RecoveredState state;
  RecoverySummary summary;
};

// Throws on connection or query failure (start-up).
RecoveryReport load_state(const std::string& database_url, const core::InstrumentTable& instruments,
                          const RecoveryOptions& options);

}  // namespace meridian::storage
