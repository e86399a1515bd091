#pragma once
// A journal record as JSON and back: the payload a dead-lettered record keeps
// (journal_dead_letters.payload), which an operator reads and a replay applies again.
// Money, prices and quantities travel as decimal text (exact), times as epoch microseconds.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/journal.hpp"

namespace meridian::storage {

// "trade", "order", "bar", "signal", "session", "instance", "instance_deleted", "risk",
// "equity", "reset", "order_ids", "stop".
std::string_view record_kind(const engine::JournalRecord& record) noexcept;

nlohmann::json record_payload(const engine::JournalRecord& record, const core::InstrumentTable& instruments);

// The record a payload describes; nullopt with `error` set when the kind cannot be replayed
// (signals: a derived log, not the ledger) or the payload is not one this binary wrote.
std::optional<engine::JournalRecord> record_from_payload(std::string_view kind, const nlohmann::json& payload,
                                                         const core::InstrumentTable& instruments, std::string& error);

}  // namespace meridian::storage
