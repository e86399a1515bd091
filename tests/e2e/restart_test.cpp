// Restart on the same database: trades, positions, cash and the session state survive a
// SIGTERM and a new start.
#include <map>

#include "fixture.hpp"
#include "trade_audit.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

class Restart : public DaemonTest {};

DaemonOptions fast_trading() {
  DaemonOptions o;
  o.fast_period = 3;
  o.slow_period = 8;
  return o;
}

// After a state change, waits until the journal has caught up: the session row in the database
// shows `state` (committed after every trade before it) and the REST views count as many trades
// as the trades table.
void expect_exit_zero(Daemon& d, int signo) {
  const auto status = d.stop(signo);
  ASSERT_TRUE(status) << "meridiand still runs 10 s after signal " << signo;
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "meridiand " << describe_wait_status(*status) << " after signal " << signo;
}

std::map<std::string, json> by_symbol(const json& items) {
  std::map<std::string, json> out;
  for (const auto& p : items) out[p.at("symbol").get<std::string>()] = p;
  return out;
}

TEST_F(Restart, PausedSessionWithTradesAndPositionsSurvives) {
  auto& first = start_daemon(fast_trading());
  const auto port = first.port();

  // Pause with at least one trade and one open position (a pause that happens to find every
  // position closed resumes and tries again).
  bool ready = false;
  const auto deadline = std::chrono::steady_clock::now() + 2 * kDeadline;
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(poll_until(
        [&] {
          auto s = http_get(port, "/api/trading/status").json();
          return s.value("trades_count", 0) >= 1 && s.value("open_positions", 0) >= 1;
        },
        kDeadline))
        << "no trade and open position within the deadline";
    ASSERT_EQ(http_post(port, "/api/trading/pause").status, 200);
    ASSERT_NO_FATAL_FAILURE(wait_settled(db().url(), port, "paused"));
    ready = !get_json(port, "/api/trading/positions").at("items").empty();
    if (!ready) {
      ASSERT_EQ(http_post(port, "/api/trading/resume").status, 200);
    }
  }
  ASSERT_TRUE(ready) << "could not pause with an open position";

  const auto trades = get_json(port, "/api/trades?limit=5000");
  const auto positions = get_json(port, "/api/trading/positions");
  const auto status = get_json(port, "/api/trading/status");
  ASSERT_EQ(status.at("state"), "paused");
  ASSERT_FALSE(trades.at("items").empty());
  ASSERT_EQ(trades.at("items").size(), status.at("trades_count").get<std::size_t>());
  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(first, SIGTERM));

  auto& second = start_daemon(fast_trading());
  const auto status2 = get_json(second.port(), "/api/trading/status");
  const auto trades2 = get_json(second.port(), "/api/trades?limit=5000");
  const auto positions2 = get_json(second.port(), "/api/trading/positions");

  EXPECT_EQ(status2.at("state"), "paused") << "the session state did not survive the restart";
  EXPECT_EQ(status2.at("cash"), status.at("cash")) << "cash changed across the restart";
  EXPECT_EQ(status2.at("trades_count"), status.at("trades_count"));
  EXPECT_EQ(status2.at("initial_capital"), status.at("initial_capital"));
  EXPECT_EQ(status2.at("pnl").at("realized"), status.at("pnl").at("realized"));
  EXPECT_EQ(status2.at("pnl").at("fees"), status.at("pnl").at("fees"));
  EXPECT_EQ(status2.at("strategy"), status.at("strategy"));
  EXPECT_EQ(status2.at("symbols"), status.at("symbols"));

  // The recovery report: what came back from the database, reconciled with the trade log.
  const auto recovery = get_json(second.port(), "/api/status").at("recovery");
  EXPECT_EQ(recovery.at("source"), "database");
  EXPECT_EQ(recovery.at("rows").at("trades"), status.at("trades_count"));
  EXPECT_EQ(recovery.at("session"), "paused");
  EXPECT_EQ(recovery.at("reconciled"), true) << recovery.dump();
  EXPECT_TRUE(recovery.at("reconcile_detail").is_null());
  EXPECT_GT(recovery.at("writer_epoch").get<long long>(), 1) << "each start takes the portfolio with a new epoch";

  // The same trades, field by field.
  const auto& before = trades.at("items");
  const auto& after = trades2.at("items");
  EXPECT_EQ(after.size(), before.size()) << "trade count differs after the restart";
  for (std::size_t i = 0; i < std::min(before.size(), after.size()); ++i)
    EXPECT_EQ(after[i], before[i]) << "trade #" << i << " (newest first) differs after the restart";

  // The same positions: quantity and cost basis (and what derives from them, not the mark).
  const auto p1 = by_symbol(positions.at("items"));
  const auto p2 = by_symbol(positions2.at("items"));
  EXPECT_EQ(p2.size(), p1.size()) << "positions before: " << positions.dump() << "\nafter: " << positions2.dump();
  for (const auto& [symbol, p] : p1) {
    auto it = p2.find(symbol);
    if (it == p2.end()) {
      ADD_FAILURE() << "position " << symbol << " is gone after the restart";
      continue;
    }
    for (const char* field : {"side", "quantity", "cost_basis", "avg_price", "realized_pnl"})
      EXPECT_EQ(it->second.at(field), p.at(field)) << symbol << "." << field << " changed across the restart";
  }

  // The recovered session can be resumed.
  auto resumed = http_post(second.port(), "/api/trading/resume");
  EXPECT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(session_state(second.port()), "running");
  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(second, SIGTERM));
}

