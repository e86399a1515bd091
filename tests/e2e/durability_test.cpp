// Crash: kill -9 at random moments while trading, then a restart on the same database. After
// every restart each trade a WebSocket or REST client saw before the kill is in the `trades`
// table and served again, once and unchanged, and the restarted daemon's cash and positions
// equal a replay of the stored trade log. bench/kill_loop.sh runs the same test with many more
// kills (MERIDIAN_E2E_KILL_ITERATIONS) and summarises the `[ KILL ]` lines it prints.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>

#include "fixture.hpp"
#include "trade_audit.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// fast_trading (trade_audit.hpp) makes several trades a second, so most kill points fall
// between trades that clients have just seen.
int kill_iterations() {
  const char* v = std::getenv("MERIDIAN_E2E_KILL_ITERATIONS");
  const int n = v && *v ? std::atoi(v) : 30;
  return std::max(n, 1);
}

long long ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

class Durability : public DaemonTest {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      if (killed_) print_output("meridiand (last killed)", *killed_);
      if (current_) print_output("meridiand (current)", *current_);
    }
    killed_.reset();
    current_.reset();
    DaemonTest::TearDown();
  }

  // Starts a daemon on the test database and waits until it is healthy; the time it took.
  long long restart(const DaemonOptions& options) {
    const auto t0 = Clock::now();
    current_ = std::make_unique<Daemon>(options);
    EXPECT_TRUE(wait_healthy(current_->port())) << "meridiand never answered GET /health with 200";
    return ms_since(t0);
  }

  std::unique_ptr<Daemon> killed_;   // the previous daemon, kept for its output
  std::unique_ptr<Daemon> current_;  // the daemon trading now
};

TEST_F(Durability, KillNineAtRandomMomentsLosesNothingClientsSaw) {
  const auto options = fast_trading(db().url());
  const int iterations = kill_iterations();
  std::mt19937_64 rng(test_seed("Durability"));
  std::uniform_int_distribution<int> kill_after_ms(50, 700);

  ASSERT_NO_FATAL_FAILURE(restart(options));
  SeenTrades seen_ever;  // over every kill: nothing seen may ever go missing
  std::vector<long long> restart_ms;
  std::size_t seen_over_ws = 0;
  for (int i = 1; i <= iterations; ++i) {
    SCOPED_TRACE("kill " + std::to_string(i) + " of " + std::to_string(iterations));
    const auto port = current_->port();
    ASSERT_NO_FATAL_FAILURE(resume(port));

    // Watch until the kill: /ws on its own thread, GET /api/trades polled here.
    SeenTrades seen;
    const int wait_ms = kill_after_ms(rng);
    std::vector<json> ws_trades;
    {
      TradeWatcher watcher(port);
      const auto kill_at = Clock::now() + std::chrono::milliseconds(wait_ms);
      while (Clock::now() < kill_at) {
        for (const auto& t : recent_trades(port)) seen.add(t, "GET /api/trades");
        std::this_thread::sleep_for(std::min<Clock::duration>(kill_at - Clock::now(), std::chrono::milliseconds(20)));
      }
      const auto status = current_->stop(SIGKILL);
      ASSERT_TRUE(status) << "meridiand still runs 10 s after SIGKILL";
      ws_trades = watcher.finish();
    }
    const auto from_rest = seen.size();
    seen.add_stream(ws_trades, "/ws before kill " + std::to_string(i));
    seen_over_ws += ws_trades.size();
    for (const auto& [id, t] : seen.by_id()) seen_ever.add(t, "kill " + std::to_string(i));

    killed_ = std::move(current_);
    restart_ms.push_back(restart(options));
    ASSERT_FALSE(HasFailure());
    ASSERT_NO_FATAL_FAILURE(pause_and_settle(db().url(), current_->port()));
    const auto ledger = load_ledger(db().url());
    expect_seen_trades_stored(seen_ever, ledger);
    expect_stream_has_no_gap(ws_trades, ledger, "/ws before kill " + std::to_string(i));
    expect_seen_trades_served(seen, served_trades(current_->port()), ledger);
    ASSERT_NO_FATAL_FAILURE(expect_ledger_matches_replay(current_->port(), ledger));
    std::cout << "[ KILL     ] " << i << "/" << iterations << ": killed after " << wait_ms << " ms; seen "
              << ws_trades.size() << " trades over /ws, " << from_rest << " in GET /api/trades; "
              << ledger.trades.size() << " stored; healthy again after " << restart_ms.back() << " ms; "
              << (HasFailure() ? "FAILED" : "ok") << std::endl;
    ASSERT_FALSE(HasFailure()) << "stopping at the first kill that lost or changed something";
  }
  std::sort(restart_ms.begin(), restart_ms.end());
  std::cout << "[ KILL     ] summary: " << iterations << " kills, " << seen_ever.size() << " distinct trades seen ("
            << seen_over_ws << " /ws messages), all stored and served once; restart to healthy median "
            << restart_ms[restart_ms.size() / 2] << " ms, max " << restart_ms.back() << " ms" << std::endl;
  EXPECT_GT(seen_ever.size(), 0u) << "no client saw a trade in " << iterations << " kills: the test checked nothing";

  const auto status = current_->stop(SIGTERM);
  ASSERT_TRUE(status) << "meridiand still runs 10 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

}  // namespace
}  // namespace meridian::e2e
