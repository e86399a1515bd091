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

// An order's new state; the writer upserts the orders row and appends order_events
// (event_seq is the order's 1, 2, ... transition).
struct OrderRecord {
  execution::Order order;
  std::uint32_t event_seq = 1;
};

// The portfolio's risk limits and state (risk_limits row).
struct RiskRecord {
  risk::Limits limits{};
  risk::RiskMemory memory{};
};

// A minute's equity sample (equity_samples row).
struct EquityRecord {
  core::Timestamp ts{};
  core::Money equity{};
  core::Money cash{};
};

// POST /api/trading/reset: the writer deletes the portfolio's orders, trades and positions
// and sets its cash back to `cash`, in one transaction.
struct ResetRecord {
  core::Money cash{};
};

// Raises the portfolio's order-id high-water mark (portfolios.order_id_reserved) to `upto`:
// the engine hands out order ids only up to a mark that is durable, so an id given to a
// client is never given again after a crash (issue 11 item 5).
struct OrderIdReservation {
  std::uint64_t upto = 0;
};

// Asks the writer to commit everything before it and then exit.
struct StopRecord {};

using JournalRecord = std::variant<TradeRecord, BarRecord, SignalRecord, SessionRecord, InstanceRecord, InstanceDeleted,
                                   OrderRecord, RiskRecord, EquityRecord, ResetRecord, OrderIdReservation, StopRecord>;

struct JournalEntry {
  std::uint64_t seq = 0;
  JournalRecord record;
};

using JournalQueue = core::SpscRing<JournalEntry>;

}  // namespace meridian::engine
