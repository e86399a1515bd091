#pragma once
// Records the engine hands to persistence, in order, through a bounded SPSC ring. The
// engine strand is the only producer; the storage writer thread the only consumer.
#include <cstdint>
#include <variant>

#include "meridian/core/spsc_ring.hpp"
#include "meridian/engine/ledger.hpp"
#include "meridian/engine/session.hpp"
#include "meridian/engine/snapshot.hpp"
#include "meridian/engine/strategy_instance.hpp"
#include "meridian/engine/trade.hpp"

namespace meridian::engine {

// A trade with the position and cash it left behind, written in one transaction.
struct TradeRecord {
  Trade trade;
  core::Money cash_after{};
  core::Money fees_paid_after{};
  PositionState position_after{};
};

struct BarRecord {
  core::Bar bar;
};

struct SignalRecord {
  SignalEntry entry;
};

// Asks the writer to commit everything before it and then exit.
struct StopRecord {};

using JournalRecord =
    std::variant<TradeRecord, BarRecord, SignalRecord, SessionRecord, InstanceRecord, InstanceDeleted, StopRecord>;

struct JournalEntry {
  std::uint64_t seq = 0;
  JournalRecord record;
};

using JournalQueue = core::SpscRing<JournalEntry>;

}  // namespace meridian::engine
