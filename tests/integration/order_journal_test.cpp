// Orders, risk and equity through the real journal writer into PostgreSQL and back through
// recovery: open orders (brackets, trailing stops, client ids) rest again after a restart,
// every transition is in order_events, the risk engine resumes its state, and a reset leaves
// nothing of the portfolio's history behind.
#include <algorithm>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/recovery.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;
using core::Price;
using core::Quantity;
using execution::OrderStatus;
using execution::OrderType;

constexpr std::int64_t kPortfolio = 1;
const core::Money kCapital = core::Money::from_units(100'000);

core::InstrumentTable instruments() {
  return core::InstrumentTable({{0, "AAA-USD", "crypto", core::AssetClass::crypto, "USD", 2, 4, 100.0, 0.5},
                                {0, "BBB-USD", "crypto", core::AssetClass::crypto, "USD", 2, 4, 50.0, 0.5}});
}

engine::PortfolioConfig config() {
  engine::PortfolioConfig c;
  c.initial_capital = kCapital;
  c.portfolio_id = kPortfolio;
  c.autostart = false;  // only the orders this test places
  return c;
}

storage::RecoveryOptions recovery() {
  storage::RecoveryOptions o;
  o.portfolio_id = kPortfolio;
  o.initial_capital = kCapital;
  return o;
}

core::Timestamp t0() {
  return core::Timestamp(std::chrono::sys_days{std::chrono::year{2025} / 6 / 2}.time_since_epoch() + 9h);
}

core::Tick tick(core::SymbolId s, core::Timestamp ts, double last) {
  core::Tick t;
  t.symbol = s;
  t.ts = ts;
  t.last = Price::from_double(last);
  t.bid = Price::from_double(last - 0.05);
  t.ask = Price::from_double(last + 0.05);
  t.volume = Quantity::from_units(10'000);
  return t;
}

// One daemon's worth of engine + writer over the test database.
struct Daemon {
  Daemon(const std::string& url, const core::InstrumentTable& table, engine::RecoveredState state)
      : executor(execution::PaperConfig::at_touch(10), table),
        engine(table, config(), executor, queue, std::move(state)),
        writer(url, queue, table, kPortfolio, [this](std::uint64_t seq) { acked.store(seq); }) {
    writer.start();
  }
  void ticks(std::initializer_list<core::Tick> list) {
    for (const auto& t : list) engine.on_ticks(std::span<const core::Tick>(&t, 1));
  }
  // Every record so far durable, then the writer stopped.
  void stop() {
    engine.request_journal_stop();
    ASSERT_TRUE(engine.flush_journal());
    const auto last = engine.last_seq();
    ASSERT_TRUE(poll_until([&] { return acked.load() >= last; })) << writer.health().last_error;
    writer.join(5s);
    EXPECT_EQ(writer.health().failures, 0u) << writer.health().last_error;
  }
  execution::OrderId place(execution::OrderRequest r) {
    engine::OrderTicket ticket;
    auto err = engine.submit_order(std::move(r), ticket);
    EXPECT_FALSE(err) << (err ? err->message : "");
    return ticket.order.id;
  }

  execution::PaperExecutor executor;
  engine::JournalQueue queue{1 << 14};
  std::atomic<std::uint64_t> acked{0};
  engine::Portfolio engine;
  storage::JournalWriter writer;
};

class OrderJournal : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
  }
  storage::RecoveryReport load() { return storage::load_state(url(), table_, recovery()); }

  const core::InstrumentTable table_ = instruments();
};

