#pragma once
// Shared by the engine's order and risk tests: a Portfolio wired to a real PaperExecutor
// filling at the touch (figures a test can work out by hand), three instruments on a venue
// without a calendar (always open; DAY orders end with the UTC day), builders for ticks and
// order requests, and the journal pulled the way the writer would see it.
#include <chrono>
#include <optional>
#include <variant>
#include <vector>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"

namespace meridian::engine::test {

using core::Money;
using core::Price;
using core::Quantity;
using core::Side;
using core::SymbolId;
using core::Tick;
using core::Timestamp;
using execution::Order;
using execution::OrderRequest;
using execution::OrderStatus;
using execution::OrderType;
using execution::TimeInForce;
using std::chrono::seconds;

inline Price px(const char* text) {
  return *Price::parse(text);
}
inline Quantity qty(const char* text) {
  return *Quantity::parse(text);
}
inline Money money(const char* text) {
  return *Money::parse(text);
}

// A Wednesday, 10:00 UTC: the next UTC day starts 14 hours later.
inline const Timestamp kT0{std::chrono::sys_days{std::chrono::year{2026} / 4 / 1}.time_since_epoch() +
                           std::chrono::hours(10)};
inline constexpr seconds kNextDay{14 * 3600};
inline constexpr std::int64_t kFeeBps = 10;
inline constexpr SymbolId kAaa = 0;
inline constexpr SymbolId kBbb = 1;
inline constexpr SymbolId kCcc = 2;

// Whole shares, cents; "test" is no venue with a calendar.
inline core::InstrumentTable instruments() {
  using core::AssetClass;
  return core::InstrumentTable({
      {0, "AAA", "test", AssetClass::equity, "USD", 2, 0, 100.0, 0.3},
      {0, "BBB", "test", AssetClass::equity, "USD", 2, 0, 50.0, 0.3},
      {0, "CCC", "test", AssetClass::equity, "USD", 2, 0, 20.0, 0.3},
  });
}

// A stopped session: no strategy places orders, only the test does.
inline PortfolioConfig manual_config() {
  PortfolioConfig c;
  c.initial_capital = Money::from_units(100'000);
  c.autostart = false;
  return c;
}

inline OrderRequest market(SymbolId symbol, Side side, const char* quantity) {
  OrderRequest r;
  r.symbol = symbol;
  r.side = side;
  r.quantity = qty(quantity);
  return r;
}
inline OrderRequest limit(SymbolId symbol, Side side, const char* quantity, const char* price) {
  OrderRequest r = market(symbol, side, quantity);
  r.type = OrderType::limit;
  r.limit_price = px(price);
  return r;
}
inline OrderRequest stop(SymbolId symbol, Side side, const char* quantity, const char* stop_price) {
  OrderRequest r = market(symbol, side, quantity);
  r.type = OrderType::stop;
  r.stop_price = px(stop_price);
  return r;
}

// A trade recorded by hand (POST /api/trades), not forced.
inline ManualTrade manual(SymbolId symbol, Side side, Quantity quantity, Price price, Money fee = {}) {
  ManualTrade m;
  m.symbol = symbol;
  m.side = side;
  m.quantity = quantity;
  m.price = price;
  m.fee = fee;
  return m;
}
// The same trade forced (outside the price band, or with no market price) for `reason`.
inline ManualTrade forced(ManualTrade m, std::string reason) {
  m.force = true;
  m.reason = std::move(reason);
  return m;
}
template <class T>
std::vector<T> records_of(const std::vector<JournalEntry>& entries) {
  std::vector<T> out;
  for (const auto& e : entries)
    if (const auto* r = std::get_if<T>(&e.record)) out.push_back(*r);
  return out;
}

template <class T>
std::vector<T> events_of(const std::vector<EngineEvent>& events) {
  std::vector<T> out;
  for (const auto& e : events)
    if (const auto* x = std::get_if<T>(&e)) out.push_back(*x);
  return out;
}

// The OrderRecords of one order, in journal order.
inline std::vector<OrderRecord> order_records(const std::vector<JournalEntry>& entries, execution::OrderId id) {
  std::vector<OrderRecord> out;
  for (const auto& r : records_of<OrderRecord>(entries))
    if (r.order.id == id) out.push_back(r);
  return out;
}

// What an order command answered.
struct Submitted {
  CommandResult error;
  OrderTicket ticket;
};

struct Rig {
  explicit Rig(PortfolioConfig config = manual_config(), RecoveredState recovered = {})
      : engine(table, std::move(config), executor, journal, std::move(recovered)) {}

  core::InstrumentTable table = instruments();
  execution::PaperExecutor executor{execution::PaperConfig::at_touch(kFeeBps), table};
  JournalQueue journal{1024};
  Portfolio engine;
  std::vector<JournalEntry> log;  // everything pull() has taken, in order

  // Trades at `last` with bid and ask `spread` either side, at kT0 + at.
  void tick(SymbolId symbol, seconds at, const char* last, const char* spread = "0.05",
            const char* volume = "1000000") {
    Tick t;
    t.symbol = symbol;
    t.ts = kT0 + at;
    t.last = px(last);
    t.bid = t.last - px(spread);
    t.ask = t.last + px(spread);
    t.volume = qty(volume);
    engine.on_ticks(std::span<const Tick>(&t, 1));
  }

  Submitted submit(OrderRequest request) {
    Submitted s;
    s.error = engine.submit_order(std::move(request), s.ticket);
    return s;
  }

  // The writer's side: what the engine journaled since the last pull (overflow included).
  std::vector<JournalEntry> pull() {
    std::vector<JournalEntry> out;
    for (bool done = false; !done;) {
      done = engine.flush_journal();
      while (auto e = journal.try_pop()) out.push_back(std::move(*e));
    }
    log.insert(log.end(), out.begin(), out.end());
    return out;
  }

  std::shared_ptr<const Snapshot> snapshot() { return engine.make_snapshot(); }
  // The order as the latest snapshot shows it (open or recently finished), or null.
  const Order* order(execution::OrderId id) {
    keep_ = snapshot();
    return keep_->find_order(id);
  }
  // Every order the latest snapshot shows.
  std::size_t orders_shown() {
    std::size_t n = 0;
    snapshot()->for_each_order([&](const Order&) { ++n; });
    return n;
  }
  Quantity held(SymbolId symbol) const { return engine.ledger().position(symbol).quantity; }

 private:
  std::shared_ptr<const Snapshot> keep_;  // what order() points into
};

// The portfolio as a restart would load it from what `rig` journaled: the live ledger (every
// fill is journaled with it), the session, and the latest risk record.
inline RecoveredState recovered_from(Rig& rig) {
  rig.pull();
  RecoveredState rec;
  rec.has_portfolio = true;
  const auto& ledger = rig.engine.ledger();
  rec.cash = ledger.cash();
  rec.fees_paid = ledger.fees_paid();
  for (std::size_t i = 0; i < ledger.positions().size(); ++i)
    if (!ledger.positions()[i].quantity.is_zero())
      rec.positions.emplace_back(static_cast<SymbolId>(i), ledger.positions()[i]);
  rec.session = rig.engine.session();
  const auto risk = records_of<RiskRecord>(rig.log);
  if (!risk.empty()) rec.risk = risk.back();
  const auto trades = records_of<TradeRecord>(rig.log);
  if (!trades.empty()) rec.last_trade_id = trades.back().trade.id;
  for (const auto& o : records_of<OrderRecord>(rig.log)) rec.last_order_id = std::max(rec.last_order_id, o.order.id);
  return rec;
}

}  // namespace meridian::engine::test
