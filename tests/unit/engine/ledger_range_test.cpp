// Property test of the ledger with extreme values (#11, "go after the classes"): random market
// data, orders and hand-recorded trades across the whole accepted range (prices and quantities
// from 1e-8 to 92233720368.54775807, log-uniform; initial capital up to the top of the range;
// fees up to the trade's value) through the real Portfolio and PaperExecutor. After every
// step:
//   - nothing wrapped: every ledger value is inside the symmetric range, and the exact
//     invariant cash + sum(cost_basis) == initial + sum(realized) - fees holds in 128 bits
//     (UBSan aborts on any signed overflow on the way);
//   - cash and positions reconcile with the trade log: replaying the journal's trades through
//     a fresh Ledger gives the live one, and every TradeRecord's cash_after/position_after is
//     what the replay had at that point;
//   - every row is one the database takes: trades' price/quantity > 0 and NUMERIC(28, 8)
//     (|value| < 1e20) for each column and for trade_totals' running per-symbol sums (sql/005),
//     orders' filled quantity >= 0 and average price > 0 or NULL.
// Fixed seeds, so a failure reproduces. The same runs go again with an executor whose reports
// arrive asynchronously (async_executor.hpp): every invariant holds, and the trades are the
// synchronous run's.
#include <gtest/gtest.h>

#include <random>

#include "async_executor.hpp"
#include "engine_rig.hpp"