TEST_F(OrderJournal, OpenOrdersRiskAndEquityComeBackAfterARestart) {
  std::vector<execution::Order> open_before;
  execution::OrderId resting = 0, bracket = 0;
  {
    auto first = load();
    ASSERT_TRUE(first.summary.reconciled);
    Daemon d(url(), table_, std::move(first.state));
    const auto t = t0();
    d.ticks({tick(0, t, 100), tick(1, t, 50)});

    execution::OrderRequest limit;
    limit.symbol = 1;
    limit.quantity = Quantity::from_units(10);
    limit.type = OrderType::limit;
    limit.limit_price = Price::from_units(45);
    limit.client_order_id = "rest-1";
    resting = d.place(limit);

    execution::OrderRequest entry;
    entry.symbol = 0;
    entry.quantity = Quantity::from_units(20);
    entry.take_profit = Price::from_units(120);
    entry.stop_loss = Price::from_units(90);
    entry.bracket_trail_percent = 5.0;
    bracket = d.place(entry);

    execution::OrderRequest doomed = limit;
    doomed.client_order_id = "gone";
    doomed.limit_price = Price::from_units(44);
    engine::OrderTicket cancelled;
    ASSERT_FALSE(d.engine.cancel_order(d.place(doomed), cancelled));

    // The entry fills on the next tick; the legs rest; the trailing stop follows 104.
    d.ticks({tick(0, t + 1s, 101), tick(0, t + 70s, 104), tick(1, t + 71s, 51)});
    auto limits = risk::Limits{};
    limits.max_daily_loss = core::Money::from_units(5'000);
    limits.max_orders_per_minute = 30;
    ASSERT_FALSE(d.engine.set_risk_limits(limits));
    ASSERT_FALSE(d.engine.set_risk_state(risk::RiskState::reducing));

    const auto snap = d.engine.make_snapshot();
    open_before = *snap->open_orders;
    ASSERT_EQ(open_before.size(), 3u);  // the resting limit and the two legs
    ASSERT_NO_FATAL_FAILURE(d.stop());
  }

  // The database holds every transition in order.
  {
    pqxx::connection conn(url());
    pqxx::read_transaction tx(conn);
    for (const auto& r : tx.exec("SELECT order_id, array_agg(seq ORDER BY seq)::text, count(*) FROM order_events"
                                 " GROUP BY order_id")) {
      const auto n = r[2].as<long long>();
      std::string want = "{";
      for (long long i = 1; i <= n; ++i) want += (i > 1 ? "," : "") + std::to_string(i);
      EXPECT_EQ(r[1].as<std::string>(), want + "}") << "order " << r[0].as<long long>();
    }
    EXPECT_EQ(tx.exec_params1("SELECT string_agg(status, ',' ORDER BY seq) FROM order_events WHERE order_id = $1",
                              static_cast<long long>(bracket))[0]
                  .as<std::string>(),
              "accepted,filled");
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM orders WHERE parent_order_id IS NOT NULL")[0].as<long long>(), 2);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM orders WHERE status = 'cancelled'")[0].as<long long>(), 1);
    EXPECT_EQ(tx.exec1("SELECT state FROM risk_limits")[0].as<std::string>(), "reducing");
    EXPECT_GE(tx.exec1("SELECT count(*) FROM equity_samples")[0].as<long long>(), 2);
    // The day's roll-up: its last sample, and the day's trades.
    const auto day = tx.exec1(
        "SELECT count(*) OVER (), day::text, equity = (SELECT equity FROM equity_samples ORDER BY at DESC LIMIT 1),"
        " trade_count, (SELECT count(*) FROM trades) FROM performance_metrics");
    EXPECT_EQ(day[0].as<long long>(), 1);
    EXPECT_EQ(day[1].as<std::string>(), "2025-06-02");
    EXPECT_TRUE(day[2].as<bool>());
    EXPECT_EQ(day[3].as<long long>(), day[4].as<long long>());
    EXPECT_GE(day[3].as<long long>(), 1);
  }

  auto second = load();
  ASSERT_TRUE(second.summary.reconciled) << second.summary.reconcile_detail;
  ASSERT_EQ(second.state.open_orders.size(), open_before.size());
  for (std::size_t i = 0; i < open_before.size(); ++i) {
    const auto& got = second.state.open_orders[i];
    const auto& want = open_before[i];
    SCOPED_TRACE("order " + std::to_string(want.id));
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.request.type, want.request.type);
    EXPECT_EQ(got.request.side, want.request.side);
    EXPECT_EQ(got.request.quantity, want.request.quantity);
    EXPECT_EQ(got.request.limit_price, want.request.limit_price);
    EXPECT_EQ(got.request.stop_price, want.request.stop_price) << got.request.stop_price.to_string();
    EXPECT_EQ(got.request.trail_percent, want.request.trail_percent);
    EXPECT_EQ(got.request.reduce_only, want.request.reduce_only);
    EXPECT_EQ(got.request.client_order_id, want.request.client_order_id);
    EXPECT_EQ(got.parent_id, want.parent_id);
    EXPECT_EQ(got.oco_id, want.oco_id);
    EXPECT_EQ(got.trail_anchor, want.trail_anchor) << got.trail_anchor.to_string();
    EXPECT_EQ(got.filled_quantity, want.filled_quantity);
  }
  ASSERT_TRUE(second.state.risk.has_value());
  EXPECT_EQ(second.state.risk->memory.state, risk::RiskState::reducing);
  EXPECT_TRUE(second.state.risk->memory.manual_state);
  EXPECT_EQ(second.state.risk->limits.max_daily_loss, core::Money::from_units(5'000));
  EXPECT_EQ(second.state.risk->limits.max_orders_per_minute, 30u);
  EXPECT_GE(second.state.equity.size(), 2u);

  // The restarted engine: same open orders, the client id still known, the limit fills.
  Daemon d(url(), table_, std::move(second.state));
  auto snap = d.engine.make_snapshot();
  EXPECT_EQ(snap->risk.state, risk::RiskState::reducing);
  std::size_t open_after = 0;
  open_after = snap->open_orders->size();
  EXPECT_EQ(open_after, open_before.size());
  execution::OrderRequest again;
  again.symbol = 1;
  again.quantity = Quantity::from_units(10);
  again.type = OrderType::limit;
  again.limit_price = Price::from_units(45);
  again.client_order_id = "rest-1";
  engine::OrderTicket dup;
  ASSERT_FALSE(d.engine.submit_order(again, dup));
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.order.id, resting);

  const auto t = t0() + 10min;
  d.ticks({tick(1, t, 44.9)});
  snap = d.engine.make_snapshot();
  const auto* filled = snap->find_order(resting);
  ASSERT_NE(filled, nullptr);
  EXPECT_EQ(filled->status, OrderStatus::filled);
  EXPECT_EQ(d.engine.ledger().position(1).quantity, Quantity::from_units(10));
  ASSERT_NO_FATAL_FAILURE(d.stop());
  EXPECT_TRUE(load().summary.reconciled);
}

