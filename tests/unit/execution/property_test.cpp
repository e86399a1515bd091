// Property test of the paper executor: seeded random streams of orders (every type, time in
// force, trailing stops, brackets, some invalid), cancels, replaces and ticks over three symbols.
// After every event: the fills, applied to an oracle ledger, reconcile exactly; every fill
// belongs to an order accepted before it and comes after its decision and its latency; the
// fills of an order sum to its filled quantity, never above its quantity; positions never go
// negative (all sells are reduce-only, capped by what is held). The same seed gives the same
// fills twice.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "meridian/execution/paper_executor.hpp"
#include "paper_fixture.hpp"

namespace meridian::execution::test {
namespace {

constexpr core::SymbolId kSymbols = 3;

// What the engine's ledger does (src/engine/ledger.cpp), written again as the test's oracle:
// long-only positions with a pro-rata cost basis on sells.
class OracleLedger {
 public:
  explicit OracleLedger(Money cash) : initial_(cash), cash_(cash) {}

  // False when a sell exceeds the position.
  bool apply(const Fill& f) {
    Position& p = positions_.at(f.symbol);
    if (f.side == Side::sell && f.quantity > p.quantity) return false;
    const Money value = core::notional(f.price, f.quantity);
    fees_ += f.fee;
    if (f.side == Side::buy) {
      cash_ -= value + f.fee;
      p.quantity += f.quantity;
      p.cost_basis += value;
      return true;
    }
    const Money cost =
        f.quantity == p.quantity ? p.cost_basis : core::scale(p.cost_basis, f.quantity.raw(), p.quantity.raw());
    cash_ += value - f.fee;
    p.quantity -= f.quantity;
    p.cost_basis -= cost;
    p.realized += value - cost;
    return true;
  }

  // cash + sum(cost basis) == initial + sum(realized) - fees, to the unit.
  bool reconciles() const {
    Money left = cash_;
    Money right = initial_ - fees_;
    for (const auto& p : positions_) {
      left += p.cost_basis;
      right += p.realized;
      if (p.quantity.raw() < 0) return false;
    }
    return left == right;
  }
  Quantity held(core::SymbolId s) const { return positions_.at(s).quantity; }
  Money cash() const { return cash_; }

 private:
  struct Position {
    Quantity quantity{};
    Money cost_basis{};
    Money realized{};
  };
  Money initial_;
  Money cash_;
  Money fees_{};
  std::array<Position, kSymbols> positions_{};
};

// Checks every report as it arrives and records violations as text.
class CheckingSink final : public SplitSink {
 public:
  explicit CheckingSink(const PaperExecutor& ex) : ex_(ex) {}

  void on_order(const Order& o) override {
    auto [it, first] = known_.try_emplace(o.id);
    Known& k = it->second;
    if (first) {
      k.created = o.created;
      if (o.parent_id != 0) ++seen["bracket leg"];
    }
    if (is_terminal(o.status)) ++seen[std::string(to_string(o.status)) + " " + o.reason.substr(0, o.reason.find(':'))];
    if (o.triggered) ++seen["triggered report"];
    if (k.terminal) fail(o.id, "reported after it was terminal");
    if (o.status == OrderStatus::new_order) fail(o.id, "reported as new");
    if (o.status != OrderStatus::rejected) k.accepted = true;
    if (is_terminal(o.status)) k.terminal = true;
    if (o.filled_quantity != k.filled) fail(o.id, "filled_quantity differs from the sum of its fills");
    if (o.filled_quantity > o.request.quantity) fail(o.id, "filled above its quantity");
    if (!is_terminal(o.status) && o.filled_quantity >= o.request.quantity) fail(o.id, "open but fully filled");
    if (o.created != k.created) fail(o.id, "created changed");
  }

