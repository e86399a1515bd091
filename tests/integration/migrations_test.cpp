// apply_migrations and migration_status against a real PostgreSQL: schema creation,
// idempotence, concurrency, status, and the constraints and indexes the schema promises.
#include <algorithm>
#include <latch>
#include <map>
#include <set>

#include "meridian/storage/migrations.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using storage::apply_migrations;
using storage::embedded_migrations;
using storage::migration_status;

std::set<std::string> public_tables(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  std::set<std::string> names;
  for (const auto& row : tx.exec("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                                 " AND table_type = 'BASE TABLE'"))
    names.insert(row[0].c_str());
  return names;
}

struct MigrationRows {
  long long rows = 0;
  long long distinct_versions = 0;
};

MigrationRows migration_rows(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  auto r = tx.exec1("SELECT count(*), count(DISTINCT version) FROM schema_migrations");
  return {r[0].as<long long>(), r[1].as<long long>()};
}

// Runs `sql` in its own committed transaction, so a rejected statement leaves nothing behind.
void exec(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec0(sql);
  tx.commit();
}

std::string query_value(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  return tx.exec1(sql)[0].c_str();
}

// "table(col1,col2)" for every index of `method` (btree, brin) on a public table, columns in
// index order, so a test can ask whether a query's filter-then-order columns lead an index.
std::set<std::string> index_keys(const std::string& url, const std::string& method) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  std::set<std::string> keys;
  for (const auto& row :
       tx.exec_params("SELECT t.relname || '(' || string_agg(a.attname, ',' ORDER BY k.ord) || ')'"
                      " FROM pg_index x"
                      " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam"
                      " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                      " CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)"
                      " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
                      " WHERE n.nspname = 'public' AND am.amname = $1 GROUP BY t.relname, i.relname",
                      method))
    keys.insert(row[0].c_str());
  return keys;
}

// True when some key in `keys` starts with `prefix` ("orders(portfolio_id,status" matches
// "orders(portfolio_id,status,created_at)").
bool has_index_prefix(const std::set<std::string>& keys, const std::string& prefix) {
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) {
    return k.compare(0, prefix.size(), prefix) == 0 &&
           (k.size() == prefix.size() || k[prefix.size()] == ',' || k[prefix.size()] == ')');
  });
}

class Migrations : public PgTest {};

TEST_F(Migrations, EmbedsAtLeastTheInitialSchemaInVersionOrder) {
  const auto& ms = embedded_migrations();
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms.front().version, 1);
  EXPECT_EQ(ms.front().name, "001_initial");
  for (std::size_t i = 1; i < ms.size(); ++i) EXPECT_LT(ms[i - 1].version, ms[i].version) << ms[i].name;
}

TEST_F(Migrations, EmptyDatabaseGetsEveryTable) {
  const auto report = apply_migrations(url());
  EXPECT_EQ(report.applied, static_cast<int>(embedded_migrations().size()));
  EXPECT_EQ(report.already_applied, 0);

  const auto tables = public_tables(url());
  for (const char* name : {"users",       "portfolios",          "strategies",     "orders",
                           "trades",      "positions",           "market_data",    "trading_sessions",
                           "signals",     "schema_migrations",   "order_events",   "ai_decisions",
                           "alerts",      "backtest_results",    "sentiment_data", "risk_metrics",
                           "risk_limits", "performance_metrics", "system_logs",    "refresh_tokens",
                           "api_keys"})
    EXPECT_TRUE(tables.contains(name)) << "missing table " << name;

  const auto rows = migration_rows(url());
  EXPECT_EQ(rows.rows, static_cast<long long>(embedded_migrations().size()));
}

TEST_F(Migrations, SecondRunAppliesNothingAndChangesNothing) {
  ASSERT_EQ(apply_migrations(url()).applied, static_cast<int>(embedded_migrations().size()));
  const auto tables_before = public_tables(url());

  const auto again = apply_migrations(url());
  EXPECT_EQ(again.applied, 0);
  EXPECT_EQ(again.already_applied, static_cast<int>(embedded_migrations().size()));
  EXPECT_EQ(public_tables(url()), tables_before);
  const auto rows = migration_rows(url());
  EXPECT_EQ(rows.rows, static_cast<long long>(embedded_migrations().size()));
  EXPECT_EQ(rows.distinct_versions, rows.rows);
}

