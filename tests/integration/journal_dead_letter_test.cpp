// The journal fault test (issue 11 item 3): a record the database refuses in the middle of a
// stream (a CHECK constraint the test adds refuses one trade, another one order) lands in the
// dead-letter table with its payload and the error; the records after it, that do not depend
// on it, are durable; a record that does (the trade of the refused order) is dead-lettered
// with it; the writer's health says how many and of which kinds; nothing is acknowledged
// without being either written or dead-lettered. Replaying after the fault is removed writes
// them, in dependency order.
#include <nlohmann/json.hpp>

#include "journal_entries.hpp"
#include "meridian/storage/dead_letters.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/recovery.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kPortfolio = 1;
const core::Money kCapital = core::Money::from_units(100'000);

// A buy of 1 unit of symbol 0 at 100, trade and order id `id`, the n-th such buy.
engine::TradeRecord buy(std::uint64_t id, int n) {
  engine::TradeRecord r;
  auto& t = r.trade;
  t.id = id;
  t.order_id = id;
  t.portfolio_id = kPortfolio;
  t.symbol = 0;
  t.side = core::Side::buy;
  t.quantity = core::Quantity::from_units(1);
  t.price = core::Price::from_units(100);
  t.ts = core::Timestamp(std::chrono::minutes(28'000'000 + static_cast<long>(id)));
  t.strategy = "manual";
  r.cash_after = kCapital - core::Money::from_units(100 * n);
  r.position_after = {core::Quantity::from_units(n), core::Money::from_units(100 * n), core::Money{}, t.ts};
  return r;
}

class JournalDeadLetters : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
    storage::RecoveryOptions o;
    o.portfolio_id = kPortfolio;
    o.initial_capital = kCapital;
    storage::load_state(url(), instruments_, o);  // creates the portfolio
  }

  pqxx::result query(const std::string& sql) {
    pqxx::connection conn(url());
    pqxx::nontransaction tx(conn);
    return tx.exec(sql);
  }
  long long count(const std::string& sql) { return query(sql)[0][0].as<long long>(); }

  const core::InstrumentTable instruments_{core::default_instruments()};
};

