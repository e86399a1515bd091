// The audit trail against a real server (#13 item 7): storage::AuditWriter appends the rows it is
// handed (NULLs for anonymous callers, params as JSONB), drops the ones the database refuses
// without losing the rest, drops and counts rows when its queue is full, gives up on an
// unreachable database at stop; storage::AuditStore pages them newest first through its filters.
#include <future>
#include <nlohmann/json.hpp>

#include "meridian/storage/audit_store.hpp"
#include "meridian/storage/audit_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;
using auth::Role;

const core::Timestamp kT0 = *core::parse_time("2025-03-01T12:00:00Z");

storage::AuditEntry entry(int n, std::int64_t user_id, Role role, std::string route,
                          std::optional<std::int64_t> portfolio = std::nullopt) {
  storage::AuditEntry e;
  e.at = kT0 + std::chrono::minutes(n);
  e.user_id = user_id;
  e.role = role;
  e.address = user_id ? "10.0.0." + std::to_string(user_id) : "";
  e.method = "POST";
  e.route = std::move(route);
  e.path = e.route;
  e.portfolio_id = portfolio;
  e.params = R"({"body":{"n":)" + std::to_string(n) + R"(,"password":"***"}})";
  e.status = user_id ? 200 : 401;
  e.result = user_id ? "ok" : "unauthenticated";
  return e;
}

// stop() must return; if it hangs, fail loudly rather than leave ctest to time out.
void stop_or_abort(storage::AuditWriter& writer, std::chrono::milliseconds grace) {
  auto stopped = std::async(std::launch::async, [&] { writer.stop(grace); });
  if (stopped.wait_for(grace + 30s) != std::future_status::ready) {
    std::fprintf(stderr, "AuditWriter::stop(%lld ms) did not return\n", static_cast<long long>(grace.count()));
    std::abort();
  }
  stopped.get();
}

std::vector<std::int64_t> ids_of(const std::vector<storage::AuditRow>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

class AuditLogTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    storage::apply_migrations(url());
  }

  long long count(const std::string& where = "true") {
    pqxx::connection conn(url());
    pqxx::read_transaction tx(conn);
    return tx.exec1("SELECT count(*) FROM audit_log WHERE " + where)[0].as<long long>();
  }

  // Writes `entries` through a writer and waits until they are committed.
  void write_all(std::vector<storage::AuditEntry> entries) {
    storage::AuditWriter writer(url());
    writer.start();
    const auto n = entries.size();
    for (auto& e : entries) writer.record(std::move(e));
    ASSERT_TRUE(poll_until([&] { return writer.stats().written == n; })) << writer.stats().written;
    stop_or_abort(writer, 5s);
  }
};

TEST_F(AuditLogTest, RowsAreWrittenWithTheirColumnsAndNullsForAnonymousCallers) {
  write_all({entry(1, 7, Role::trader, "/api/trade", 2), entry(2, 0, Role::anonymous, "/api/auth/login")});
  EXPECT_EQ(count(), 2);
  pqxx::connection conn(url());
  pqxx::read_transaction tx(conn);
  const auto known = tx.exec1(
      "SELECT user_id, role, api_key_id, address, method, route, path, portfolio_id, params->'body'->>'password',"
      " status, result, at = '2025-03-01T12:01:00Z' FROM audit_log WHERE route = '/api/trade'");
  EXPECT_EQ(known[0].as<long long>(), 7);
  EXPECT_STREQ(known[1].c_str(), "trader");
  EXPECT_TRUE(known[2].is_null());
  EXPECT_STREQ(known[3].c_str(), "10.0.0.7");
  EXPECT_STREQ(known[4].c_str(), "POST");
  EXPECT_STREQ(known[5].c_str(), "/api/trade");
  EXPECT_STREQ(known[6].c_str(), "/api/trade");
  EXPECT_EQ(known[7].as<long long>(), 2);
  EXPECT_STREQ(known[8].c_str(), "***");
  EXPECT_EQ(known[9].as<int>(), 200);
  EXPECT_STREQ(known[10].c_str(), "ok");
  EXPECT_TRUE(known[11].as<bool>());
  const auto anonymous = tx.exec1(
      "SELECT user_id IS NULL, role, address IS NULL, portfolio_id IS NULL, status, result FROM audit_log"
      " WHERE route = '/api/auth/login'");
  EXPECT_TRUE(anonymous[0].as<bool>());
  EXPECT_STREQ(anonymous[1].c_str(), "anonymous");
  EXPECT_TRUE(anonymous[2].as<bool>());
  EXPECT_TRUE(anonymous[3].as<bool>());
  EXPECT_EQ(anonymous[4].as<int>(), 401);
  EXPECT_STREQ(anonymous[5].c_str(), "unauthenticated");
}