// Two processes starting together (e.g. `meridiand migrate` and a daemon) must both get an
// up-to-date schema: one applies, the other waits on the advisory lock and finds it done.
// Several rounds on fresh databases, each with both threads released at once, so a race
// outside the lock has a real chance to show.
TEST_F(Migrations, ConcurrentRunsOnAFreshDatabaseBothSucceedOnce) {
  constexpr int kRounds = 8;
  const auto expected = static_cast<int>(embedded_migrations().size());
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string db = round == 0 ? url() : create_database();
    std::latch go(2);
    storage::MigrationReport reports[2];
    std::string errors[2];
    auto migrate = [&](int i) {
      go.arrive_and_wait();
      try {
        reports[i] = apply_migrations(db);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    };
    std::thread a(migrate, 0), b(migrate, 1);
    a.join();
    b.join();
    EXPECT_EQ(errors[0], "") << "first migrator threw";
    EXPECT_EQ(errors[1], "") << "second migrator threw";
    if (errors[0].empty() && errors[1].empty()) {
      EXPECT_EQ(reports[0].applied + reports[1].applied, expected);
      EXPECT_EQ(reports[0].applied + reports[0].already_applied, expected);
      EXPECT_EQ(reports[1].applied + reports[1].already_applied, expected);
    }
    const auto rows = migration_rows(db);
    EXPECT_EQ(rows.rows, expected);
    EXPECT_EQ(rows.distinct_versions, expected);
    EXPECT_TRUE(public_tables(db).contains("trading_sessions"));
  }
}

TEST_F(Migrations, StatusOfANeverMigratedDatabaseIsAllPendingAndCreatesNothing) {
  const auto rows = migration_status(url());
  ASSERT_EQ(rows.size(), embedded_migrations().size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].version, embedded_migrations()[i].version);
    EXPECT_EQ(rows[i].name, embedded_migrations()[i].name);
    EXPECT_TRUE(rows[i].known) << rows[i].name;
    EXPECT_FALSE(rows[i].applied_at.has_value()) << rows[i].name;
  }
  EXPECT_TRUE(public_tables(url()).empty()) << "status must only read";
}

TEST_F(Migrations, StatusAfterMigrateListsEveryVersionApplied) {
  apply_migrations(url());
  const auto rows = migration_status(url());
  ASSERT_EQ(rows.size(), embedded_migrations().size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].version, embedded_migrations()[i].version);
    EXPECT_EQ(rows[i].name, embedded_migrations()[i].name);
    EXPECT_TRUE(rows[i].known) << rows[i].name;
    EXPECT_TRUE(rows[i].applied_at.has_value()) << rows[i].name;
  }
}

// A database migrated by a newer binary records versions this one does not embed; one whose
// row was lost shows that migration as pending again.
TEST_F(Migrations, StatusShowsPendingAndUnknownVersionsInVersionOrder) {
  apply_migrations(url());
  const int missing = embedded_migrations().back().version;
  exec(url(), "DELETE FROM schema_migrations WHERE version = " + std::to_string(missing));
  exec(url(), "INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_from_the_future')");

  const auto rows = migration_status(url());
  ASSERT_EQ(rows.size(), embedded_migrations().size() + 1);
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_LT(rows[i - 1].version, rows[i].version);
  const auto& unknown = rows.back();
  EXPECT_EQ(unknown.version, 9999);
  EXPECT_EQ(unknown.name, "9999_from_the_future");
  EXPECT_FALSE(unknown.known);
  EXPECT_TRUE(unknown.applied_at.has_value());
  const auto& pending = rows[rows.size() - 2];
  EXPECT_EQ(pending.version, missing);
  EXPECT_TRUE(pending.known);
  EXPECT_FALSE(pending.applied_at.has_value());
}

