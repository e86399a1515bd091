#pragma once
// One journal record written as the journal writer writes it (shared by the writer's
// record-by-record path and the dead-letter replay).
#include <pqxx/pqxx>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/journal.hpp"

namespace meridian::storage {

void apply_record(pqxx::transaction_base& tx, const core::InstrumentTable& instruments, std::int64_t portfolio_id,
                  const engine::JournalRecord& record);

}  // namespace meridian::storage
