// sql/005_trade_totals.sql: the database's own fold of the trade log, which recovery
// reconciles the stored ledger against. Checked against hand-computed sums, including the
// half-to-even rounding of notional that core::notional does.
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/portfolio_lock.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

class TradeTotals : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    storage::apply_migrations(url());
    storage::PortfolioLock lock(url(), 1, core::Money::from_units(1000));
    ASSERT_TRUE(lock.try_acquire());  // creates portfolio 1
  }

  void exec(const std::string& sql) {
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    tx.exec0(sql);
    tx.commit();
  }

  // id, side, quantity, price, fee, realized, strategy
  void trade(int id, const char* side, const char* qty, const char* price, const char* fee, const char* realized,
             int strategy = 1) {
    const std::string v = std::to_string(id);
    exec(
        "INSERT INTO orders (id, portfolio_id, symbol, side, type, quantity, status, created_at, updated_at)"
        " VALUES (" +
        v + ", 1, 'BTC-USD', '" + side + "', 'market', " + qty + ", 'filled', now(), now())");
    exec(
        "INSERT INTO trades (id, order_id, portfolio_id, symbol, side, quantity, price, fee, realized_pnl,"
        " executed_at, strategy_id) VALUES (" +
        v + ", " + v + ", 1, 'BTC-USD', '" + side + "', " + qty + ", " + price + ", " + fee + ", " + realized +
        ", now(), " + std::to_string(strategy) + ")" + " ON CONFLICT (id) DO NOTHING");
  }

  pqxx::row totals(int strategy = 1) {
    pqxx::connection conn(url());
    pqxx::nontransaction q(conn);
    return q.exec1(
        "SELECT trades, quantity::text AS quantity, cost_basis::text AS cost_basis, realized_pnl::text AS realized,"
        " fees::text AS fees, cash_flow::text AS cash_flow FROM trade_totals WHERE strategy_id = " +
        std::to_string(strategy));
  }
};

TEST_F(TradeTotals, BuysAndSellsFoldToTheLedgersSums) {
  trade(1, "buy", "2", "100.5", "0.2", "0");
  trade(2, "sell", "0.5", "110", "0.05", "4.875");  // cost removed 50.125 = 55 - 4.875
  auto r = totals();
  EXPECT_EQ(r["trades"].as<long long>(), 2);
  EXPECT_EQ(r["quantity"].as<std::string>(), "1.50000000");
  EXPECT_EQ(r["cost_basis"].as<std::string>(), "150.87500000");  // 201 - 50.125
  EXPECT_EQ(r["realized"].as<std::string>(), "4.87500000");
  EXPECT_EQ(r["fees"].as<std::string>(), "0.25000000");
  EXPECT_EQ(r["cash_flow"].as<std::string>(), "-146.00000000");  // -201 + 55
}

TEST_F(TradeTotals, NotionalRoundsHalfToEvenLikeTheLedger) {
  trade(1, "buy", "0.1", "0.00000005", "0", "0");  // 0.000000005: a tie, to even (0)
  trade(2, "buy", "0.1", "0.00000015", "0", "0");  // 0.000000015: a tie, to even (2e-8)
  trade(3, "buy", "0.1", "0.00000016", "0", "0");  // 0.000000016: not a tie, up (2e-8)
  EXPECT_EQ(totals()["cost_basis"].as<std::string>(), "0.00000004");
}

TEST_F(TradeTotals, ARetriedInsertFoldsNothingTwice) {
  trade(1, "buy", "1", "10", "0", "0");
  EXPECT_NO_THROW(
      exec("INSERT INTO trades (id, order_id, portfolio_id, symbol, side, quantity, price, fee,"
           " realized_pnl, executed_at, strategy_id) VALUES (1, 1, 1, 'BTC-USD', 'buy', 1, 10, 0, 0,"
           " now(), 1) ON CONFLICT (id) DO NOTHING"));
  EXPECT_EQ(totals()["trades"].as<long long>(), 1);
  EXPECT_EQ(totals()["cost_basis"].as<std::string>(), "10.00000000");
}

TEST_F(TradeTotals, RepairsAndDeletesAreFoldedOutAndIn) {
  trade(1, "buy", "1", "10", "0", "0");
  trade(2, "buy", "1", "20", "0", "0", 2);
  exec("UPDATE trades SET price = 12 WHERE id = 1");
  EXPECT_EQ(totals()["cost_basis"].as<std::string>(), "12.00000000");
  exec("DELETE FROM trades WHERE id = 2");
  EXPECT_EQ(totals(2)["trades"].as<long long>(), 0);
  EXPECT_EQ(totals(2)["quantity"].as<std::string>(), "0.00000000");
}

}  // namespace
}  // namespace meridian::it
