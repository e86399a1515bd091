#pragma once
// The order records of one journal batch as two set-based statements: an upsert of each
// order's latest state and the order_events rows of every transition. Writer thread only.
#include <pqxx/pqxx>
#include <unordered_map>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/journal.hpp"

namespace meridian::storage {

class OrderBatch {
 public:
  void add(const engine::OrderRecord& record) { records_.push_back(&record); }
  bool empty() const noexcept { return records_.empty(); }
  // Writes and forgets what was added. Orders go in before the trades that refer to them.
  void flush(pqxx::transaction_base& tx, const core::InstrumentTable& instruments, std::int64_t portfolio_id);

 private:
  std::vector<const engine::OrderRecord*> records_;
};

// The risk engine's memory as risk_limits.memory holds it, and back (the state column apart).
std::string encode_risk_memory(const risk::RiskMemory& m);
risk::RiskMemory decode_risk_memory(std::string_view state, std::string_view json);

// The portfolio's risk limits and state (risk_limits row).
void write_risk(pqxx::transaction_base& tx, std::int64_t portfolio_id, const engine::RiskRecord& record);
// POST /api/trading/reset: the portfolio's orders, trades, positions and equity samples go;
// its cash is set back.
void write_reset(pqxx::transaction_base& tx, std::int64_t portfolio_id, const engine::ResetRecord& record);

}  // namespace meridian::storage
