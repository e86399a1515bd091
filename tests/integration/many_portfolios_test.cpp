// Many portfolios in one database (#12): each journals through its own writer and recovers
// only its own rows, with ids from its own range (engine/id_space.hpp); portfolios are
// created, listed and deleted (a deleted one frees its name, never its id); and a database
// from before migration 009 recovers its default portfolio as it did.
//
// Threads: each engine is driven by the test thread only; the writers' acks only store the
// sequence, which the test thread polls and hands to on_durable().
#include <algorithm>
#include <memory>
#include <set>

#include "meridian/engine/id_space.hpp"
#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/portfolios.hpp"
#include "meridian/storage/recovery.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;
using core::Price;
using core::Quantity;
using core::SymbolId;
using core::Timestamp;
using engine::id_base;
using engine::owns_id;

const core::Money kCapital = core::Money::from_units(100'000);

core::InstrumentTable instruments() {
  return core::InstrumentTable({{0, "AAA-USD", "crypto", core::AssetClass::crypto, "USD", 2, 6, 100.0, 0.5},
                                {0, "BBB", "nyse", core::AssetClass::equity, "USD", 2, 0, 50.0, 0.3}});
}

storage::RecoveryOptions recovery(std::int64_t portfolio) {
  storage::RecoveryOptions o;
  o.portfolio_id = portfolio;
  o.initial_capital = kCapital;
  return o;
}

engine::PortfolioConfig config(std::int64_t portfolio) {
  engine::PortfolioConfig c;
  c.initial_capital = kCapital;
  c.portfolio_id = portfolio;
  c.journal_bars = portfolio == engine::kDefaultPortfolioId;  // bars are shared: one portfolio writes them
  c.strategy = engine::StrategyConfig::sma_crossover(2, 4);
  c.strategy.position_fraction = 0.3;
  c.strategy.timeframe = core::Timeframe::m1;
  c.autostart = true;
  return c;
}

// Closing prices per minute (as in journal_round_trip_test): SMA(2)/SMA(4) buys and sells AAA
// and buys BBB, so both instances of each portfolio trade and signal.
const std::vector<double> kCloses[2] = {
    {110, 108, 106, 104, 112, 114, 116, 100, 98, 97, 96, 95, 94},
    {50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 48, 50, 52},
};
constexpr int kMinutes = 13;

Timestamp session_start() {
  using namespace std::chrono;
  return Timestamp(sys_days{year{2024} / March / 1}.time_since_epoch() + hours{10});
}

std::vector<core::Tick> ticks() {
  std::vector<core::Tick> out;
  for (int m = 0; m < kMinutes; ++m)
    for (int k = 0; k < 3; ++k)
      for (SymbolId s = 0; s < 2; ++s) {
        const auto last = Price::from_double(kCloses[s][static_cast<std::size_t>(m)] + 0.25 * (k - 1));
        core::Tick t;
        t.symbol = s;
        t.ts = session_start() + std::chrono::minutes(m) + std::chrono::seconds(1 + 20 * k);
        t.last = last;
        t.bid = last - Price::from_double(0.05);
        t.ask = last + Price::from_double(0.05);
        t.volume = Quantity::from_units(10'000);
        out.push_back(t);
      }
  return out;
}

// One portfolio of the daemon: its engine, executor, journal ring and writer.
struct Book {
  Book(const std::string& url, const core::InstrumentTable& table, std::int64_t id, engine::RecoveredState state)
      : portfolio(id),
        executor(execution::PaperConfig{}, table),
        engine(table, config(id), executor, queue, std::move(state)),
        writer(url, queue, table, id, [this](std::uint64_t seq) { acked.store(seq); }) {
    writer.start();
  }

  void wait_durable(std::uint64_t seq) {
    ASSERT_TRUE(poll_until([&] { return acked.load() >= seq; }))
        << "portfolio " << portfolio << ": writer acknowledged " << acked.load() << ", wanted " << seq
        << "; last error: " << writer.health().last_error;
    engine.on_durable(acked.load());
  }

  // Everything so far durable, then the writer stopped after the engine's StopRecord.
  void stop() {
    ASSERT_TRUE(engine.flush_journal());
    ASSERT_NO_FATAL_FAILURE(wait_durable(engine.last_seq()));
    engine.request_journal_stop();
    ASSERT_TRUE(engine.flush_journal());
    const auto last = engine.last_seq();
    writer.join(5s);
    ASSERT_NO_FATAL_FAILURE(wait_durable(last));
    EXPECT_EQ(writer.health().failures, 0u) << writer.health().last_error;
    EXPECT_EQ(writer.health().dead_lettered, 0u);
  }

  std::int64_t portfolio;
  execution::PaperExecutor executor;
  engine::JournalQueue queue{1 << 14};
  std::atomic<std::uint64_t> acked{0};
  engine::Portfolio engine;
  storage::JournalWriter writer;
};

// The first column of the one row `sql` answers (committed: setval() counts too).
long long count(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  const auto value = tx.exec1(sql)[0].as<long long>();
  tx.commit();
  return value;
}

void exec(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec0(sql);
  tx.commit();
}

class ManyPortfolios : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
  }

  const core::InstrumentTable table_ = instruments();
};

