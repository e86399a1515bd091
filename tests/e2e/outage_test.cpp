// Outage: PostgreSQL (a private cluster of the test's own) stops for 30 s while the daemon
// trades. Meanwhile the daemon keeps answering and trading, /health says 503 `degraded` with a
// reason, and the journal backlog in /api/engine/status grows. When the database is back on the
// same port the daemon becomes healthy again by itself, writes the backlog, and the WebSocket
// client connected all along gets every trade (those made during the outage too, once
// durable). After a SIGTERM and a restart every trade it saw is stored once, and cash and
// positions equal a replay of the trade log.
#include <optional>

#include "fixture.hpp"
#include "support/pg_cluster.hpp"
#include "trade_audit.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kOutage = std::chrono::seconds(30);
// The writer reconnects with a backoff of up to a few seconds.
constexpr auto kRecoveryDeadline = std::chrono::seconds(30);

// Records waiting for the database: `journal.backlog` when the engine status has a `journal`
// object, else the top-level `journal_backlog`.
std::optional<long long> journal_backlog(const json& engine_status) {
  if (!engine_status.is_object()) return std::nullopt;
  if (auto it = engine_status.find("journal"); it != engine_status.end() && it->is_object()) {
    auto b = it->find("backlog");
    if (b != it->end() && b->is_number_integer()) return b->get<long long>();
  }
  if (auto it = engine_status.find("journal_backlog"); it != engine_status.end() && it->is_number_integer())
    return it->get<long long>();
  return std::nullopt;
}

long long counter(const json& engine_status, const char* name) {
  return engine_status.is_object() ? engine_status.value(name, -1LL) : -1LL;
}

void expect_exit_zero(Daemon& d) {
  const auto status = d.stop(SIGTERM, std::chrono::seconds(20));
  ASSERT_TRUE(status) << "meridiand still runs 20 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "meridiand " << describe_wait_status(*status);
}

class Outage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!postgres_available()) {
      if (in_ci()) FAIL() << "PostgreSQL 15 binaries not found in " << postgres_bin_dir() << " and CI=true";
      GTEST_SKIP() << "PostgreSQL 15 binaries not found in " << postgres_bin_dir()
                   << " (set MERIDIAN_E2E_PG_BIN); the outage test starts its own cluster";
    }
    cluster_ = std::make_unique<PgCluster>();
    cluster_->create_database("meridian");
  }

  void TearDown() override {
    if (HasFailure()) {
      if (first_) print_output("meridiand (during the outage)", *first_);
      if (second_) print_output("meridiand (restarted)", *second_);
      if (cluster_) std::cerr << "--- PostgreSQL log, tail ---\n" << cluster_->log() << "\n--- end ---\n";
    }
    first_.reset();
    second_.reset();
    cluster_.reset();
  }

  std::unique_ptr<PgCluster> cluster_;
  std::unique_ptr<Daemon> first_, second_;  // declared after the cluster: stopped before it
};