TEST_F(Migrations, TimeOrderedTablesHaveBrinIndexesOnTheirTimeColumn) {
  apply_migrations(url());
  const auto brin = index_keys(url(), "brin");
  for (const char* key :
       {"trades(executed_at)", "market_data(open_time)", "signals(created_at)", "system_logs(created_at)"})
    EXPECT_TRUE(brin.contains(key)) << "no BRIN index " << key;
}

// Each history query the API serves (filter columns, then the order column) leads a btree.
TEST_F(Migrations, HistoryQueriesHaveAnIndex) {
  apply_migrations(url());
  const auto btree = index_keys(url(), "btree");
  for (const char* prefix : {"trades(portfolio_id,executed_at",
                             "trades(symbol,executed_at",
                             "trades(order_id",
                             "signals(strategy_id,created_at",
                             "signals(symbol,created_at",
                             "signals(portfolio_id,id",
                             "orders(portfolio_id,status",
                             "orders(portfolio_id,created_at",
                             "orders(parent_order_id",
                             "order_events(order_id,seq",
                             "market_data(symbol,timeframe,open_time",
                             "system_logs(level,created_at",
                             "alerts(user_id",
                             "ai_decisions(symbol,created_at",
                             "backtest_results(user_id,created_at",
                             "sentiment_data(symbol,observed_at",
                             "risk_metrics(portfolio_id,computed_at",
                             "performance_metrics(portfolio_id,day",
                             "refresh_tokens(token_hash",
                             "refresh_tokens(user_id",
                             "api_keys(user_id"})
    EXPECT_TRUE(has_index_prefix(btree, prefix)) << "no btree index led by " << prefix << ")";
}

// Rows the journal wrote before 003 (filled market orders with one trade) survive the upgrade
// and gain the fill figures and the one event the new columns and table would have held.
TEST_F(Migrations, UpgradeKeepsFilledMarketOrdersAndBackfillsTheirFills) {
  const auto& ms = embedded_migrations();
  const auto full_schema = std::find_if(ms.begin(), ms.end(), [](const auto& m) { return m.version == 3; });
  ASSERT_NE(full_schema, ms.end());
  {
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    for (auto it = ms.begin(); it != full_schema; ++it) tx.exec0(std::string(it->sql));
    tx.exec0(
        "INSERT INTO users (email) VALUES ('old@meridian.local');"
        "INSERT INTO portfolios (id, user_id, name, initial_cash, cash) VALUES (1, 1, 'default', 1000, 1000);"
        "INSERT INTO orders (id, portfolio_id, symbol, side, type, quantity, status, strategy, created_at, updated_at)"
        " VALUES (1, 1, 'BTC-USD', 'buy', 'market', 0.5, 'filled', 'default', '2026-01-01T00:00:00Z',"
        " '2026-01-01T00:00:00Z');"
        "INSERT INTO trades (id, order_id, portfolio_id, symbol, side, quantity, price, executed_at)"
        " VALUES (1, 1, 1, 'BTC-USD', 'buy', 0.5, 100.12345678, '2026-01-01T00:00:00Z');");
    tx.exec0(std::string(full_schema->sql));
    tx.commit();
  }
  EXPECT_EQ(query_value(url(),
                        "SELECT type || ' ' || status || ' ' || filled_quantity || ' ' || average_price || ' ' ||"
                        " time_in_force FROM orders WHERE id = 1"),
            "market filled 0.50000000 100.12345678 gtc");
  EXPECT_EQ(query_value(url(),
                        "SELECT count(*) || ' ' || min(seq) || ' ' || min(status) || ' ' ||"
                        " min(filled_quantity) FROM order_events WHERE order_id = 1"),
            "1 1 filled 0.50000000");
}

