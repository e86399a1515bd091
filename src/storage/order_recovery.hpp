#pragma once
// Recovery of what #5 added: open and recent orders, the risk limits and state, and the
// equity curve. Called inside recovery's transaction.
#include <pqxx/pqxx>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/recovered_state.hpp"

namespace meridian::storage {

void load_orders(pqxx::work& tx, const core::InstrumentTable& instruments, std::int64_t portfolio_id,
                 engine::RecoveredState& s);
void load_risk(pqxx::work& tx, std::int64_t portfolio_id, engine::RecoveredState& s);
void load_equity(pqxx::work& tx, std::int64_t portfolio_id, engine::RecoveredState& s);

}  // namespace meridian::storage
