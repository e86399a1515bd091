#pragma once
// What storage loads on start and the engine resumes from.
#include <optional>
#include <utility>
#include <vector>

#include "meridian/engine/journal.hpp"
#include "meridian/engine/ledger.hpp"
#include "meridian/engine/session.hpp"
#include "meridian/engine/snapshot.hpp"
#include "meridian/engine/strategy_instance.hpp"
#include "meridian/engine/trade.hpp"

namespace meridian::engine {

struct RecoveredState {
  bool has_portfolio = false;
  core::Money cash{};
  core::Money fees_paid{};
  std::vector<std::pair<core::SymbolId, PositionState>> positions;
  std::vector<Trade> trades;  // most recent, oldest first
  std::uint64_t trades_total = 0;
  std::uint64_t last_trade_id = 0;
  std::uint64_t last_order_id = 0;
  // Durable order-id reservation (issue 11 item 5): ids up to order_id_reserved are the
  // engine's to hand out, starting above order_id_floor (the previous run's reservation, so
  // no id a crashed run handed out is given again); it journals a new block of order_id_block
  // before these run out. 0: no reservation (memory-only mode, tests): ids are unbounded.
  std::uint64_t order_id_floor = 0;
  std::uint64_t order_id_reserved = 0;
  std::uint64_t order_id_block = 0;
  std::optional<SessionRecord> session;
  std::vector<core::Bar> bars;  // recent 1m bars, oldest first
  // Stored 5m..1d bars that end before each symbol's first recent 1m bar, oldest first.
  std::vector<core::Bar> higher_bars;
  std::vector<SignalEntry> signals;       // the most recent, oldest first
  std::vector<InstanceRecord> instances;  // not including the default instance
  // Each instance's positions, from a replay of the whole trade log.
  std::vector<std::pair<std::uint64_t, std::vector<std::pair<core::SymbolId, PositionState>>>> attribution;
  std::uint64_t last_signal_id = 0;
  // Orders not yet finished (resting again in the executor) and recent finished ones.
  std::vector<execution::Order> open_orders;
  std::vector<execution::Order> recent_orders;
  // Transitions stored per open order, so new order_events continue the sequence.
  std::vector<std::pair<execution::OrderId, std::uint32_t>> order_event_seqs;
  std::optional<RiskRecord> risk;
  std::vector<risk::EquityPoint> equity;  // the recent curve, oldest first
};

}  // namespace meridian::engine
