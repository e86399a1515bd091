#pragma once
// Loads what the engine resumes from: portfolio cash, positions, recent trades, the last
// session and recent bars. Creates the default user and portfolio on a first start.
#include <stdexcept>
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
  // Order ids reserved durably at start (and per later block): RecoveredState::order_id_*.
  std::uint64_t order_id_block = 100'000;
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
  // Journal records the database refused and an operator has not yet replayed or discarded
  // (storage/dead_letters.hpp): "2 trade, 1 order". The ledger differs from the trade log by
  // exactly these until they are resolved.
  std::uint64_t dead_letters_pending = 0;
  std::string dead_letters_detail;
  // Set by serve when stored data could not be loaded: the daemon runs read-only (trading
  // commands refused with 503 read_only, GETs answered, /health degraded with this reason).
  std::string read_only_reason;
  // Filled in by serve: time spent as a hot standby and the fencing epoch taken.
  double standby_ms = 0;
  std::int64_t writer_epoch = 0;
};

struct RecoveryReport {
  engine::RecoveredState state;
  RecoverySummary summary;
};

// Stored data this binary cannot load (a value that does not fit the ledger, a bad row): the
// daemon starts read-only rather than not at all (issue 11 item 1). what() names the column.
struct UnloadableState : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Loads the portfolio `options.portfolio_id` (created if missing): its own rows only, and its
// next ids from its own id range (engine/id_space.hpp). Throws std::invalid_argument for a
// portfolio id outside 1..engine::kMaxPortfolioId, UnloadableState for stored data it cannot
// load; anything else (connection or query failure) as it comes (start-up fails).
RecoveryReport load_state(const std::string& database_url, const core::InstrumentTable& instruments,
                          const RecoveryOptions& options);

}  // namespace meridian::storage