// SIGTERM in the middle of trading: every trade seen before is there after the restart,
// unchanged, and the recovered ledger agrees with its trade log and with the database.
TEST_F(Restart, SigtermWhileTradingLosesNothing) {
  auto& first = start_daemon(fast_trading());
  ASSERT_TRUE(poll_until([&] { return get_json(first.port(), "/api/trading/status").value("trades_count", 0) >= 5; },
                         kDeadline))
      << "fewer than 5 trades within the deadline";
  const auto seen = get_json(first.port(), "/api/trades?limit=5000").at("items");
  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(first, SIGTERM));

  auto& second = start_daemon(fast_trading());
  const auto port = second.port();
  ASSERT_EQ(session_state(port), "running") << "a running session came back in another state";
  ASSERT_EQ(http_post(port, "/api/trading/pause").status, 200);
  ASSERT_NO_FATAL_FAILURE(wait_settled(db().url(), port, "paused"));

  const auto status = get_json(port, "/api/trading/status");
  const auto trades = get_json(port, "/api/trades?limit=5000").at("items");
  const auto positions = by_symbol(get_json(port, "/api/trading/positions").at("items"));

  std::map<long long, json> after;
  for (const auto& t : trades) after[t.at("id").get<long long>()] = t;
  for (const auto& t : seen) {
    auto it = after.find(t.at("id").get<long long>());
    if (it == after.end()) {
      ADD_FAILURE() << "trade " << t.at("id") << " was lost in the restart";
      continue;
    }
    EXPECT_EQ(it->second, t) << "trade " << t.at("id") << " changed across the restart";
  }

  // The ledger follows from the trades: cash and open quantities.
  double cash = status.at("initial_capital").get<double>();
  std::map<std::string, double> quantity;
  for (const auto& t : trades) {
    const double sign = t.at("side") == "buy" ? 1.0 : -1.0;
    cash -= sign * t.at("notional").get<double>() + t.at("fee").get<double>();
    quantity[t.at("symbol").get<std::string>()] += sign * t.at("quantity").get<double>();
  }
  EXPECT_NEAR(status.at("cash").get<double>(), cash, 1e-4) << "cash does not follow from the trade log";
  for (const auto& [symbol, q] : quantity) {
    const auto it = positions.find(symbol);
    const double open = it == positions.end() ? 0.0 : it->second.at("quantity").get<double>();
    EXPECT_NEAR(open, q, 1e-9) << symbol << ": the open quantity does not follow from the trade log";
  }

  // And the database says the same.
  const auto stored_cash = db().query("SELECT cash::text FROM portfolios WHERE id = 1");
  ASSERT_EQ(stored_cash.size(), 1u);
  EXPECT_NEAR(std::stod(stored_cash[0][0].c_str()), status.at("cash").get<double>(), 1e-8);
  const auto stored =
      db().query("SELECT symbol, quantity::text FROM positions WHERE portfolio_id = 1 AND quantity <> 0");
  EXPECT_EQ(stored.size(), positions.size()) << "open positions in the table and over REST differ";
  for (const auto& row : stored) {
    const auto it = positions.find(row[0].c_str());
    if (it == positions.end()) {
      ADD_FAILURE() << "position " << row[0].c_str() << " is in the table but not in GET /api/trading/positions";
      continue;
    }
    EXPECT_NEAR(std::stod(row[1].c_str()), it->second.at("quantity").get<double>(), 1e-9) << row[0].c_str();
  }
  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(second, SIGTERM));
}

TEST_F(Restart, StoppedStaysStoppedAndRunningStaysRunning) {
  auto& first = start_daemon({});
  ASSERT_EQ(session_state(first.port()), "running") << "autostart: a first start begins trading";
  ASSERT_EQ(http_post(first.port(), "/api/trading/stop").status, 200);
  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(first, SIGTERM));

  auto& second = start_daemon({});
  EXPECT_EQ(session_state(second.port()), "stopped") << "a stopped session came back in another state";
  ASSERT_EQ(http_post(second.port(), "/api/trading/start").status, 200);
  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(second, SIGTERM));

  auto& third = start_daemon({});
  EXPECT_EQ(session_state(third.port()), "running") << "a running session came back in another state";
  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(third, SIGTERM));
}

}  // namespace
}  // namespace meridian::e2e