namespace meridian::engine::test {
namespace {

__extension__ typedef __int128 i128;  // GCC extension; -Wpedantic knows no 128-bit type

constexpr i128 kMax = core::kMaxFixedRaw;
// NUMERIC(28, 8) holds |value| < 10^20, i.e. |raw| < 10^28.
constexpr i128 kNumericLimit = static_cast<i128>(10'000'000'000'000'000LL) * 1'000'000'000'000LL;  // 1e28

// One instrument at 1e-8 ticks and lots (crypto), one at whole units (JPY equity).
core::InstrumentTable range_instruments() {
  using core::AssetClass;
  return core::InstrumentTable({
      {0, "FINE", "test", AssetClass::crypto, "USD", 8, 8, 1.0, 0.3},
      {0, "COARSE", "test", AssetClass::equity, "JPY", 0, 0, 100.0, 0.3},
  });
}

struct Property {
  Property(std::uint64_t seed, core::Money capital, const execution::PaperConfig& paper, bool asynchronous = false)
      : rng(seed),
        initial(capital),
        paper_executor(paper, table),
        async_executor(paper, table, io),
        executor(asynchronous ? static_cast<execution::Executor&>(async_executor) : paper_executor),
        asynchronous_(asynchronous),
        engine(table, config(capital), executor, journal, {}) {}

  static PortfolioConfig config(core::Money capital) {
    PortfolioConfig c = manual_config();
    c.initial_capital = capital;
    c.limits = risk::Limits{};
    c.limits.max_order_notional = Money{};  // no limits: the range is what stops orders
    return c;
  }

  std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  }

  // Log-uniform over [1, kMax] raw units, floored to the grid of `decimals` (at least one step).
  std::int64_t extreme(int decimals) {
    const int bits = static_cast<int>(uniform(0, 62));
    const std::int64_t lo = std::int64_t{1} << bits;
    const std::int64_t hi = bits == 62 ? INT64_MAX : (lo << 1) - 1;
    const std::int64_t raw = uniform(lo, hi);
    std::int64_t step = 1;
    for (int i = decimals; i < core::kFixedDecimals; ++i) step *= 10;
    return std::max(step, raw / step * step);
  }
  // Half the time a buy the cash can pay for at `price` (a share of it), else any quantity: a
  // run must trade, not only be refused.
  Quantity buy_quantity(SymbolId s, std::int64_t price) {
    std::int64_t step = 1;
    for (int i = qty_decimals(s); i < core::kFixedDecimals; ++i) step *= 10;
    const i128 cash = engine.ledger().cash().raw();
    if (uniform(0, 1) || cash <= 0 || price <= 0) return Quantity::from_raw(extreme(qty_decimals(s)));
    i128 q = cash * core::kFixedScale / price / uniform(1, 20);
    q = q / step * step;
    if (q < step) q = step;
    if (q > kMax) q = kMax / step * step;
    return Quantity::from_raw(static_cast<std::int64_t>(q));
  }
  int price_decimals(SymbolId s) const { return table.at(s).price_decimals; }
  int qty_decimals(SymbolId s) const { return table.at(s).qty_decimals; }

  void tick(SymbolId s, seconds at) {
    Tick t;
    t.symbol = s;
    t.ts = kT0 + at;
    const std::int64_t last = uniform(0, 3) == 0 ? last_[s] : extreme(price_decimals(s));
    t.last = Price::from_raw(last);
    t.bid = Price::from_raw(std::max<std::int64_t>(1, last - last / 1000));
    t.ask = Price::from_raw(last > INT64_MAX - last / 1000 ? last : last + last / 1000);
    t.volume = Quantity::from_raw(uniform(0, 2) == 0 ? 0 : extreme(qty_decimals(s)));
    last_[s] = last;
    engine.on_ticks(std::span<const Tick>(&t, 1));
  }

  ManualTrade hand_trade(SymbolId s) {
    const bool sell = uniform(0, 2) == 0 && !engine.ledger().position(s).quantity.is_zero();
    ManualTrade m;
    m.symbol = s;
    m.side = sell ? Side::sell : Side::buy;
    // At the last price (inside the band) or anywhere, forced.
    m.price = Price::from_raw(last_[s] > 0 && uniform(0, 1) ? last_[s] : extreme(price_decimals(s)));
    m.quantity = buy_quantity(s, m.price.raw());
    if (sell && uniform(0, 1)) m.quantity = engine.ledger().position(s).quantity;
    if (uniform(0, 1)) {
      m.force = true;
      m.reason = "property";
    }
    if (uniform(0, 1)) m.fee = Money::from_raw(uniform(0, 1) ? extreme(8) : uniform(0, 1'000'000));
    return m;
  }

  OrderRequest order(SymbolId s) {
    OrderRequest r;
    r.symbol = s;
    r.side = uniform(0, 1) ? Side::buy : Side::sell;
    r.quantity = buy_quantity(s, last_[s]);
    if (r.side == Side::sell && uniform(0, 1) && !engine.ledger().position(s).quantity.is_zero())
      r.quantity = engine.ledger().position(s).quantity;
    if (uniform(0, 1)) {
      r.type = execution::OrderType::limit;
      r.limit_price = Price::from_raw(last_[s] > 0 && uniform(0, 1) ? last_[s] : extreme(price_decimals(s)));
    }
    return r;
  }

  // The invariant and the range, exactly.
  void check_ledger(const Ledger& l, int step) {
    i128 lhs = l.cash().raw();
    i128 realized = 0;
    ASSERT_TRUE(core::fixed_raw_ok(l.cash().raw())) << "step " << step;
    ASSERT_TRUE(core::fixed_raw_ok(l.fees_paid().raw())) << "step " << step;
    ASSERT_GE(l.fees_paid().raw(), 0) << "step " << step;
    for (const auto& p : l.positions()) {
      ASSERT_GE(p.quantity.raw(), 0) << "step " << step;
      ASSERT_TRUE(core::fixed_raw_ok(p.cost_basis.raw()) && core::fixed_raw_ok(p.realized_pnl.raw()))
          << "step " << step;
      lhs += p.cost_basis.raw();
      realized += p.realized_pnl.raw();
    }
    ASSERT_TRUE(lhs == static_cast<i128>(initial.raw()) + realized - l.fees_paid().raw())
        << "cash and positions do not reconcile at step " << step;
  }

  // Replays the journal's new trades and checks every row against the database's columns.
  void check_journal(int step) {
    for (bool done = false; !done;) {
      done = engine.flush_journal();
      while (auto e = journal.try_pop()) {
        if (const auto* o = std::get_if<OrderRecord>(&e->record)) {
          ASSERT_GT(o->order.request.quantity.raw(), 0) << "orders.quantity > 0, step " << step;
          ASSERT_GE(o->order.filled_quantity.raw(), 0) << "step " << step;
          ASSERT_GE(o->order.average_price().raw(), 0) << "orders.average_price > 0 or NULL, step " << step;
          ASSERT_GE(o->order.fees.raw(), 0) << "step " << step;
        }
        const auto* r = std::get_if<TradeRecord>(&e->record);
        if (!r) continue;
        const Trade& t = r->trade;
        ASSERT_GT(t.quantity.raw(), 0) << "trades.quantity > 0, step " << step;
        ASSERT_GT(t.price.raw(), 0) << "trades.price > 0, step " << step;
        ASSERT_GE(t.fee.raw(), 0) << "step " << step;
        replay.apply(t.symbol, t.side, t.quantity, t.price, t.fee, t.ts);
        ASSERT_EQ(replay.cash(), r->cash_after) << "step " << step;
        ASSERT_EQ(replay.fees_paid(), r->fees_paid_after) << "step " << step;
        ASSERT_EQ(replay.position(t.symbol), r->position_after) << "step " << step;
        // trade_totals' fold (sql/005): every running sum must fit NUMERIC(28, 8).
        const i128 value = core::checked_notional(t.price, t.quantity)->raw();
        Totals& s = totals[t.symbol];
        const bool buy = t.side == Side::buy;
        s.quantity += buy ? t.quantity.raw() : -t.quantity.raw();
        s.cost_basis += buy ? value : t.realized_pnl.raw() - value;
        s.realized += t.realized_pnl.raw();
        s.fees += t.fee.raw();
        s.cash_flow += buy ? -value : value;
        for (i128 v : {value, s.quantity, s.cost_basis, s.realized, s.fees, s.cash_flow})
          ASSERT_TRUE(v < kNumericLimit && v > -kNumericLimit) << "a trade_totals sum overflows NUMERIC(28, 8)";
        for (i128 v : {s.quantity, s.cost_basis, s.realized, s.fees, s.cash_flow})
          if (v > kMax || v < -kMax) ++sums_beyond_int64;
        ++trades;
        manual += t.manual ? 1 : 0;
        digest = digest * 1'000'003 + static_cast<std::uint64_t>(t.order_id ^ t.price.raw() ^ (t.quantity.raw() << 7) ^
                                                                 t.fee.raw() ^ t.ts.time_since_epoch().count());
      }
    }
  }

  void run(int steps) {
    for (int step = 0; step < steps; ++step) {
      const auto s = static_cast<SymbolId>(uniform(0, 1));
      const auto action = uniform(0, 99);
      OrderTicket t;
      if (action < 35) {
        now += seconds(uniform(1, 30));
        tick(s, now);
      } else if (action < 60) {
        if (!engine.submit_order(order(s), t)) ++placed;
      } else if (action < 85) {
        if (!engine.record_trade(hand_trade(s), t)) ++recorded;
      } else if (action < 92) {
        const auto open = executor.open_orders();
        if (!open.empty()) engine.cancel_order(open[static_cast<std::size_t>(uniform(0, std::ssize(open) - 1))].id, t);
      } else {
        const auto open = executor.open_orders();
        if (!open.empty()) {
          const auto& o = open[static_cast<std::size_t>(uniform(0, std::ssize(open) - 1))];
          auto changes = o.request;
          changes.quantity = Quantity::from_raw(extreme(qty_decimals(o.request.symbol)));
          engine.replace_order(o.id, changes, t);
        }
      }
      // Lagging: a step's reports may still be in flight several steps later, while commands
      // and ticks go on.
      if (asynchronous_ && (!lagging || std::uniform_int_distribution<int>(0, 2)(lag_rng) == 0))
        async_executor.deliver_all();
      check_ledger(engine.ledger(), step);
      if (::testing::Test::HasFatalFailure()) return;
      check_journal(step);
      if (::testing::Test::HasFatalFailure()) return;
      if (step % 64 == 0) {
        engine.on_durable(engine.last_seq());
        const auto snap = engine.make_snapshot();
        ASSERT_TRUE(core::fixed_raw_ok(snap->equity().raw()));
        ASSERT_TRUE(core::fixed_raw_ok(snap->unrealized_pnl().raw()));
        ASSERT_EQ(snap->counters.unsettled_fills, 0u) << "a reported fill the ledger could not take, step " << step;
      }
    }
    if (asynchronous_) {
      async_executor.deliver_all();
      ASSERT_EQ(engine.make_snapshot()->counters.unsettled_fills, 0u);
      check_ledger(engine.ledger(), steps);
      check_journal(steps);
      if (::testing::Test::HasFatalFailure()) return;
    }
    ASSERT_EQ(replay, engine.ledger()) << "the trade log does not replay to the ledger";
    engine.on_durable(engine.last_seq());
    check_ledger(engine.durable_ledger(), steps);
    EXPECT_EQ(engine.durable_ledger(), engine.ledger());
  }

  struct Totals {
    i128 quantity = 0, cost_basis = 0, realized = 0, fees = 0, cash_flow = 0;
  };
  std::mt19937_64 rng;
  Money initial;
  core::InstrumentTable table = range_instruments();
  boost::asio::io_context io;
  execution::PaperExecutor paper_executor;
  AsyncPaper async_executor;
  execution::Executor& executor;
  bool asynchronous_;
  JournalQueue journal{1 << 16};
  Portfolio engine;
  Ledger replay{initial, 2};
  std::array<std::int64_t, 2> last_{};
  std::array<Totals, 2> totals{};
  seconds now{0};
  int placed = 0, recorded = 0, trades = 0, manual = 0, sums_beyond_int64 = 0;
  std::uint64_t digest = 0;  // of every trade, in order
  bool lagging = false;      // asynchronous reports arrive only every few steps
  std::mt19937_64 lag_rng{99};
};

class LedgerRange : public ::testing::TestWithParam<std::uint64_t> {};

// From one unit of cash to the top of the range; at the touch, and with slippage and impact.
std::unique_ptr<Property> property_for(std::uint64_t seed, bool asynchronous) {
  const Money capitals[] = {Money::from_units(1), Money::from_units(100'000), Money::from_units(10'000'000'000),
                            Money::from_raw(core::kMaxFixedRaw)};
  execution::PaperConfig paper = seed % 2 ? execution::PaperConfig::at_touch(25) : execution::PaperConfig{};
  paper.fees.fixed = Money::from_raw(static_cast<std::int64_t>(seed % 3) * 1'000'000);
  return std::make_unique<Property>(seed, capitals[seed % 4], paper, asynchronous);
}

TEST_P(LedgerRange, ExtremeOrdersAndTradesNeverWrapAndAlwaysReconcile) {
  const std::uint64_t seed = GetParam();
  auto p = property_for(seed, false);
  p->run(6000);
  // The run must have exercised the ledger, not only been refused.
  // Most extreme requests are refused (that is the point); enough must still trade.
  EXPECT_GT(p->trades, 20) << "placed " << p->placed << ", recorded " << p->recorded;
  EXPECT_GT(p->manual, 5);
  RecordProperty("trades", p->trades);
  RecordProperty("sums_beyond_int64", p->sums_beyond_int64);
}

// Reports that arrive later, from another thread, keep every invariant above, and the engine
// makes the same trades as with the synchronous executor (each step's reports arrive before the
// next step; within a step the engine answers the executor counting what is in flight).
TEST_P(LedgerRange, AsynchronousReportsKeepTheInvariantsAndMakeTheSameTrades) {
  const std::uint64_t seed = GetParam();
  auto sync = property_for(seed, false);
  sync->run(3000);
  auto async = property_for(seed, true);
  async->run(3000);
  EXPECT_GT(async->trades, 10);
  EXPECT_EQ(async->trades, sync->trades);
  EXPECT_EQ(async->digest, sync->digest);
  EXPECT_EQ(async->engine.ledger(), sync->engine.ledger());
  EXPECT_GT(async->async_executor.batches(), 20u);
}

// Reports that lag several steps behind (orders placed, cancelled and recorded by hand while
// fills are still on their way) keep every invariant: no wrap, the ledger reconciles with the
// trade log, every row fits the database, and no fill arrives that the ledger cannot take.
TEST_P(LedgerRange, LaggingAsynchronousReportsKeepTheInvariants) {
  auto p = property_for(GetParam(), true);
  p->lagging = true;
  p->run(4000);
  EXPECT_GT(p->trades, 10);
  EXPECT_TRUE(p->async_executor.in_flight().empty());
}

INSTANTIATE_TEST_SUITE_P(Seeds, LedgerRange, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u));

}  // namespace
}  // namespace meridian::engine::test
