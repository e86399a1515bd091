#pragma once
// Journal records the writer tests push by hand.
#include <chrono>

#include "meridian/engine/journal.hpp"

namespace meridian::it {

// A flat 1m bar for symbol 0, one minute per sequence number, so every seq is a new row.
inline engine::JournalEntry bar_entry(std::uint64_t seq) {
  core::Bar b;
  b.symbol = 0;
  b.timeframe = core::Timeframe::m1;
  b.open_time = core::Timestamp(std::chrono::minutes(28'000'000 + static_cast<long>(seq)));
  b.open = b.high = b.low = b.close = core::Price::from_units(100);
  b.volume = core::Quantity::from_units(1);
  return {seq, engine::BarRecord{b}};
}

// The filled market order a hand-made trade belongs to (trades refer to their order).
inline engine::OrderRecord filled_order(const engine::Trade& t) {
  execution::Order o;
  o.id = t.order_id;
  o.request.symbol = t.symbol;
  o.request.side = t.side;
  o.request.quantity = t.quantity;
  o.request.strategy_id = t.strategy_id;
  o.status = execution::OrderStatus::filled;
  o.filled_quantity = t.quantity;
  o.filled_notional = core::notional(t.price, t.quantity);
  o.fees = t.fee;
  o.created = o.eligible_at = o.updated = t.ts;
  return {o, 1};
}

}  // namespace meridian::it