class OrdersSchema : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    apply_migrations(url());
    exec(url(),
         "INSERT INTO users (id, email) VALUES (1, 'o@meridian.local');"
         "INSERT INTO portfolios (id, user_id, name, initial_cash, cash) VALUES (1, 1, 'a', 1000, 1000),"
         " (2, 1, 'b', 1000, 1000)");
  }

  // An INSERT of a filled market order in portfolio 1 (the journal writer's shape), with `set`
  // (column -> SQL value) replacing or adding columns.
  static std::string order(int id, const std::map<std::string, std::string>& set = {}) {
    std::map<std::string, std::string> row{
        {"id", std::to_string(id)}, {"portfolio_id", "1"},   {"symbol", "'BTC-USD'"},
        {"side", "'buy'"},          {"type", "'market'"},    {"quantity", "1"},
        {"status", "'filled'"},     {"created_at", "now()"}, {"updated_at", "now()"}};
    for (const auto& [column, value] : set) row[column] = value;
    std::string columns, values;
    for (const auto& [column, value] : row) {
      columns += (columns.empty() ? "" : ", ") + column;
      values += (values.empty() ? "" : ", ") + value;
    }
    return "INSERT INTO orders (" + columns + ") VALUES (" + values + ")";
  }
};

TEST_F(OrdersSchema, AcceptsWhatTheJournalWritesAndEveryNewOrderShape) {
  EXPECT_NO_THROW(exec(url(), order(1)));  // what the journal writer inserts today
  EXPECT_NO_THROW(exec(url(), order(2, {{"type", "'limit'"}, {"status", "'new'"}, {"limit_price", "99.5"}})));
  EXPECT_NO_THROW(exec(url(), order(3, {{"type", "'stop'"}, {"status", "'accepted'"}, {"stop_price", "90"}})));
  EXPECT_NO_THROW(exec(url(), order(4, {{"type", "'stop_limit'"},
                                        {"status", "'partially_filled'"},
                                        {"stop_price", "90"},
                                        {"limit_price", "89"},
                                        {"filled_quantity", "0.5"},
                                        {"average_price", "89"},
                                        {"time_in_force", "'day'"},
                                        {"parent_order_id", "2"}})));
  EXPECT_NO_THROW(exec(url(), order(5, {{"type", "'stop'"}, {"status", "'new'"}, {"trail_percent", "2.5"}})));
  EXPECT_NO_THROW(exec(url(), order(6, {{"status", "'rejected'"},
                                        {"reason", "'insufficient cash'"},
                                        {"time_in_force", "'ioc'"},
                                        {"filled_quantity", "0"}})));
  EXPECT_EQ(query_value(url(), "SELECT count(*) FROM orders"), "6");
}

TEST_F(OrdersSchema, RejectsBadTypeStatusTimeInForceAndMissingPrices) {
  EXPECT_THROW(exec(url(), order(1, {{"type", "'trailing'"}})), pqxx::check_violation);
  EXPECT_THROW(exec(url(), order(1, {{"status", "'done'"}})), pqxx::check_violation);
  EXPECT_THROW(exec(url(), order(1, {{"time_in_force", "'gtd'"}})), pqxx::check_violation);
  EXPECT_THROW(exec(url(), order(1, {{"type", "'limit'"}})), pqxx::check_violation) << "limit without a price";
  EXPECT_THROW(exec(url(), order(1, {{"type", "'stop'"}})), pqxx::check_violation) << "stop without a price";
  EXPECT_THROW(exec(url(), order(1, {{"type", "'limit'"}, {"limit_price", "-1"}})), pqxx::check_violation);
  EXPECT_THROW(exec(url(), order(1, {{"type", "'stop'"}, {"trail_amount", "1"}, {"trail_percent", "1"}})),
               pqxx::check_violation)
      << "both trail forms";
  EXPECT_THROW(exec(url(), order(1, {{"trail_amount", "1"}})), pqxx::check_violation) << "trail on a market order";
  EXPECT_THROW(exec(url(), order(1, {{"filled_quantity", "2"}})), pqxx::check_violation) << "overfilled";
  EXPECT_THROW(exec(url(), order(1, {{"parent_order_id", "42"}})), pqxx::foreign_key_violation);
  EXPECT_EQ(query_value(url(), "SELECT count(*) FROM orders"), "0");
}