TEST_F(Outage, DatabaseDownThirtySecondsLosesAndDuplicatesNothing) {
  const auto url = cluster_->url("meridian");
  const auto options = fast_trading(url);
  first_ = std::make_unique<Daemon>(options);
  const auto port = first_->port();
  ASSERT_TRUE(wait_healthy(port)) << "meridiand never answered GET /health with 200";
  TradeWatcher watcher(port);
  ASSERT_TRUE(poll_until([&] { return watcher.count() >= 3; }, kDeadline)) << "fewer than 3 trades over /ws";

  const auto before = get_json(port, "/api/engine/status");
  const auto seen_before_outage = watcher.count();
  const auto down_at = Clock::now();
  cluster_->stop(PgCluster::StopMode::immediate);

  // Degraded, with a reason, and the database check down.
  HttpResponse health;
  const bool degraded = poll_until(
      [&] {
        health = http_get(port, "/health");
        return health.status == 503;
      },
      kDeadline);
  ASSERT_TRUE(degraded) << "GET /health did not answer 503 with the database down; last: " << health.status << " "
                        << health.body;
  const auto body = health.json();
  EXPECT_EQ(body.value("status", ""), "degraded") << body.dump();
  ASSERT_TRUE(body.contains("reason") && body["reason"].is_string()) << "no string `reason`: " << body.dump();
  EXPECT_FALSE(body["reason"].get<std::string>().empty()) << body.dump();
  const auto checks = body.value("checks", json::object());
  EXPECT_EQ(checks.value("database", json::object()).value("status", ""), "down") << body.dump();

  // The backlog grows while the engine trades on.
  std::optional<long long> first_backlog, backlog;
  json engine;
  ASSERT_TRUE(poll_until(
      [&] {
        engine = get_json(port, "/api/engine/status");
        backlog = journal_backlog(engine);
        return backlog && *backlog > 0;
      },
      kDeadline))
      << "no journal backlog (journal.backlog or journal_backlog) above 0 with the database down: " << engine.dump();
  first_backlog = backlog;
  ASSERT_TRUE(poll_until(
      [&] {
        backlog = journal_backlog(get_json(port, "/api/engine/status"));
        return backlog && *backlog > *first_backlog;
      },
      kDeadline))
      << "the journal backlog did not grow past " << *first_backlog << " with the database down";

  // The daemon keeps answering for the rest of the outage.
  int answers = 0, unexpected = 0;
  std::string last_unexpected;
  while (Clock::now() - down_at < kOutage) {
    const auto h = http_get(port, "/health");
    const auto s = http_get(port, "/api/engine/status");
    ++answers;
    if (h.status != 503 || h.json().value("status", "") != "degraded" || s.status != 200) {
      ++unexpected;
      last_unexpected =
          "/health " + std::to_string(h.status) + " " + h.body + "; /api/engine/status " + std::to_string(s.status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(unexpected, 0) << unexpected << " of " << answers
                           << " polls during the outage were not 503 degraded / 200; last: " << last_unexpected;
  const auto during = get_json(port, "/api/engine/status");
  EXPECT_GT(counter(during, "ticks_processed"), counter(before, "ticks_processed")) << "the engine stopped";
  EXPECT_GT(counter(during, "orders"), counter(before, "orders")) << "no order during a 30 s outage";
  std::cout << "[ OUTAGE   ] down " << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - down_at).count()
            << " s; backlog " << journal_backlog(during).value_or(-1) << "; orders "
            << counter(during, "orders") - counter(before, "orders") << " during the outage" << std::endl;

  // Back on the same port: healthy again, the backlog written, trades made meanwhile broadcast.
  cluster_->start();
  const auto up_at = Clock::now();
  json healthy;
  ASSERT_TRUE(poll_until(
      [&] {
        const auto h = http_get(port, "/health");
        healthy = h.json();
        return h.status == 200 && healthy.value("status", "") == "ok";
      },
      kRecoveryDeadline))
      << "GET /health is not 200 ok after the database came back: " << healthy.dump();
  ASSERT_TRUE(poll_until([&] { return journal_backlog(get_json(port, "/api/engine/status")).value_or(-1) == 0; },
                         kRecoveryDeadline))
      << "the journal backlog was not written after the database came back";
  std::cout << "[ OUTAGE   ] healthy again "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - up_at).count()
            << " ms after the database started" << std::endl;

  // Every trade, those made during the outage included, reaches the client once it is durable.
  ASSERT_NO_FATAL_FAILURE(pause_and_settle(url, port));
  const auto last_id = query_database(url, "SELECT COALESCE(max(id), 0) FROM trades")[0][0].as<long long>();
  EXPECT_TRUE(poll_until([&] { return watcher.max_id() >= last_id || watcher.closed(); }, kDeadline))
      << "the WebSocket client got trades up to " << watcher.max_id() << " of " << last_id;
  EXPECT_FALSE(watcher.closed()) << "the daemon closed the WebSocket client after the outage (" << watcher.count()
                                 << " trades received, the last " << watcher.max_id() << " of " << last_id << ")";
  EXPECT_GT(watcher.count(), seen_before_outage) << "no trade reached the WebSocket client after the outage";

  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(*first_));
  const auto ws_trades = watcher.finish();
  SeenTrades seen;
  seen.add_stream(ws_trades, "/ws during the run");

  second_ = std::make_unique<Daemon>(options);
  ASSERT_TRUE(wait_healthy(second_->port())) << "the restarted meridiand never answered GET /health with 200";
  ASSERT_NO_FATAL_FAILURE(pause_and_settle(url, second_->port()));
  const auto ledger = load_ledger(url);
  expect_seen_trades_stored(seen, ledger);
  expect_stream_has_no_gap(ws_trades, ledger, "/ws during the run");
  expect_seen_trades_served(seen, served_trades(second_->port()), ledger);
  ASSERT_NO_FATAL_FAILURE(expect_ledger_matches_replay(second_->port(), ledger));
  std::cout << "[ OUTAGE   ] " << seen.size() << " trades seen over /ws, " << ledger.trades.size() << " stored"
            << std::endl;
  ASSERT_NO_FATAL_FAILURE(expect_exit_zero(*second_));
}

}  // namespace
}  // namespace meridian::e2e
