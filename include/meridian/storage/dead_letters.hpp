#pragma once
// The journal's dead-letter table (sql/007_dead_letter.sql): records the database refused,
// kept with their full payload and the error, for an operator to replay or discard.
//
// Which records depend on a dead-lettered one (and are dead-lettered with it, pointing at it
// through depends_on, instead of being written): every later record of the same order (its
// row and events), and every trade of that order or bracket leg whose parent it is. Nothing
// else depends on it: trades carry the position and cash they left behind, so a trade written
// after a dead-lettered trade is independent of it (the trade log then lacks the dead-lettered
// trade until it is replayed, which recovery's reconciliation reports as pending).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/core/time.hpp"

namespace meridian::storage {

struct DeadLetter {
  std::int64_t id = 0;
  std::int64_t portfolio_id = 0;
  std::string kind;  // record_kind(): trade, order, bar, ...
  std::uint64_t journal_seq = 0;
  std::string payload;  // JSON text
  std::string error;    // the database's message (operators only: never shown to API clients)
  std::string sqlstate;
  std::optional<std::int64_t> depends_on;
  core::Timestamp first_seen{};
  std::string state;  // pending, replayed, discarded
};

// One portfolio's letters, or every portfolio's (nullopt). `pending_only`: only state =
// 'pending'. Oldest first, at most `limit`.
std::vector<DeadLetter> list_dead_letters(const std::string& database_url, std::optional<std::int64_t> portfolio_id,
                                          bool pending_only, std::size_t limit = 1000);

// Applies a pending dead letter's payload to the database as the journal would have, and
// marks it replayed, in one transaction. A trade with newer trades already written adds its
// row to the trade log only: the cash and position rows already include it (see above).
// Refuses (returns the reason) a letter that is not pending, one whose depends_on is still
// pending (replay that first), or a payload of a kind that cannot be replayed. Throws on
// connection failure or when the database refuses the payload again (the error says why).
std::optional<std::string> replay_dead_letter(const std::string& database_url, const core::InstrumentTable& instruments,
                                              std::int64_t id);
// Marks a pending dead letter discarded (the operator decided it is not to be written).
std::optional<std::string> discard_dead_letter(const std::string& database_url, std::int64_t id);

}  // namespace meridian::storage