// What a portfolio recovered is its own and only its own: every id in its range, the same
// trades, signals, instances and open orders the engine made durable, reconciled.
void expect_recovered_own(const std::string& url, Book& book, const storage::RecoveryReport& report) {
  const auto p = book.portfolio;
  SCOPED_TRACE("portfolio " + std::to_string(p));
  const auto& s = report.state;
  const auto snap = book.engine.make_snapshot();
  EXPECT_TRUE(report.summary.reconciled) << report.summary.reconcile_detail;
  EXPECT_EQ(s.cash, book.engine.durable_ledger().cash());

  // Trades: the engine's, in its range, and nothing else.
  const auto& trades = *snap->trades;
  ASSERT_GE(trades.size(), 2u);
  ASSERT_EQ(s.trades.size(), trades.size());
  EXPECT_EQ(s.trades_total, trades.size());
  for (std::size_t i = 0; i < trades.size(); ++i) {
    EXPECT_EQ(s.trades[i].id, trades[i].id);
    EXPECT_EQ(s.trades[i].portfolio_id, p);
    EXPECT_TRUE(owns_id(p, s.trades[i].id)) << s.trades[i].id;
    EXPECT_TRUE(owns_id(p, s.trades[i].order_id)) << s.trades[i].order_id;
  }
  EXPECT_EQ(s.last_trade_id, trades.back().id);

  // Orders: the resting one is back; the last order id and the reservation are in the range.
  std::uint64_t max_order = 0;
  snap->for_each_order([&](const execution::Order& o) { max_order = std::max(max_order, o.id); });
  EXPECT_EQ(s.last_order_id, max_order);
  EXPECT_TRUE(owns_id(p, s.last_order_id)) << s.last_order_id;
  ASSERT_EQ(s.open_orders.size(), snap->open_orders->size());
  for (std::size_t i = 0; i < s.open_orders.size(); ++i) EXPECT_EQ(s.open_orders[i].id, (*snap->open_orders)[i].id);
  EXPECT_TRUE(std::any_of(s.open_orders.begin(), s.open_orders.end(), [](const execution::Order& o) {
    return o.request.type == execution::OrderType::limit;
  })) << "the resting limit order";
  for (const auto& o : s.open_orders) EXPECT_TRUE(owns_id(p, o.id)) << o.id;
  for (const auto& o : s.recent_orders) EXPECT_TRUE(owns_id(p, o.id)) << o.id;
  EXPECT_GE(s.order_id_floor, s.last_order_id);
  EXPECT_TRUE(owns_id(p, s.order_id_floor)) << s.order_id_floor;
  EXPECT_TRUE(owns_id(p, s.order_id_reserved)) << s.order_id_reserved;

  // Signals: the engine's log, each in the range.
  const auto& signals = *snap->signals;
  ASSERT_GE(signals.size(), 2u);
  ASSERT_EQ(s.signals.size(), signals.size());
  for (std::size_t i = 0; i < signals.size(); ++i) {
    EXPECT_EQ(s.signals[i].id, signals[i].id);
    EXPECT_EQ(s.signals[i].strategy_id, signals[i].strategy_id);
    EXPECT_TRUE(owns_id(p, s.signals[i].id)) << s.signals[i].id;
  }
  EXPECT_EQ(s.last_signal_id, signals.back().id);
  EXPECT_EQ(count(url, "SELECT count(*) FROM signals WHERE portfolio_id = " + std::to_string(p)),
            static_cast<long long>(signals.size()));

  // The added instance (the default one lives with the session).
  ASSERT_EQ(s.instances.size(), 1u);
  EXPECT_EQ(s.instances[0].config.name, "twin");
  EXPECT_TRUE(owns_id(p, s.instances[0].config.id)) << s.instances[0].config.id;
  EXPECT_EQ(s.instances[0].state, engine::InstanceState::running);

  // Nothing of this portfolio's lies outside its range in the database.
  const auto low = std::to_string(id_base(p)), high = std::to_string(id_base(p) + engine::kIdSpan);
  for (const char* table : {"trades", "orders", "signals", "strategies"})
    EXPECT_EQ(count(url, std::string("SELECT count(*) FROM ") + table + " WHERE portfolio_id = " + std::to_string(p) +
                             " AND NOT (id > " + low + " AND id <= " + high + ")"),
              0)
        << table;
}