TEST_F(OrdersSchema, ClientOrderIdIsUniquePerPortfolio) {
  exec(url(), order(1, {{"client_order_id", "'abc-1'"}}));
  EXPECT_THROW(exec(url(), order(2, {{"client_order_id", "'abc-1'"}})), pqxx::unique_violation);
  EXPECT_NO_THROW(exec(url(), order(3, {{"client_order_id", "'abc-1'"}, {"portfolio_id", "2"}})))
      << "another portfolio may reuse it";
  EXPECT_NO_THROW(exec(url(), order(4)));
  EXPECT_NO_THROW(exec(url(), order(5))) << "orders without a client id never collide";
  EXPECT_THROW(exec(url(), order(6, {{"client_order_id", "''"}})), pqxx::check_violation);
}

TEST_F(OrdersSchema, OrderEventsFollowTheirOrder) {
  exec(url(), order(1, {{"type", "'limit'"}, {"status", "'partially_filled'"}, {"limit_price", "100"}}));
  exec(url(),
       "INSERT INTO order_events (order_id, seq, status, filled_quantity, price, at) VALUES"
       " (1, 1, 'new', 0, NULL, now()), (1, 2, 'accepted', 0, NULL, now()),"
       " (1, 3, 'partially_filled', 0.4, 100, now())");
  EXPECT_THROW(exec(url(), "INSERT INTO order_events (order_id, seq, status, at) VALUES (1, 3, 'filled', now())"),
               pqxx::unique_violation);
  EXPECT_THROW(exec(url(), "INSERT INTO order_events (order_id, seq, status, at) VALUES (1, 4, 'done', now())"),
               pqxx::check_violation);
  EXPECT_THROW(exec(url(), "INSERT INTO order_events (order_id, seq, status, at) VALUES (7, 1, 'new', now())"),
               pqxx::foreign_key_violation);
  exec(url(), "DELETE FROM orders WHERE id = 1");
  EXPECT_EQ(query_value(url(), "SELECT count(*) FROM order_events"), "0");
}

// Broker secrets exist only sealed: the text columns are the hint and the metadata, and a
// nonce is never reused under one key.
TEST_F(Migrations, ApiKeysHoldOnlyCiphertextAndAMaskedHint) {
  apply_migrations(url());
  std::map<std::string, std::string> columns;
  {
    pqxx::connection conn(url());
    pqxx::read_transaction tx(conn);
    for (const auto& row : tx.exec("SELECT column_name, data_type FROM information_schema.columns"
                                   " WHERE table_schema = 'public' AND table_name = 'api_keys'"))
      columns[row[0].c_str()] = row[1].c_str();
  }
  EXPECT_EQ(columns["ciphertext"], "bytea");
  EXPECT_EQ(columns["nonce"], "bytea");
  EXPECT_EQ(columns["key_id"], "text");
  EXPECT_EQ(columns["last4"], "text");
  for (const auto& [name, type] : columns) {
    if (type != "text") continue;
    EXPECT_TRUE(name == "broker" || name == "label" || name == "key_id" || name == "last4")
        << "unexpected text column api_keys." << name << ": secrets must not be stored in the clear";
  }

  exec(url(), "INSERT INTO users (id, email) VALUES (1, 'k@meridian.local')");
  const std::string sealed =
      "INSERT INTO api_keys (user_id, broker, label, ciphertext, nonce, key_id, last4) VALUES (1, 'alpaca', ";
  const std::string blob = "'\\x" + std::string(64, 'a') + "'";
  const std::string nonce12 = "'\\x" + std::string(24, 'b') + "'";
  exec(url(), sealed + "'main', " + blob + ", " + nonce12 + ", 'k1', 'ab12')");
  EXPECT_THROW(exec(url(), sealed + "'second', " + blob + ", " + nonce12 + ", 'k1', 'cd34')"), pqxx::unique_violation)
      << "nonce reused under key k1";
  EXPECT_NO_THROW(exec(url(), sealed + "'second', " + blob + ", " + nonce12 + ", 'k2', 'cd34')"));
  EXPECT_THROW(exec(url(), sealed + "'third', " + blob + ", '\\x0102', 'k1', 'ef56')"), pqxx::check_violation)
      << "short nonce";
  EXPECT_THROW(exec(url(), sealed + "'fourth', " + blob + ", " + nonce12 + ", 'k3', '123456')"), pqxx::check_violation)
      << "a hint longer than four characters";
}

}  // namespace
}  // namespace meridian::it
