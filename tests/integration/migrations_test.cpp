// apply_migrations against a real PostgreSQL: schema creation, idempotence, concurrency.
#include <latch>
#include <set>

#include "meridian/storage/migrations.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using storage::apply_migrations;
using storage::embedded_migrations;

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
  for (const char* name : {"users", "portfolios", "strategies", "orders", "trades", "positions", "market_data",
                           "trading_sessions", "schema_migrations"})
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

}  // namespace
}  // namespace meridian::it