TEST_F(ManyPortfolios, EachRecoversOnlyItsOwnRowsWithIdsFromItsRange) {
  // Portfolio 1 is the default one (created by its first start); portfolio 2 a new one.
  std::vector<storage::RecoveryReport> starts;
  starts.push_back(storage::load_state(url(), table_, recovery(1)));
  const auto second = storage::create_portfolio(url(), "second", "USD", kCapital);
  ASSERT_EQ(second.id, 2);
  starts.push_back(storage::load_state(url(), table_, recovery(second.id)));

  std::vector<std::unique_ptr<Book>> books;
  for (std::int64_t p : {std::int64_t{1}, second.id}) {
    auto& first = starts[static_cast<std::size_t>(p - 1)];
    ASSERT_TRUE(first.summary.reconciled) << first.summary.reconcile_detail;
    EXPECT_EQ(first.state.cash, kCapital);
    EXPECT_EQ(first.state.order_id_floor, id_base(p));
    books.push_back(std::make_unique<Book>(url(), table_, p, std::move(first.state)));
    // An instance of the same name in each portfolio: names are unique per portfolio.
    engine::InstanceConfig c;
    c.name = "twin";
    c.strategy = engine::StrategyConfig::sma_crossover(2, 4);
    c.strategy.position_fraction = 0.2;
    c.symbols = {0, 1};
    std::uint64_t id = 0;
    auto& e = books.back()->engine;
    ASSERT_FALSE(e.add_instance(c, id));
    EXPECT_TRUE(owns_id(p, id)) << id;
    ASSERT_FALSE(e.instance_command("twin", engine::Portfolio::InstanceCommand::init));
    ASSERT_FALSE(e.instance_command("twin", engine::Portfolio::InstanceCommand::start));
  }

  // Both portfolios see the same market, tick by tick, their writers committing side by side.
  const auto all = ticks();
  for (const auto& t : all)
    for (auto& b : books) b->engine.on_ticks(std::span<const core::Tick>(&t, 1));
  for (auto& b : books) {
    // A limit far below the market: it rests, to come back as an open order.
    execution::OrderRequest rest;
    rest.symbol = 0;
    rest.side = core::Side::buy;
    rest.type = execution::OrderType::limit;
    rest.quantity = Quantity::from_units(1);
    rest.limit_price = Price::from_units(1);
    engine::OrderTicket ticket;
    auto err = b->engine.submit_order(rest, ticket);
    ASSERT_FALSE(err) << err->message;
    EXPECT_TRUE(owns_id(b->portfolio, ticket.order.id)) << ticket.order.id;
  }
  for (auto& b : books) ASSERT_NO_FATAL_FAILURE(b->stop());

  std::vector<storage::RecoveryReport> reports;
  for (auto& b : books) {
    reports.push_back(storage::load_state(url(), table_, recovery(b->portfolio)));
    ASSERT_NO_FATAL_FAILURE(expect_recovered_own(url(), *b, reports.back()));
  }

  // Disjoint ids (per kind), although both portfolios traded the same ticks the same way.
  std::set<std::uint64_t> trade_ids, signal_ids;
  std::size_t trades = 0, signals = 0;
  for (const auto& r : reports) {
    for (const auto& t : r.state.trades) trade_ids.insert(t.id);
    for (const auto& sig : r.state.signals) signal_ids.insert(sig.id);
    trades += r.state.trades.size();
    signals += r.state.signals.size();
  }
  EXPECT_EQ(trade_ids.size(), trades);
  EXPECT_EQ(signal_ids.size(), signals);
  EXPECT_EQ(reports[0].state.trades.size(), reports[1].state.trades.size()) << "the same ticks, the same trades";
  EXPECT_EQ(count(url(), "SELECT count(*) FROM strategies WHERE name = 'twin'"), 2);
  EXPECT_EQ(count(url(), "SELECT count(DISTINCT portfolio_id) FROM trades"), 2);

  // A restart of portfolio 2 hands out ids above everything it had, still in its range.
  auto again = storage::load_state(url(), table_, recovery(second.id));
  EXPECT_GE(again.state.order_id_floor, reports[1].state.order_id_reserved);
  Book restarted(url(), table_, second.id, std::move(again.state));
  execution::OrderRequest rest;
  rest.symbol = 1;
  rest.side = core::Side::buy;
  rest.type = execution::OrderType::limit;
  rest.quantity = Quantity::from_units(1);
  rest.limit_price = Price::from_units(1);
  engine::OrderTicket ticket;
  ASSERT_FALSE(restarted.engine.submit_order(rest, ticket));
  EXPECT_TRUE(owns_id(second.id, ticket.order.id)) << ticket.order.id;
  EXPECT_GT(ticket.order.id, reports[1].state.order_id_reserved);
  ASSERT_NO_FATAL_FAILURE(restarted.stop());
}