TEST_F(OrderJournal, ResetLeavesACleanPortfolio) {
  {
    auto first = load();
    Daemon d(url(), table_, std::move(first.state));
    const auto t = t0();
    d.ticks({tick(0, t, 100)});
    execution::OrderRequest buy;
    buy.symbol = 0;
    buy.quantity = Quantity::from_units(30);
    d.place(buy);
    d.ticks({tick(0, t + 1s, 100.5)});
    execution::OrderRequest rest = buy;
    rest.type = OrderType::limit;
    rest.limit_price = Price::from_units(95);
    d.place(rest);
    ASSERT_FALSE(d.engine.ledger().position(0).quantity.is_zero());
    ASSERT_FALSE(d.engine.reset());
    EXPECT_EQ(d.engine.ledger().cash(), kCapital);
    ASSERT_NO_FATAL_FAILURE(d.stop());
  }
  pqxx::connection conn(url());
  pqxx::read_transaction tx(conn);
  for (const char* table : {"trades", "orders", "order_events", "positions", "equity_samples", "performance_metrics"})
    EXPECT_EQ(tx.exec1(std::string("SELECT count(*) FROM ") + table)[0].as<long long>(), 0) << table;
  EXPECT_EQ(core::Money::parse(tx.exec1("SELECT cash::text FROM portfolios WHERE id = 1")[0].c_str()), kCapital);
  tx.commit();
  auto after = load();
  EXPECT_TRUE(after.summary.reconciled) << after.summary.reconcile_detail;
  EXPECT_TRUE(after.state.positions.empty());
  EXPECT_TRUE(after.state.open_orders.empty());
  EXPECT_EQ(after.state.cash, kCapital);
}

// Who (#13 item 7): the user who placed an order by hand and the one who changed the session are
// written with them and come back after a restart; a change without a user names nobody.
TEST_F(OrderJournal, WhoPlacedAnOrderAndChangedTheSessionSurvivesARestart) {
  execution::OrderId by_hand = 0;
  {
    auto first = load();
    Daemon d(url(), table_, std::move(first.state));
    d.ticks({tick(0, t0(), 100), tick(1, t0(), 50)});
    execution::OrderRequest limit;
    limit.symbol = 1;
    limit.quantity = Quantity::from_units(10);
    limit.type = OrderType::limit;
    limit.limit_price = Price::from_units(45);
    limit.placed_by = 42;
    by_hand = d.place(limit);
    EXPECT_EQ(d.engine.make_snapshot()->find_order(by_hand)->request.placed_by, 42);
    ASSERT_FALSE(d.engine.start(std::nullopt, std::nullopt, 7));
    ASSERT_FALSE(d.engine.pause(8));
    EXPECT_EQ(d.engine.session().changed_by, 8);
    ASSERT_NO_FATAL_FAILURE(d.stop());
  }
  {
    pqxx::connection conn(url());
    pqxx::read_transaction tx(conn);
    EXPECT_EQ(tx.exec_params1("SELECT placed_by FROM orders WHERE id = $1", static_cast<long long>(by_hand))[0]
                  .as<long long>(),
              42);
    EXPECT_EQ(tx.exec1("SELECT changed_by FROM trading_sessions ORDER BY updated_at DESC LIMIT 1")[0].as<long long>(),
              8);
  }
  auto second = load();
  ASSERT_EQ(second.state.open_orders.size(), 1u);
  EXPECT_EQ(second.state.open_orders[0].request.placed_by, 42);
  ASSERT_TRUE(second.state.session.has_value());
  EXPECT_EQ(second.state.session->changed_by, 8);

  // A change nobody is named for (the engine's own, or a caller without an account) stores NULL.
  Daemon again(url(), table_, std::move(second.state));
  ASSERT_FALSE(again.engine.stop());
  EXPECT_EQ(again.engine.session().changed_by, 0);
  ASSERT_NO_FATAL_FAILURE(again.stop());
  pqxx::connection conn(url());
  pqxx::read_transaction tx(conn);
  EXPECT_TRUE(
      tx.exec1("SELECT changed_by IS NULL FROM trading_sessions ORDER BY updated_at DESC LIMIT 1")[0].as<bool>());
}

}  // namespace
}  // namespace meridian::it
