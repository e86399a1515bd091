// JournalWriter when PostgreSQL cannot be reached: it keeps the records, counts failures,
// retries with backoff, and still shuts down within its grace period.
#include <future>

#include "journal_entries.hpp"
#include "meridian/engine/ledger.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/recovery.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;

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

// One batch of many trades over three symbols, with signals and a bar journalled twice. The
// writer turns a batch into one statement per record kind; what it leaves must be what
// applying the records one by one leaves: every row once, each position at the batch's last
// record for its symbol, cash at the last record's. Replayed (a retry after a commit whose
// ack was lost), the batch adds nothing and changes nothing.
class JournalWriterBatch : public PgTest {
 protected:
  static constexpr std::size_t kTrades = 300;

  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
    storage::RecoveryOptions o;
    o.initial_capital = kCapital;
    ASSERT_TRUE(storage::load_state(url(), instruments_, o).summary.reconciled);  // creates portfolio 1
    build_batch();
  }

  // Symbol 0 alternates buy/sell and ends flat; symbol 1 buys twice then sells part and ends
  // open; symbol 2 only buys. Prices move, so cost basis and realized P&L change each time.
  void build_batch() {
    const auto start = core::Timestamp(std::chrono::hours(24 * 19'800)) + std::chrono::microseconds(123'456);
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < kTrades; ++i) {
      const auto symbol = static_cast<core::SymbolId>(i % 3);
      const std::size_t step = i / 3;
      const auto held = ledger_.position(symbol).quantity;
      core::Side side = core::Side::buy;
      auto qty = core::Quantity::from_units(static_cast<std::int64_t>(1 + step % 4));
      if (symbol == 0 && step % 2 == 1) {
        side = core::Side::sell;
        qty = held;
      } else if (symbol == 1 && step % 3 == 2) {
        side = core::Side::sell;
        qty = core::Quantity::from_raw(held.raw() / 3);
      }
      const auto price = core::Price::from_double(100.0 + static_cast<double>((i * 37) % 23) * 0.25);
      const auto fee = core::Money::from_double(0.01 * static_cast<double>(1 + i % 5));
      const auto ts = start + std::chrono::milliseconds(i * 7);
      const auto realized = ledger_.apply(symbol, side, qty, price, fee, ts);
      engine::Trade t{i + 1, 1000 + i, 1, symbol, side, qty, price, fee, realized, ts, "sma_crossover", 1, false, {}};
      if (i % 50 == 0) {
        engine::SignalEntry e;
        e.id = i + 1;
        e.acted = true;
        e.strategy_id = 1;
        e.signal = strategies::Signal{symbol, side, 0.75, price, ts, "sma_crossover", kReason, {}, 1};
        e.signal.values[0] = {"fast", 101.5};
        batch_.push_back({++seq, engine::SignalRecord{e}});
        ++signals_;
      }
      batch_.push_back({++seq, filled_order(t)});
      batch_.push_back({++seq, engine::TradeRecord{t, ledger_.cash(), ledger_.fees_paid(), ledger_.position(symbol)}});
    }
    // The same bar twice: the later version is the one to keep.
    core::Bar bar;
    bar.symbol = 2;
    bar.timeframe = core::Timeframe::m1;
    bar.open_time = start;
    bar.open = bar.high = bar.low = bar.close = core::Price::from_units(100);
    bar.volume = core::Quantity::from_units(5);
    batch_.push_back({++seq, engine::BarRecord{bar}});
    bar.close = core::Price::from_units(101);
    bar.high = core::Price::from_units(102);
    batch_.push_back({++seq, engine::BarRecord{bar}});
    batch_.push_back({++seq, engine::StopRecord{}});
  }

  // Writes the whole batch through a fresh writer; every record is queued before the writer
  // starts, so (at most kMaxBatch records) it is one batch and one commit.
  void write_once() {
    engine::JournalQueue queue(2048);
    for (auto entry : batch_) ASSERT_TRUE(queue.try_push(std::move(entry)));
    std::atomic<std::uint64_t> acked{0};
    storage::JournalWriter writer(url(), queue, instruments_, 1, [&](std::uint64_t seq) { acked = seq; });
    writer.start();
    ASSERT_TRUE(poll_until([&] { return acked.load() == batch_.back().seq; })) << writer.health().last_error;
    join_or_abort(writer, 5s);
    EXPECT_EQ(writer.health().commits, 1u);
    EXPECT_EQ(writer.health().failures, 0u) << writer.health().last_error;
  }

  void expect_stored_state_is_the_last_records() {
    pqxx::connection conn(url());
    pqxx::read_transaction tx(conn);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM trades")[0].as<std::size_t>(), kTrades);
    EXPECT_EQ(tx.exec1("SELECT count(DISTINCT id) FROM trades")[0].as<std::size_t>(), kTrades);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM orders")[0].as<std::size_t>(), kTrades);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM signals")[0].as<std::size_t>(), signals_);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM market_data")[0].as<long long>(), 1);

    const auto pf = tx.exec1("SELECT cash::text, fees_paid::text FROM portfolios WHERE id = 1");
    EXPECT_EQ(core::Money::parse(pf[0].c_str()), ledger_.cash()) << pf[0].c_str();
    EXPECT_EQ(core::Money::parse(pf[1].c_str()), ledger_.fees_paid()) << pf[1].c_str();

    const auto rows = tx.exec(
        "SELECT symbol, quantity::text, cost_basis::text, realized_pnl::text,"
        " (extract(epoch from updated_at) * 1000000)::bigint FROM positions ORDER BY symbol");
    ASSERT_EQ(rows.size(), 3u);
    for (const auto& r : rows) {
      const auto id = instruments_.find(r[0].c_str());
      ASSERT_TRUE(id.has_value()) << r[0].c_str();
      SCOPED_TRACE(r[0].c_str());
      const auto& want = ledger_.position(*id);
      EXPECT_EQ(core::Quantity::parse(r[1].c_str()), want.quantity) << r[1].c_str();
      EXPECT_EQ(core::Money::parse(r[2].c_str()), want.cost_basis) << r[2].c_str();
      EXPECT_EQ(core::Money::parse(r[3].c_str()), want.realized_pnl) << r[3].c_str();
      EXPECT_EQ(r[4].as<long long>(),
                std::chrono::floor<std::chrono::microseconds>(want.updated_at).time_since_epoch().count());
    }
    EXPECT_TRUE(ledger_.position(0).quantity.is_zero());
    EXPECT_FALSE(ledger_.position(1).quantity.is_zero());

    const auto bar = tx.exec1("SELECT close::text, high::text FROM market_data");
    EXPECT_EQ(core::Price::parse(bar[0].c_str()), core::Price::from_units(101));
    EXPECT_EQ(core::Price::parse(bar[1].c_str()), core::Price::from_units(102));

    // Text with quotes, commas, braces and backslashes survives the array encoding.
    const auto sig = tx.exec1("SELECT reason, indicators->>'fast' FROM signals ORDER BY id LIMIT 1");
    EXPECT_EQ(std::string(sig[0].c_str()), std::string(kReason));
    EXPECT_DOUBLE_EQ(sig[1].as<double>(), 101.5);
  }

  static constexpr std::string_view kReason = R"(fast "SMA" crossed {slow}, up \ 2%)";
  static constexpr core::Money kCapital = core::Money::from_units(1'000'000);
  const core::InstrumentTable instruments_{core::default_instruments()};
  engine::Ledger ledger_{kCapital, instruments_.size()};
  std::vector<engine::JournalEntry> batch_;
  std::size_t signals_ = 0;
};

TEST_F(JournalWriterBatch, ManyTradesInOneBatchLeavePositionsAndCashAtTheLastRecord) {
  ASSERT_NO_FATAL_FAILURE(write_once());
  expect_stored_state_is_the_last_records();
  // The trade log replays to the stored cash and positions.
  storage::RecoveryOptions o;
  o.initial_capital = kCapital;
  const auto report = storage::load_state(url(), instruments_, o);
  EXPECT_TRUE(report.summary.reconciled) << report.summary.reconcile_detail;
  EXPECT_EQ(report.state.trades_total, kTrades);
}

TEST_F(JournalWriterBatch, ReplayingACommittedBatchDuplicatesNothing) {
  ASSERT_NO_FATAL_FAILURE(write_once());
  ASSERT_NO_FATAL_FAILURE(write_once());
  expect_stored_state_is_the_last_records();
}

}  // namespace
}  // namespace meridian::it
