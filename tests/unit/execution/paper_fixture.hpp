#pragma once
// Shared by the paper executor tests: three instruments on three venues, a sink that records
// every report, and short builders for ticks and orders.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/execution/paper_executor.hpp"

namespace meridian::execution::test {

using core::Money;
using core::Price;
using core::Quantity;
using core::Side;
using core::Tick;
using core::Timestamp;

inline Price px(const char* text) {
  return *Price::parse(text);
}
inline Quantity qty(const char* text) {
  return *Quantity::parse(text);
}
inline Money money(const char* text) {
  return *Money::parse(text);
}

inline const Timestamp kT0{std::chrono::seconds(1'700'000'000)};
inline Timestamp at_ms(std::int64_t ms) {
  return kT0 + std::chrono::milliseconds(ms);
}

// 0: AAA (nyse, whole shares), 1: BBB (crypto, 3 quantity decimals), 2: CCC (nse).
inline core::InstrumentTable test_instruments() {
  using A = core::AssetClass;
  return core::InstrumentTable({
      {0, "AAA", "nyse", A::equity, "USD", 2, 0, 100.0, 0.3},
      {0, "BBB", "crypto", A::crypto, "USD", 2, 3, 100.0, 0.6},
      {0, "CCC", "nse", A::equity, "INR", 2, 0, 100.0, 0.3},
  });
}

// No slippage, 10 bps taker, 2 bps maker, no latency, no participation cap: prices in tests
// are the touch unless a test configures otherwise.
inline PaperConfig plain_config() {
  PaperConfig c;
  c.fees = FeeSchedule{2.0, 10.0, Money{}};
  c.slippage_bps = 0.0;
  c.impact_bps = 0.0;
  c.max_slippage_bps = 100.0;
  c.max_participation = 1.0;
  c.latency = core::Duration{};
  return c;
}

inline Tick tick(core::SymbolId symbol, std::int64_t ms, const char* bid, const char* ask, const char* last,
                 const char* volume = "0") {
  Tick t;
  t.symbol = symbol;
  t.ts = at_ms(ms);
  t.bid = px(bid);
  t.ask = px(ask);
  t.last = px(last);
  t.volume = qty(volume);
  return t;
}

inline Order order(OrderId id, core::SymbolId symbol, Side side, const char* quantity,
                   OrderType type = OrderType::market, std::int64_t created_ms = 0) {
  Order o;
  o.id = id;
  o.request.symbol = symbol;
  o.request.side = side;
  o.request.quantity = qty(quantity);
  o.request.type = type;
  o.created = at_ms(created_ms);
  return o;
}

// The reports as the tests check them: a fill report as the fill and then the order after it.
class SplitSink : public ExecutionSink {
 public:
  void report(ExecutionReport r) override {
    if (r.kind == ExecutionReport::Kind::fill) on_fill(r.order, r.fill);
    on_order(r.order);
  }
  virtual void on_order(const Order& o) = 0;
  virtual void on_fill(const Order& o, const Fill& f) = 0;
};

// Records every report; reducible() answers from a table set by the test (default: unlimited).
class RecordingSink final : public SplitSink {
 public:
  void on_order(const Order& o) override { orders.push_back(o); }
  void on_fill(const Order& o, const Fill& f) override {
    fills.push_back(f);
    fill_orders.push_back(o);
  }
  Quantity reducible(const Order& o) const noexcept override {
    const auto it = reducible_by_order.find(o.id);
    return it == reducible_by_order.end() ? Quantity::from_units(1'000'000) : it->second;
  }
  OrderId allocate_order_id() noexcept override { return next_id++; }
  bool can_settle(const Fill&) const noexcept override { return settles; }

  // The last report about `id`.
  const Order* last(OrderId id) const {
    for (auto it = orders.rbegin(); it != orders.rend(); ++it)
      if (it->id == id) return &*it;
    return nullptr;
  }
  std::vector<Fill> fills_of(OrderId id) const {
    std::vector<Fill> out;
    for (const auto& f : fills)
      if (f.order_id == id) out.push_back(f);
    return out;
  }

  std::vector<Order> orders;
  std::vector<Fill> fills;
  std::vector<Order> fill_orders;
  std::map<OrderId, Quantity> reducible_by_order;
  OrderId next_id = 1000;
  bool settles = true;  // false: the ledger refuses every fill (out of its range)
};

}  // namespace meridian::execution::test