TEST_F(ManyPortfolios, InstanceNamesAreUniquePerPortfolio) {
  exec(url(),
       "INSERT INTO users (id, email) VALUES (1, 'u@meridian.local');"
       "INSERT INTO portfolios (id, user_id, name, initial_cash, cash) VALUES (1, 1, 'a', 1, 1), (2, 1, 'b', 1, 1)");
  const std::string insert = "INSERT INTO strategies (id, portfolio_id, name, class_name) VALUES ";
  exec(url(), insert + "(2, 1, 'twin', 'sma_crossover')");
  EXPECT_NO_THROW(exec(url(), insert + "(1099511627778, 2, 'twin', 'sma_crossover')"));
  EXPECT_THROW(exec(url(), insert + "(3, 1, 'twin', 'sma_crossover')"), pqxx::unique_violation);
}

class Portfolios : public ManyPortfolios {};

TEST_F(Portfolios, CreateListAndDelete) {
  // On an empty database the first portfolio gets the demo user (as a first start would).
  const auto before = core::now();
  const auto alpha = storage::create_portfolio(url(), "alpha", "USD", core::Money::from_units(5'000));
  EXPECT_EQ(alpha.name, "alpha");
  EXPECT_EQ(alpha.currency, "USD");
  EXPECT_EQ(alpha.kind, "paper");
  EXPECT_EQ(alpha.initial_cash, core::Money::from_units(5'000));
  EXPECT_GE(alpha.created_at, before - 1s);
  EXPECT_LE(alpha.created_at, core::now() + 1s);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM users WHERE email = 'demo@meridian.local'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM portfolios WHERE id = " + std::to_string(alpha.id) +
                             " AND cash = 5000 AND user_id = (SELECT id FROM users)"),
            1);

  const auto beta = storage::create_portfolio(url(), "beta", "EUR", core::Money::from_units(7'000));
  EXPECT_GT(beta.id, alpha.id);
  EXPECT_EQ(beta.currency, "EUR");
  EXPECT_EQ(count(url(), "SELECT count(*) FROM users"), 1) << "one default user owns them all";

  auto listed = storage::list_portfolios(url());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, alpha.id);
  EXPECT_EQ(listed[0].name, "alpha");
  EXPECT_EQ(listed[0].initial_cash, alpha.initial_cash);
  EXPECT_EQ(listed[0].created_at, alpha.created_at);
  EXPECT_EQ(listed[1].id, beta.id);
  EXPECT_EQ(listed[1].currency, "EUR");

  // A live name is taken; nothing is inserted.
  EXPECT_THROW(storage::create_portfolio(url(), "beta", "USD", kCapital), storage::PortfolioNameTaken);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM portfolios"), 2);

  EXPECT_TRUE(storage::delete_portfolio(url(), alpha.id));
  EXPECT_FALSE(storage::delete_portfolio(url(), alpha.id)) << "already deleted";
  EXPECT_FALSE(storage::delete_portfolio(url(), 999)) << "never existed";
  listed = storage::list_portfolios(url());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, beta.id);

  // The deleted portfolio's name is free again; its id is not.
  const auto alpha2 = storage::create_portfolio(url(), "alpha", "USD", kCapital);
  EXPECT_GT(alpha2.id, beta.id);
  listed = storage::list_portfolios(url());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, beta.id);
  EXPECT_EQ(listed[1].id, alpha2.id);
  EXPECT_EQ(listed[1].initial_cash, kCapital);
  // The deleted row stays (its trades and orders refer to it).
  EXPECT_EQ(count(url(), "SELECT count(*) FROM portfolios WHERE name = 'alpha'"), 2);
  EXPECT_THROW(storage::create_portfolio(url(), "alpha", "USD", kCapital), storage::PortfolioNameTaken);
}

// sql/011: a portfolio records who owns it; none (NULL, listed as 0) is the admins'.
TEST_F(Portfolios, OwnersAreStoredAndListed) {
  const auto unowned = storage::create_portfolio(url(), "house", "USD", kCapital);
  EXPECT_EQ(unowned.owner_id, 0);
  exec(url(), "INSERT INTO users (id, email) VALUES (4242, 'ann@example.com')");
  const auto anns = storage::create_portfolio(url(), "ann-book", "USD", kCapital, 4242);
  EXPECT_EQ(anns.owner_id, 4242);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM portfolios WHERE owner_id IS NULL"), 1) << "0 is stored as NULL";
  EXPECT_EQ(count(url(), "SELECT count(*) FROM portfolios WHERE owner_id = 4242 AND id = " + std::to_string(anns.id)),
            1);
  const auto listed = storage::list_portfolios(url());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].owner_id, 0);
  EXPECT_EQ(listed[1].owner_id, 4242);
  // An owner must be a user.
  EXPECT_THROW(storage::create_portfolio(url(), "nobody's", "USD", kCapital, 999999), pqxx::foreign_key_violation);
}

