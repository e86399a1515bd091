// One writer per portfolio: the advisory lock and the fencing epoch against a real server.
#include "meridian/storage/portfolio_lock.hpp"

#include "journal_entries.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

const core::Money kCapital = core::Money::from_units(100'000);

std::int64_t stored_epoch(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction q(conn);
  return q.exec1("SELECT writer_epoch FROM portfolios WHERE id = 1")[0].as<long long>();
}

class PortfolioLockTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (!IsSkipped() && !HasFailure()) storage::apply_migrations(url());
  }
};

TEST_F(PortfolioLockTest, FirstTakerCreatesThePortfolioAndBumpsTheEpoch) {
  storage::PortfolioLock lock(url(), 1, kCapital);
  ASSERT_TRUE(lock.try_acquire());
  EXPECT_TRUE(lock.held());
  EXPECT_EQ(lock.epoch(), 1);
  EXPECT_EQ(stored_epoch(url()), 1);
  pqxx::connection conn(url());
  pqxx::nontransaction q(conn);
  EXPECT_EQ(q.exec1("SELECT cash FROM portfolios WHERE id = 1")[0].as<std::string>(), "100000.00000000");
}

TEST_F(PortfolioLockTest, SecondDaemonWaitsUntilTheHolderGoesAway) {
  auto first = std::make_unique<storage::PortfolioLock>(url(), 1, kCapital);
  ASSERT_TRUE(first->try_acquire());
  storage::PortfolioLock second(url(), 1, kCapital);
  EXPECT_FALSE(second.try_acquire());
  EXPECT_FALSE(second.try_acquire()) << "still held: a standby keeps waiting";
  EXPECT_EQ(stored_epoch(url()), 1) << "a failed attempt must not bump the epoch";

  first.reset();  // the holder's connection closes, as when its process dies
  ASSERT_TRUE(poll_until([&] { return second.try_acquire(); }));
  EXPECT_EQ(second.epoch(), 2) << "the new holder fences the old one out";
  EXPECT_EQ(stored_epoch(url()), 2);
}

TEST_F(PortfolioLockTest, PortfoliosAreLockedIndependently) {
  storage::PortfolioLock one(url(), 1, kCapital);
  storage::PortfolioLock two(url(), 2, kCapital);
  EXPECT_TRUE(one.try_acquire());
  EXPECT_TRUE(two.try_acquire());
  EXPECT_NE(storage::portfolio_lock_key(1), storage::portfolio_lock_key(2));
}

long long bar_rows(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction q(conn);
  return q.exec1("SELECT count(*) FROM market_data")[0].as<long long>();
}

TEST_F(PortfolioLockTest, WriterStopsForGoodOnceAnotherDaemonTookThePortfolio) {
  storage::PortfolioLock lock(url(), 1, kCapital);
  ASSERT_TRUE(lock.try_acquire());
  const core::InstrumentTable instruments(core::default_instruments());
  engine::JournalQueue queue(64);
  std::atomic<std::uint64_t> acked{0};
  std::atomic<bool> fenced{false};
  storage::JournalWriter writer(url(), queue, instruments, 1, [&](std::uint64_t seq) { acked = seq; });
  writer.set_fencing(lock.epoch(), [&] { fenced = true; });
  writer.start();
  ASSERT_TRUE(queue.try_push(bar_entry(1)));
  ASSERT_TRUE(poll_until([&] { return acked.load() == 1; })) << "our own epoch writes";
  EXPECT_EQ(bar_rows(url()), 1);

  {  // A second daemon takes over (its lock bumps the epoch) while we still run.
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    tx.exec0("UPDATE portfolios SET writer_epoch = writer_epoch + 1 WHERE id = 1");
    tx.commit();
  }
  ASSERT_TRUE(queue.try_push(bar_entry(2)));
  ASSERT_TRUE(poll_until([&] { return fenced.load(); }));
  EXPECT_TRUE(writer.health().fenced);
  EXPECT_EQ(acked.load(), 1u) << "a fenced batch is never acknowledged";
  EXPECT_EQ(bar_rows(url()), 1) << "a fenced writer must not commit";
  writer.join(std::chrono::milliseconds(500));
}

TEST(PortfolioLockOffline, UnreachableDatabaseThrowsInsteadOfClaimingTheLock) {
  storage::PortfolioLock lock("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", 1, kCapital);
  EXPECT_THROW(lock.try_acquire(), std::exception);
  EXPECT_FALSE(lock.held());
}

}  // namespace
}  // namespace meridian::it