TEST_F(JournalDeadLetters, RefusedRecordsAreDeadLetteredAndTheRestFlows) {
  // The faults: trade 2 and order 5 are refused by the database (a data error, SQLSTATE 23514).
  query("ALTER TABLE trades ADD CONSTRAINT it_refuse_trade_2 CHECK (id <> 2)");
  query("ALTER TABLE orders ADD CONSTRAINT it_refuse_order_5 CHECK (id <> 5)");

  engine::JournalQueue queue(1024);
  std::atomic<std::uint64_t> acked{0};
  storage::JournalWriter writer(url(), queue, instruments_, kPortfolio, [&](std::uint64_t s) { acked = s; });
  // One stream, one batch: orders and trades 1..6 with a bar between each, trade 5's order refused.
  std::uint64_t seq = 0;
  for (std::uint64_t id = 1; id <= 6; ++id) {
    const auto trade = buy(id, static_cast<int>(id));
    ASSERT_TRUE(queue.try_push({++seq, filled_order(trade.trade)}));
    ASSERT_TRUE(queue.try_push({++seq, trade}));
    ASSERT_TRUE(queue.try_push(bar_entry(++seq)));
  }
  writer.start();
  ASSERT_TRUE(poll_until([&] { return acked.load() == seq; })) << "acked " << acked.load() << " of " << seq;

  // A second stream after the fault: independent records are durable at once.
  const auto later = buy(7, 7);
  ASSERT_TRUE(queue.try_push({++seq, filled_order(later.trade)}));
  ASSERT_TRUE(queue.try_push({++seq, later}));
  ASSERT_TRUE(poll_until([&] { return acked.load() == seq; }));

  // Written: every trade but 2 (refused) and 5 (its order was refused); orders but 5; all bars.
  EXPECT_EQ(count("SELECT count(*) FROM trades WHERE id IN (1, 3, 4, 6, 7)"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM trades"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM orders"), 6);
  EXPECT_EQ(count("SELECT count(*) FROM market_data"), 6);
  EXPECT_EQ(count("SELECT cash::bigint FROM portfolios WHERE id = 1"), 100'000 - 700);

  // Dead letters: trade 2 and order 5 with the database's error; trade 5 depends on order 5.
  const auto letters = storage::list_dead_letters(url(), kPortfolio, true);
  ASSERT_EQ(letters.size(), 3u);
  const auto& t2 = letters[0];
  EXPECT_EQ(t2.kind, "trade");
  EXPECT_EQ(t2.sqlstate, "23514");
  EXPECT_NE(t2.error.find("it_refuse_trade_2"), std::string::npos) << t2.error;
  const auto payload = nlohmann::json::parse(t2.payload);
  EXPECT_EQ(payload.value("id", 0), 2);
  EXPECT_EQ(payload.value("price", ""), "100");
  EXPECT_EQ(payload["position_after"].value("quantity", ""), "2");
  EXPECT_FALSE(t2.depends_on);
  const auto& o5 = letters[1];
  EXPECT_EQ(o5.kind, "order");
  EXPECT_NE(o5.error.find("it_refuse_order_5"), std::string::npos) << o5.error;
  const auto& t5 = letters[2];
  EXPECT_EQ(t5.kind, "trade");
  ASSERT_TRUE(t5.depends_on);
  EXPECT_EQ(*t5.depends_on, o5.id);

  // Health says why, without hiding anything: 3 dead-lettered, and no connection failure.
  const auto h = writer.health();
  EXPECT_EQ(h.dead_lettered, 3u);
  EXPECT_EQ(h.dead_letters_pending, 3u);
  EXPECT_EQ(h.dead_letter_kinds, "order, trade");
  EXPECT_EQ(h.failures, 0u);
  EXPECT_EQ(writer.dead_letters().size(), 3u);

  // Recovery reports exactly what is pending.
  storage::RecoveryOptions o;
  o.portfolio_id = kPortfolio;
  o.initial_capital = kCapital;
  const auto report = storage::load_state(url(), instruments_, o);
  EXPECT_EQ(report.summary.dead_letters_pending, 3u);
  EXPECT_EQ(report.summary.dead_letters_detail, "1 order, 2 trade");

  ASSERT_TRUE(queue.try_push({++seq, engine::StopRecord{}}));
  writer.join(5s);
  EXPECT_TRUE(writer.health().stopped_cleanly);

  // Replay after the fault is removed: refused while the fault stands, and in dependency order.
  EXPECT_THROW(storage::replay_dead_letter(url(), instruments_, t2.id), std::exception);
  query("ALTER TABLE trades DROP CONSTRAINT it_refuse_trade_2");
  query("ALTER TABLE orders DROP CONSTRAINT it_refuse_order_5");
  const auto early = storage::replay_dead_letter(url(), instruments_, t5.id);
  ASSERT_TRUE(early);
  EXPECT_NE(early->find("replay that first"), std::string::npos) << *early;
  EXPECT_FALSE(storage::replay_dead_letter(url(), instruments_, t2.id));
  EXPECT_FALSE(storage::replay_dead_letter(url(), instruments_, o5.id));
  EXPECT_FALSE(storage::replay_dead_letter(url(), instruments_, t5.id));
  EXPECT_TRUE(storage::replay_dead_letter(url(), instruments_, t5.id)) << "a replayed letter replays once";
  EXPECT_EQ(count("SELECT count(*) FROM trades"), 7);
  EXPECT_EQ(count("SELECT count(*) FROM orders"), 7);
  EXPECT_TRUE(storage::list_dead_letters(url(), kPortfolio, true).empty());
  // Later trades carried the dead-lettered trades' cash, so replay added only their rows: the
  // ledger now reconciles with the trade log.
  EXPECT_EQ(count("SELECT cash::bigint FROM portfolios WHERE id = 1"), 100'000 - 700);
  const auto after = storage::load_state(url(), instruments_, o);
  EXPECT_EQ(after.summary.dead_letters_pending, 0u);
  EXPECT_TRUE(after.summary.reconciled) << after.summary.reconcile_detail;
}

TEST_F(JournalDeadLetters, DiscardResolvesALetterWithoutWritingIt) {
  query(
      "CREATE FUNCTION it_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " RAISE EXCEPTION 'refused by the test'; END $$");
  query("CREATE TRIGGER it_refuse_bars BEFORE INSERT ON market_data FOR EACH ROW EXECUTE FUNCTION it_refuse()");
  engine::JournalQueue queue(64);
  std::atomic<std::uint64_t> acked{0};
  storage::JournalWriter writer(url(), queue, instruments_, kPortfolio, [&](std::uint64_t s) { acked = s; });
  ASSERT_TRUE(queue.try_push(bar_entry(1)));
  ASSERT_TRUE(queue.try_push({2, engine::StopRecord{}}));
  writer.start();
  ASSERT_TRUE(poll_until([&] { return acked.load() == 2; }));
  writer.join(5s);
  const auto letters = storage::list_dead_letters(url(), kPortfolio, true);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].sqlstate, "P0001");
  // The operator's list (`journal dead-letters list`) shows every portfolio's, or one's.
  EXPECT_EQ(storage::list_dead_letters(url(), std::nullopt, true).size(), 1u);
  EXPECT_TRUE(storage::list_dead_letters(url(), kPortfolio + 1, true).empty());
  EXPECT_FALSE(storage::discard_dead_letter(url(), letters[0].id));
  EXPECT_TRUE(storage::discard_dead_letter(url(), letters[0].id));
  EXPECT_TRUE(storage::list_dead_letters(url(), kPortfolio, true).empty());
  EXPECT_EQ(count("SELECT count(*) FROM market_data"), 0);
}

}  // namespace
}  // namespace meridian::it
