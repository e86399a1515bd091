#pragma once
// A batch's equity samples (equity_samples) and the daily roll-up they update
// (performance_metrics: one row per portfolio and UTC day). Writer thread only.
#include <pqxx/pqxx>

#include "meridian/engine/journal.hpp"
#include "pg_array.hpp"

namespace meridian::storage {

class EquityBatch {
 public:
  void add(const engine::EquityRecord& r);
  // Writes and forgets what was added; the days it touched get their performance row again
  // (equity and cash at the day's last sample, P&L against its first, the day's trades).
  void flush(pqxx::transaction_base& tx, std::int64_t portfolio_id);

 private:
  PgArray at_, equity_, cash_;
};

}  // namespace meridian::storage