TEST_F(Portfolios, NewPortfoliosFollowTheDefaultOneAndStartEmptyInTheirRange) {
  auto first = storage::load_state(url(), table_, recovery(1));  // creates portfolio 1 'default'
  ASSERT_TRUE(first.summary.reconciled);
  const auto created = storage::create_portfolio(url(), "growth", "USD", core::Money::from_units(25'000));
  EXPECT_EQ(created.id, 2);
  const auto listed = storage::list_portfolios(url());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "default");

  auto report = storage::load_state(url(), table_, recovery(created.id));
  EXPECT_TRUE(report.summary.reconciled) << report.summary.reconcile_detail;
  EXPECT_EQ(report.state.cash, core::Money::from_units(25'000)) << "the portfolio's own initial cash";
  EXPECT_TRUE(report.state.trades.empty());
  EXPECT_EQ(report.state.last_trade_id, 0u);
  EXPECT_EQ(report.state.last_order_id, 0u);
  EXPECT_EQ(report.state.last_signal_id, 0u);
  EXPECT_EQ(report.state.order_id_floor, id_base(created.id));
  EXPECT_EQ(report.state.order_id_reserved, id_base(created.id) + recovery(created.id).order_id_block);
}

TEST_F(Portfolios, IdsBeyondTheLastIdRangeAreRefused) {
  storage::create_portfolio(url(), "first", "USD", kCapital);
  count(url(), "SELECT setval(pg_get_serial_sequence('portfolios', 'id'), " +
                   std::to_string(engine::kMaxPortfolioId - 1) + ")");
  const auto last = storage::create_portfolio(url(), "last", "USD", kCapital);
  EXPECT_EQ(last.id, engine::kMaxPortfolioId);
  try {
    storage::create_portfolio(url(), "one too many", "USD", kCapital);
    ADD_FAILURE() << "a portfolio above kMaxPortfolioId was created";
  } catch (const storage::PortfolioNameTaken& e) {
    ADD_FAILURE() << "wrong error: " << e.what();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(engine::kMaxPortfolioId)), std::string::npos) << e.what();
  }
  EXPECT_EQ(count(url(), "SELECT count(*) FROM portfolios"), 2) << "nothing inserted";
  EXPECT_THROW(storage::load_state(url(), table_, recovery(engine::kMaxPortfolioId + 1)), std::invalid_argument);
  EXPECT_THROW(storage::load_state(url(), table_, recovery(0)), std::invalid_argument);
}

// A database written before migration 009 (one portfolio, global ids): the default portfolio
// recovers exactly what it did, and a new portfolio starts in its own range above anything
// stored, even rows another portfolio wrote with ids from portfolio 1's range.
class Upgrade : public PgTest {};

TEST_F(Upgrade, ADatabaseFromBefore009RecoversItsDefaultPortfolioAsBefore) {
  const auto& url = this->url();
  const auto& ms = storage::embedded_migrations();
  {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    tx.exec0(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    for (const auto& m : ms) {
      if (m.version >= 9) break;
      tx.exec0(std::string(m.sql));
      tx.exec_params0("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, std::string(m.name));
    }
    // Portfolio 1 bought 1 AAA-USD at 100 (order and trade 7); portfolio 2 (a second daemon
    // before ranges) bought 1 BBB at 10 with ids 8 from the same global counter.
    tx.exec0(
        "INSERT INTO users (email) VALUES ('demo@meridian.local');"
        "INSERT INTO portfolios (id, user_id, name, initial_cash, cash, order_id_reserved) VALUES"
        " (1, 1, 'default', 1000, 900, 100007), (2, 1, 'portfolio 2', 1000, 990, 200008);"
        "SELECT setval(pg_get_serial_sequence('portfolios', 'id'), 2);"
        "INSERT INTO orders (id, portfolio_id, symbol, side, type, quantity, status, created_at, updated_at,"
        " filled_quantity, average_price) VALUES"
        " (7, 1, 'AAA-USD', 'buy', 'market', 1, 'filled', now(), now(), 1, 100),"
        " (8, 2, 'BBB', 'buy', 'market', 1, 'filled', now(), now(), 1, 10);"
        "INSERT INTO trades (id, order_id, portfolio_id, symbol, side, quantity, price, executed_at) VALUES"
        " (7, 7, 1, 'AAA-USD', 'buy', 1, 100, now()), (8, 8, 2, 'BBB', 'buy', 1, 10, now());"
        "INSERT INTO positions (portfolio_id, symbol, quantity, cost_basis, updated_at) VALUES"
        " (1, 'AAA-USD', 1, 100, now()), (2, 'BBB', 1, 10, now());"
        "INSERT INTO signals (id, strategy, symbol, side, strength, price, reason, acted, created_at, strategy_id)"
        " SELECT g, 'sma_crossover', 'AAA-USD', 'buy', 1, 100, 'cross', g = 3, now(), 1"
        " FROM generate_series(1, 3) g;"
        "INSERT INTO strategies (id, portfolio_id, name, class_name, state) VALUES"
        " (2, 1, 'twin', 'sma_crossover', 'running');");
    tx.commit();
  }
  const auto report = storage::apply_migrations(url);
  EXPECT_EQ(report.applied,
            static_cast<int>(std::count_if(ms.begin(), ms.end(), [](const auto& m) { return m.version >= 9; })));
  EXPECT_EQ(count(url, "SELECT count(*) FROM signals WHERE portfolio_id = 1"), 3) << "old signals are portfolio 1's";

  const auto table = instruments();
  const auto one = storage::load_state(url, table, recovery(1));
  EXPECT_TRUE(one.summary.reconciled) << one.summary.reconcile_detail;
  EXPECT_EQ(one.state.cash, core::Money::from_units(900));
  ASSERT_EQ(one.state.trades.size(), 1u);
  EXPECT_EQ(one.state.trades[0].id, 7u);
  // Ids are keys across portfolios: portfolio 2's old trade 8 lies in portfolio 1's range.
  EXPECT_EQ(one.state.last_trade_id, 8u);
  EXPECT_EQ(one.state.last_order_id, 8u);
  EXPECT_EQ(one.state.last_signal_id, 3u);
  ASSERT_EQ(one.state.signals.size(), 3u);
  EXPECT_TRUE(one.state.signals.back().acted);
  ASSERT_EQ(one.state.instances.size(), 1u);
  EXPECT_EQ(one.state.instances[0].config.name, "twin");
  EXPECT_EQ(one.state.order_id_floor, 100'007u);
  EXPECT_EQ(one.state.order_id_reserved, 100'007u + recovery(1).order_id_block);

  const auto two = storage::load_state(url, table, recovery(2));
  EXPECT_TRUE(two.summary.reconciled) << two.summary.reconcile_detail;
  EXPECT_EQ(two.state.cash, core::Money::from_units(990));
  ASSERT_EQ(two.state.trades.size(), 1u) << "its old trade is still its own";
  EXPECT_EQ(two.state.trades[0].id, 8u);
  EXPECT_EQ(two.state.last_trade_id, 0u) << "nothing in its range yet";
  EXPECT_EQ(two.state.last_order_id, 0u);
  EXPECT_EQ(two.state.last_signal_id, 0u);
  EXPECT_TRUE(two.state.signals.empty());
  EXPECT_TRUE(two.state.instances.empty());
  // Its old reservation (200008) lies below its range: it starts at the range.
  EXPECT_EQ(two.state.order_id_floor, id_base(2));
  EXPECT_EQ(two.state.order_id_reserved, id_base(2) + recovery(2).order_id_block);
}

}  // namespace
}  // namespace meridian::it
