// One writer per portfolio across processes: a second daemon on the same database finds the
// portfolio's advisory lock taken, says "standby" in its output, answers /health on its port
// with 503 "standby" (every other route with the `standby` error) and does not write its port
// file; it trades nothing while the first holds the lock; when the first is killed
// with -9 it takes over within seconds and serves the first daemon's durable trades, with cash
// and positions equal to a replay of the trade log.
#include "fixture.hpp"
#include "trade_audit.hpp"

namespace meridian::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// How long a standby may take to notice that the lock is free (the test's deadline, not a claim).
constexpr auto kTakeoverDeadline = std::chrono::seconds(15);
// How long the test watches the trades table while only the standby could trade.
constexpr auto kQuietWindow = std::chrono::seconds(3);

bool says_standby(const Daemon& d) {
  return d.output_contains("standby") || d.output_contains("Standby") || d.output_contains("STANDBY");
}

long long stored_trades(const std::string& url) {
  return query_database(url, "SELECT count(*) FROM trades")[0][0].as<long long>();
}

std::string stored_session_state(const std::string& url) {
  const auto r =
      query_database(url, "SELECT state FROM trading_sessions WHERE portfolio_id = " + std::to_string(kPortfolioId) +
                              " ORDER BY updated_at DESC, id DESC LIMIT 1");
  return r.empty() ? std::string() : std::string(r[0][0].c_str());
}

class Standby : public DaemonTest {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      if (first_) print_output("meridiand (first)", *first_);
      if (second_) print_output("meridiand (standby)", *second_);
    }
    first_.reset();
    second_.reset();
    DaemonTest::TearDown();
  }

  std::unique_ptr<Daemon> first_, second_;
};

TEST_F(Standby, SecondDaemonWaitsThenTakesOverAfterKillNine) {
  const auto url = db().url();
  auto options = fast_trading(url);
  first_ = std::make_unique<Daemon>(options);
  const auto port = first_->port();
  ASSERT_TRUE(wait_healthy(port)) << "meridiand never answered GET /health with 200";
  TradeWatcher watcher(port);
  ASSERT_TRUE(poll_until([&] { return watcher.count() >= 3; }, kDeadline)) << "fewer than 3 trades over /ws";

  options.wait_until_listening = false;
  options.port = free_port();
  second_ = std::make_unique<Daemon>(options);
  ASSERT_TRUE(poll_until([&] { return says_standby(*second_) || !second_->running(); }, kDeadline) &&
              second_->running())
      << "the second daemon did not say `standby` (or exited) with the portfolio taken";
  EXPECT_FALSE(second_->listening()) << "the standby announced a port while the first daemon holds the portfolio";
  // Its port says what it is: /health 503 "standby" with the reason, anything else the API's
  // error shape, so a load balancer skips it and an operator sees why.
  HttpResponse health;
  ASSERT_TRUE(poll_until(
      [&] {
        try {
          health = http_get(options.port, "/health");
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      kDeadline))
      << "the standby does not answer /health on its port " << options.port;
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.json().value("status", ""), "standby") << health.body;
  EXPECT_NE(health.json().value("reason", "").find("holds portfolio"), std::string::npos) << health.body;
  EXPECT_FALSE(health.header("Retry-After").empty());
  const auto other = http_get(options.port, "/api/trading/status");
  EXPECT_EQ(other.status, 503);
  EXPECT_EQ(other.json()["error"].value("code", ""), "standby") << other.body;
  // `meridiand health` (the container health check) reports it unhealthy: answered, not 200.
  const TempDir scratch("meridian-health-");
  const auto probe = [&] { return run_meridiand(scratch, {"health", "--port", std::to_string(options.port)}); };
  const auto standby_probe = probe();
  EXPECT_EQ(standby_probe.exit_code, 1) << standby_probe.out << standby_probe.err;
  EXPECT_NE(standby_probe.out.find("standby"), std::string::npos) << standby_probe.out;

  // Only the first trades: with it paused, the trades table stays as it is.
  ASSERT_NO_FATAL_FAILURE(pause_and_settle(url, port));
  const auto paused_count = stored_trades(url);
  const bool changed = poll_until(
      [&] { return stored_trades(url) != paused_count || second_->listening() || !second_->running(); }, kQuietWindow);
  EXPECT_FALSE(changed) << "while the first daemon was paused: trades table " << paused_count << " -> "
                        << stored_trades(url) << ", standby listening " << second_->listening() << ", running "
                        << second_->running();
  ASSERT_TRUE(second_->running()) << "the standby exited";

  // Trading again, with the session stored as running, then the first dies.
  ASSERT_NO_FATAL_FAILURE(resume(port));
  const auto seen_before = watcher.count();
  ASSERT_TRUE(poll_until([&] { return watcher.count() >= seen_before + 3 && stored_session_state(url) == "running"; },
                         kDeadline))
      << "the first daemon did not trade again after resuming";
  ASSERT_TRUE(first_->stop(SIGKILL)) << "meridiand still runs 10 s after SIGKILL";
  const auto killed_at = Clock::now();
  const auto ws_trades = watcher.finish();
  SeenTrades seen;
  seen.add_stream(ws_trades, "/ws of the first daemon");

  ASSERT_TRUE(second_->wait_listening(kTakeoverDeadline))
      << "the standby did not take over within " << kTakeoverDeadline.count() << " s of the kill (running "
      << second_->running() << ")";
  ASSERT_TRUE(wait_healthy(second_->port(), kTakeoverDeadline)) << "the standby listens but is not healthy";
  EXPECT_EQ(second_->port(), options.port) << "the standby took over on another port than the one it was given";
  const auto active_probe = probe();
  EXPECT_EQ(active_probe.exit_code, 0) << active_probe.out << active_probe.err;
  std::cout << "[ STANDBY  ] took over and healthy "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed_at).count()
            << " ms after the kill" << std::endl;
  EXPECT_EQ(session_state(second_->port()), "running") << "the running session did not carry over to the standby";

  ASSERT_NO_FATAL_FAILURE(pause_and_settle(url, second_->port()));
  const auto ledger = load_ledger(url);
  expect_seen_trades_stored(seen, ledger);
  expect_stream_has_no_gap(ws_trades, ledger, "/ws of the first daemon");
  expect_seen_trades_served(seen, served_trades(second_->port()), ledger);
  ASSERT_NO_FATAL_FAILURE(expect_ledger_matches_replay(second_->port(), ledger));

  const auto status = second_->stop(SIGTERM);
  ASSERT_TRUE(status) << "the standby still runs 10 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

}  // namespace
}  // namespace meridian::e2e