TEST_F(AuditLogTest, PagesNewestFirstThroughEveryFilter) {
  std::vector<storage::AuditEntry> entries;
  for (int n = 1; n <= 6; ++n)
    entries.push_back(entry(n, n % 2 ? 1 : 2, Role::trader, n <= 3 ? "/api/trade" : "/api/portfolios/{id}",
                            n % 3 == 0 ? std::optional<std::int64_t>(5) : std::nullopt));
  write_all(std::move(entries));
  const storage::AuditStore store(url());

  auto all = store.page({});
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 6u);
  const auto ids = ids_of(*all);
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend())) << "newest (highest id) first";
  const auto& newest = all->front().entry;
  EXPECT_EQ(newest.at, kT0 + std::chrono::minutes(6));
  EXPECT_EQ(newest.user_id, 2);
  EXPECT_EQ(newest.role, Role::trader);
  EXPECT_EQ(newest.address, "10.0.0.2");
  EXPECT_EQ(newest.route, "/api/portfolios/{id}");
  EXPECT_EQ(newest.portfolio_id, 5);
  EXPECT_EQ(newest.status, 200);
  EXPECT_EQ(nlohmann::json::parse(newest.params)["body"]["n"], 6);

  storage::AuditFilter f;
  f.limit = 2;
  auto first = store.page(f);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(ids_of(*first), std::vector<std::int64_t>(ids.begin(), ids.begin() + 2));
  f.before = first->back().id;
  auto second = store.page(f);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(ids_of(*second), std::vector<std::int64_t>(ids.begin() + 2, ids.begin() + 4));

  storage::AuditFilter by_user;
  by_user.user_id = 1;
  auto user_rows = store.page(by_user);
  ASSERT_TRUE(user_rows.has_value());
  EXPECT_EQ(user_rows->size(), 3u);
  for (const auto& r : *user_rows) EXPECT_EQ(r.entry.user_id, 1);

  storage::AuditFilter by_portfolio;
  by_portfolio.portfolio_id = 5;
  auto portfolio_rows = store.page(by_portfolio);
  ASSERT_TRUE(portfolio_rows.has_value());
  EXPECT_EQ(portfolio_rows->size(), 2u);

  storage::AuditFilter by_route;
  by_route.route = "/api/trade";
  by_route.user_id = 1;
  auto route_rows = store.page(by_route);
  ASSERT_TRUE(route_rows.has_value());
  EXPECT_EQ(route_rows->size(), 2u);  // n = 1 and 3

  storage::AuditFilter window;  // minutes 2..4, both ends included
  window.from = kT0 + std::chrono::minutes(2);
  window.to = kT0 + std::chrono::minutes(4);
  auto window_rows = store.page(window);
  ASSERT_TRUE(window_rows.has_value());
  ASSERT_EQ(window_rows->size(), 3u);
  EXPECT_EQ(window_rows->front().entry.at, kT0 + std::chrono::minutes(4));
  EXPECT_EQ(window_rows->back().entry.at, kT0 + std::chrono::minutes(2));
}

TEST_F(AuditLogTest, ARowTheDatabaseRefusesIsDroppedAndTheRestOfItsBatchWritten) {
  storage::AuditWriter writer(url());
  auto bad = entry(2, 1, Role::admin, "/api/users");
  bad.params = "not json";  // refused by the jsonb cast (SQLSTATE 22P02)
  // Queued before the thread starts, so the three are one batch.
  writer.record(entry(1, 1, Role::admin, "/api/users"));
  writer.record(std::move(bad));
  writer.record(entry(3, 1, Role::admin, "/api/users"));
  writer.start();
  ASSERT_TRUE(poll_until([&] { return writer.stats().written + writer.stats().refused == 3; }));
  stop_or_abort(writer, 5s);
  EXPECT_EQ(writer.stats().written, 2u);
  EXPECT_EQ(writer.stats().refused, 1u);
  EXPECT_EQ(count(), 2);
}

TEST_F(AuditLogTest, StopWritesWhatIsQueued) {
  storage::AuditWriter writer(url());
  writer.start();
  for (int n = 1; n <= 50; ++n) writer.record(entry(n, 3, Role::viewer, "/api/auth/keys"));
  stop_or_abort(writer, 10s);
  EXPECT_EQ(writer.stats().written, 50u);
  EXPECT_EQ(writer.stats().dropped, 0u);
  EXPECT_EQ(count(), 50);
  // Stopped: a row recorded now is dropped and counted.
  writer.record(entry(51, 3, Role::viewer, "/api/auth/keys"));
  EXPECT_EQ(writer.stats().dropped, 1u);
}

TEST(AuditWriterOffline, AFullQueueDropsAndCountsAndStopGivesUpOnAnUnreachableDatabase) {
  // Port 1 on loopback: nothing listens. No database server is needed for this test.
  storage::AuditWriter writer("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", 3);
  for (int n = 1; n <= 5; ++n) writer.record(entry(n, 1, Role::trader, "/api/trade"));
  auto s = writer.stats();
  EXPECT_EQ(s.queued, 3u);
  EXPECT_EQ(s.dropped, 2u);  // never blocked: the queue held three
  writer.start();
  ASSERT_TRUE(poll_until([&] { return writer.stats().failures >= 2; })) << "it retries";
  EXPECT_FALSE(writer.stats().connected);
  stop_or_abort(writer, 200ms);
  s = writer.stats();
  EXPECT_EQ(s.written, 0u);
  EXPECT_EQ(s.dropped, 5u);  // the two refused at the door and the three given up at stop
  EXPECT_EQ(s.queued, 0u);
}

}  // namespace
}  // namespace meridian::it