  void on_fill(const Order& o, const Fill& f) override {
    const auto it = known_.find(f.order_id);
    if (it == known_.end() || !it->second.accepted) return fail(f.order_id, "fill of an order never accepted");
    Known& k = it->second;
    if (k.terminal) fail(f.order_id, "fill after terminal");
    if (o.id != f.order_id || o.request.symbol != f.symbol || o.request.side != f.side)
      fail(f.order_id, "fill does not match its order");
    if (f.symbol != tick_symbol || f.ts != tick_ts) fail(f.order_id, "fill not from the current tick");
    if (f.ts <= k.created) fail(f.order_id, "fill at or before the decision");
    if (f.ts < o.eligible_at) fail(f.order_id, "fill before eligible_at");
    if (f.quantity.raw() <= 0 || f.price.raw() <= 0) fail(f.order_id, "empty fill");
    if (f.strategy_id != o.request.strategy_id) fail(f.order_id, "strategy id lost");
    if (f.fee != ex_.fee_for(f.symbol, f.price, f.quantity, f.liquidity)) fail(f.order_id, "fee is not fee_for");
    const bool limit_like = o.request.type == OrderType::limit || o.request.type == OrderType::stop_limit;
    const Price limit = o.request.limit_price;
    if (limit_like && (f.side == Side::buy ? f.price > limit : f.price < limit)) fail(f.order_id, "beyond limit");
    if (f.liquidity == Liquidity::maker && (!limit_like || f.price != limit)) fail(f.order_id, "bad maker fill");
    k.filled += f.quantity;
    if (k.filled != o.filled_quantity) fail(f.order_id, "fills do not sum to filled_quantity");
    if (k.filled > o.request.quantity) fail(f.order_id, "fills exceed the quantity");
    if (!ledger.apply(f)) fail(f.order_id, "sell exceeds the position");
    digest = digest * 1'000'003 + static_cast<std::uint64_t>(f.order_id ^ f.price.raw() ^ (f.quantity.raw() << 7) ^
                                                             f.fee.raw() ^ f.ts.time_since_epoch().count());
    ++fills;
    ++seen[std::string(to_string(f.liquidity)) + (o.status == OrderStatus::partially_filled ? " partial" : " final")];
  }

  // Long-only: sells may reduce what is held; there is never a short for a buy to cover.
  Quantity reducible(const Order& o) const noexcept override {
    return o.request.side == Side::sell ? ledger.held(o.request.symbol) : Quantity{};
  }
  OrderId allocate_order_id() noexcept override { return next_id++; }

  // After an event: the book holds only open orders that agree with their fills.
  void check_book() {
    for (const Order& o : ex_.open_orders()) {
      if (is_terminal(o.status) || o.status == OrderStatus::new_order) fail(o.id, "not open in open_orders");
      const auto it = known_.find(o.id);
      if (it == known_.end() || !it->second.accepted || it->second.terminal) {
        fail(o.id, "in the book but not reported accepted");
        continue;
      }
      if (it->second.filled != o.filled_quantity) fail(o.id, "book filled_quantity differs from its fills");
      if (o.filled_quantity >= o.request.quantity) fail(o.id, "book order fully filled");
    }
    if (!ledger.reconciles()) failures.push_back("ledger does not reconcile");
  }

  OracleLedger ledger{Money::from_units(1'000'000)};
  std::vector<std::string> failures;
  core::SymbolId tick_symbol = 0;
  Timestamp tick_ts{};
  std::uint64_t digest = 0;
  long fills = 0;
  std::map<std::string, long> seen;  // how often each outcome happened: the stream must cover them
  OrderId next_id = 1'000'000;

 private:
  struct Known {
    Timestamp created{};
    Quantity filled{};
    bool accepted = false;
    bool terminal = false;
  };
  void fail(OrderId id, const char* what) { failures.push_back("order " + std::to_string(id) + ": " + what); }

