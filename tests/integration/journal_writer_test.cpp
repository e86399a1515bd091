// JournalWriter when PostgreSQL cannot be reached: it keeps the records, counts failures,
// retries with backoff, and still shuts down within its grace period.
#include <future>

#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;

engine::JournalEntry bar_entry(std::uint64_t seq) {
  core::Bar b;
  b.symbol = 0;
  b.timeframe = core::Timeframe::m1;
  b.open_time = core::Timestamp(std::chrono::minutes(28'000'000 + static_cast<long>(seq)));
  b.open = b.high = b.low = b.close = core::Price::from_units(100);
  b.volume = core::Quantity::from_units(1);
  return {seq, engine::BarRecord{b}};
}

// join() must return; if it hangs, fail loudly rather than leave ctest to time out.
void join_or_abort(storage::JournalWriter& writer, std::chrono::milliseconds grace) {
  auto joined = std::async(std::launch::async, [&] { writer.join(grace); });
  if (joined.wait_for(grace + 30s) != std::future_status::ready) {
    std::fprintf(stderr, "JournalWriter::join(%lld ms) did not return within 30 s of its grace period\n",
                 static_cast<long long>(grace.count()));
    std::abort();
  }
  joined.get();
}

TEST(JournalWriterOffline, RetriesWhileTheDatabaseIsUnreachableAndJoinsWithinGrace) {
  // Port 1 on loopback: nothing listens, so every connection attempt is refused. No
  // database server is needed for this test.
  const core::InstrumentTable instruments(core::default_instruments());
  engine::JournalQueue queue(64);
  std::atomic<std::uint64_t> acked{0};
  std::atomic<int> acks{0};
  storage::JournalWriter writer("postgresql://postgres@127.0.0.1:1/meridian?connect_timeout=2", queue, instruments, 1,
                                [&](std::uint64_t seq) {
                                  acked = seq;
                                  ++acks;
                                });
  for (std::uint64_t seq = 1; seq <= 5; ++seq) ASSERT_TRUE(queue.try_push(bar_entry(seq)));
  writer.start();

  // The first attempt fails at once; the retry comes after the first backoff.
  ASSERT_TRUE(poll_until([&] { return writer.health().failures >= 2; })) << "failures: " << writer.health().failures;
  const auto h = writer.health();
  EXPECT_TRUE(h.enabled);
  EXPECT_FALSE(h.connected);
  EXPECT_FALSE(h.last_error.empty());
  EXPECT_EQ(h.commits, 0u);
  EXPECT_EQ(h.records, 0u);
  EXPECT_EQ(h.acked_seq, 0u);
  EXPECT_EQ(acks.load(), 0);

  // More records while it retries: the ring buffers them.
  for (std::uint64_t seq = 6; seq <= 8; ++seq) ASSERT_TRUE(queue.try_push(bar_entry(seq)));
  ASSERT_TRUE(poll_until([&] { return writer.health().failures > h.failures; }));

  join_or_abort(writer, 200ms);
  const auto after = writer.health();
  EXPECT_FALSE(after.connected);
  EXPECT_EQ(after.commits, 0u);
  EXPECT_EQ(acks.load(), 0);
  EXPECT_EQ(acked.load(), 0u);
}

// Without a database URL the writer is memory-only: it acknowledges at once and exits on
// the StopRecord, so a daemon without PostgreSQL still shows its trades.
TEST(JournalWriterOffline, MemoryOnlyAcknowledgesEverythingAndStopsOnStopRecord) {
  const core::InstrumentTable instruments(core::default_instruments());
  engine::JournalQueue queue(64);
  std::atomic<std::uint64_t> acked{0};
  storage::JournalWriter writer("", queue, instruments, 1, [&](std::uint64_t seq) { acked = seq; });
  writer.start();
  for (std::uint64_t seq = 1; seq <= 3; ++seq) ASSERT_TRUE(queue.try_push(bar_entry(seq)));
  ASSERT_TRUE(queue.try_push(engine::JournalEntry{4, engine::StopRecord{}}));
  ASSERT_TRUE(poll_until([&] { return acked.load() == 4; })) << "acked " << acked.load();
  join_or_abort(writer, 5s);
  const auto h = writer.health();
  EXPECT_FALSE(h.enabled);
  EXPECT_EQ(h.failures, 0u);
  EXPECT_EQ(h.acked_seq, 4u);
}

// Records already waiting in the ring when the writer starts are committed, and the
// StopRecord behind them ends the thread.
class JournalWriterOnline : public PgTest {};

TEST_F(JournalWriterOnline, CommitsBufferedRecordsAndStopsOnStopRecord) {
  storage::apply_migrations(url());
  const core::InstrumentTable instruments(core::default_instruments());
  engine::JournalQueue queue(64);
  std::atomic<std::uint64_t> acked{0};
  for (std::uint64_t seq = 1; seq <= 5; ++seq) ASSERT_TRUE(queue.try_push(bar_entry(seq)));
  ASSERT_TRUE(queue.try_push(engine::JournalEntry{6, engine::StopRecord{}}));
  storage::JournalWriter writer(url(), queue, instruments, 1, [&](std::uint64_t seq) { acked = seq; });
  writer.start();
  ASSERT_TRUE(poll_until([&] { return acked.load() == 6; })) << writer.health().last_error;
  join_or_abort(writer, 5s);
  const auto h = writer.health();
  EXPECT_TRUE(h.enabled);
  EXPECT_EQ(h.failures, 0u) << h.last_error;
  EXPECT_EQ(h.records, 6u);

  pqxx::connection conn(url());
  pqxx::read_transaction tx(conn);
  EXPECT_EQ(
      tx.exec1("SELECT count(*) FROM market_data WHERE symbol = 'BTC-USD' AND timeframe = '1m'")[0].as<long long>(), 5);
}

}  // namespace
}  // namespace meridian::it