  const PaperExecutor& ex_;
  std::map<OrderId, Known> known_;
};

struct RunResult {
  std::uint64_t digest = 0;
  long fills = 0;
  Money cash{};
  long rejected_replaces = 0;
  std::map<std::string, long> seen;
};

// One seeded stream of `events` events; stops at the first violated property.
RunResult run(std::uint64_t seed, int events) {
  const auto instruments = test_instruments();
  PaperConfig config = plain_config();
  config.slippage_bps = 2.0;
  config.impact_bps = 15.0;
  config.max_slippage_bps = 80.0;
  config.max_participation = 0.4;
  config.latency = std::chrono::milliseconds(250);
  config.fees = FeeSchedule{1.0, 7.5, money("0.01")};
  config.venue_fees = {{"crypto", FeeSchedule{-0.5, 20.0, Money{}}}};  // a maker rebate
  PaperExecutor ex(config, instruments);
  CheckingSink sink(ex);
  std::mt19937_64 rng(seed);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  auto cents = [](std::int64_t c) { return Price::from_raw(c * 1'000'000); };
  std::array<std::int64_t, kSymbols> mid{10'000, 5'000, 20'000};  // in cents
  Timestamp now = kT0;
  OrderId next_order = 1;
  RunResult result;

  auto random_quantity = [&](core::SymbolId s) {
    return s == 1 ? Quantity::from_raw(pick(1, 5000) * 100'000) : Quantity::from_units(pick(1, 20));
  };
  auto random_order = [&]() {
    Order o;
    o.id = next_order++;
    o.created = now;
    OrderRequest& r = o.request;
    r.symbol = static_cast<core::SymbolId>(pick(0, kSymbols - 1));
    r.side = pick(0, 9) < 6 ? Side::buy : Side::sell;
    r.reduce_only = r.side == Side::sell;
    r.quantity = random_quantity(r.symbol);
    r.type = static_cast<OrderType>(pick(0, 3));
    r.tif = static_cast<TimeInForce>(pick(0, 3));
    r.strategy_id = static_cast<std::uint64_t>(pick(0, 4));
    if (r.tif == TimeInForce::day) o.expires_at = now + std::chrono::seconds(pick(1, 120));
    const std::int64_t m = mid[r.symbol];
    const bool buy = r.side == Side::buy;
    std::int64_t reference = m;
    if (r.type == OrderType::limit || r.type == OrderType::stop_limit) {
      reference = m + pick(-100, 100);
      r.limit_price = cents(reference);
    }
    if (r.type == OrderType::stop || r.type == OrderType::stop_limit) {
      const int trail = static_cast<int>(pick(0, 9));
      if (trail < 2) {
        r.trail_amount = cents(pick(10, 200));
      } else if (trail < 4) {
        r.trail_percent = static_cast<double>(pick(5, 30)) / 10.0;
      } else {
        const std::int64_t stop = buy ? m + pick(0, 100) : m - pick(0, 100);
        r.stop_price = cents(stop);
        if (r.type == OrderType::stop) reference = stop;
      }
    }
    if (buy && pick(0, 9) < 4) {
      r.take_profit = cents(reference + pick(20, 300));
      if (pick(0, 3) == 0)
        r.bracket_trail_amount = cents(pick(20, 200));
      else
        r.stop_loss = cents(reference - pick(20, 300));
    }
    if (pick(0, 4) == 0) r.client_order_id = "client-order-id-long-enough-for-the-heap-" + std::to_string(o.id);
    switch (pick(0, 39)) {  // now and then, something the executor must reject
      case 0: r.quantity = Quantity{}; break;
      case 1: r.symbol = 7; break;
      case 2: r.quantity = r.quantity + Quantity::from_raw(1); break;  // not whole lots
      case 3: r.take_profit = cents(1); break;                         // wrong side (or a sell)
      default: break;
    }
    return o;
  };
  auto random_tick = [&]() {
    const auto s = static_cast<core::SymbolId>(pick(0, kSymbols - 1));
    mid[s] = std::max<std::int64_t>(100, mid[s] + pick(-30, 30));
    now += std::chrono::milliseconds(pick(0, 2000));
    const std::int64_t spread = pick(1, 5);
    Tick t;
    t.symbol = s;
    t.ts = now;
    t.bid = pick(0, 19) == 0 ? Price{} : cents(mid[s] - spread);
    t.ask = pick(0, 19) == 0 ? Price{} : cents(mid[s] + spread);
    t.last = cents(mid[s] + pick(-8, 8));
    const std::int64_t lots = pick(0, 4) == 0 ? 0 : pick(1, 50);
    t.volume = s == 1 ? Quantity::from_raw(lots * 37'000'000) : Quantity::from_units(lots);
    return t;
  };

  for (int e = 0; e < events; ++e) {
    const auto kind = pick(0, 99);
    std::ostringstream what;
    if (kind < 55) {
      const Tick t = random_tick();
      sink.tick_symbol = t.symbol;
      sink.tick_ts = t.ts;
      what << "tick " << t.symbol << " bid " << t.bid.to_string() << " ask " << t.ask.to_string();
      ex.on_tick(t, sink);
    } else if (kind < 85) {
      const Order o = random_order();
      what << "submit " << o.id;
      ex.submit(o, sink);
    } else {
      const auto open = ex.open_orders();
      if (open.empty()) continue;
      const Order& target = open[static_cast<std::size_t>(pick(0, static_cast<std::int64_t>(open.size()) - 1))];
      const OrderId id = target.id;
      if (kind < 93) {
        what << "cancel " << id;
        if (!ex.cancel(id, "random cancel", sink)) sink.failures.push_back("cancel of an open order refused");
      } else {
        OrderRequest changes = target.request;
        const bool lots = target.request.symbol == 1;
        changes.quantity = target.filled_quantity +
                           (lots ? Quantity::from_raw(pick(1, 3000) * 100'000) : Quantity::from_units(pick(1, 15)));
        if (!changes.limit_price.is_zero()) changes.limit_price = changes.limit_price + cents(pick(-50, 50));
        if (!changes.stop_price.is_zero() && changes.trail_amount.is_zero() && changes.trail_percent == 0.0)
          changes.stop_price = changes.stop_price + cents(pick(-50, 50));
        what << "replace " << id;
        const auto before = ex.open_orders().size();
        if (!ex.replace(id, changes, sink)) {
          ++result.rejected_replaces;
          if (ex.open_orders().size() != before) sink.failures.push_back("refused replace changed the book");
        }
      }
    }
    sink.check_book();
    if (!sink.failures.empty()) {
      ADD_FAILURE() << "seed " << seed << " event " << e << " (" << what.str() << "): " << sink.failures.front();
      break;
    }
  }
  result.digest = sink.digest;
  result.fills = sink.fills;
  result.cash = sink.ledger.cash();
  result.seen = sink.seen;
  return result;
}

TEST(ExecutionProperty, RandomStreamsKeepEveryInvariant) {
  std::map<std::string, long> seen;
  for (std::uint64_t seed : {1u, 7u, 42u, 2024u, 99991u}) {
    const RunResult first = run(seed, 6000);
    ASSERT_FALSE(::testing::Test::HasFailure()) << "seed " << seed;
    EXPECT_GT(first.fills, 300) << "seed " << seed;
    for (const auto& [what, n] : first.seen) seen[what] += n;
    const RunResult again = run(seed, 6000);
    EXPECT_EQ(again.digest, first.digest) << "seed " << seed << ": same input, different fills";
    EXPECT_EQ(again.fills, first.fills);
    EXPECT_EQ(again.cash, first.cash);
  }
  // The streams exercise the executor, not just the validator: every outcome happens.
  for (const char* what : {"bracket leg", "triggered report", "taker partial", "taker final", "maker partial",
                           "maker final", "cancelled random cancel", "cancelled ioc", "expired fok", "expired day",
                           "cancelled oco", "cancelled position_closed", "rejected invalid_quantity",
                           "rejected unknown_symbol", "rejected invalid_lot", "rejected invalid_bracket", "filled "})
    EXPECT_GT(seen[what], 0) << what;
}

}  // namespace
}  // namespace meridian::execution::test
