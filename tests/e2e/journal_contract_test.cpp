// The journal's contract with clients (issue 11 items 1, 3 and 5), against the real daemon:
//  - an order answer says whether the order is durable: true once its journal record
//    committed, false while the database is down (after a bounded wait) and at once without
//    a database;
//  - an order id handed to a client is never handed out again, even after a kill -9 with the
//    database down (ids come from a durable reservation);
//  - a trade the database refuses is dead-lettered, shown to operators, replayed by the CLI;
//  - stored data the daemon cannot load starts it read-only with the reason: GETs answer,
//    trading is refused with 503 read_only, /health is degraded and says why.
#include <cmath>

#include "fixture.hpp"
#include "support/pg_cluster.hpp"
#include "trade_audit.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

constexpr const char* kSymbol = "BTC-USD";

json place(std::uint16_t port, const json& body, const std::string& where) {
  return expect_json_response(send_json(port, "POST", "/api/trade", body), 201, where);
}

DaemonOptions quiet(const std::string& url) {
  DaemonOptions o;
  o.database_url = url;
  o.autostart = false;  // only the orders the test places
  return o;
}

TEST(JournalContract, MemoryOnlyOrderAnswersNotDurable) {
  Daemon d(quiet(""));
  ASSERT_TRUE(wait_healthy(d.port()));
  const auto order = place(d.port(), resting_limit(d.port()), "POST /api/trade (memory only)");
  ASSERT_TRUE(order.contains("durable")) << order.dump();
  EXPECT_EQ(order["durable"], false) << order.dump();
}

class JournalContractDb : public DaemonTest {};

TEST_F(JournalContractDb, OrderAnswerIsDurableWithTheDatabase) {
  auto& d = start_daemon(quiet(""));
  const auto order = place(d.port(), resting_limit(d.port()), "POST /api/trade");
  ASSERT_TRUE(order.contains("durable")) << order.dump();
  EXPECT_EQ(order["durable"], true) << order.dump();
  // Durable means stored: the row is there now.
  const auto rows = db().query("SELECT count(*) FROM orders WHERE id = " + std::to_string(order.value("id", 0LL)));
  EXPECT_EQ(rows[0][0].as<long long>(), 1);
}

TEST_F(JournalContractDb, UnloadableStoredValueStartsReadOnlyWithTheReason) {
  {
    auto& first = start_daemon(quiet(""));
    const auto status = first.stop(SIGTERM, std::chrono::seconds(20));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  }
  // A cash the ledger cannot hold (its range is +-9.2e10): the kind of value issue 11's
  // overflow wrote, which used to make every later start exit 1.
  db().query("UPDATE portfolios SET cash = 100000000000000 WHERE id = 1");
  auto options = quiet("");
  options.database_url = db().url();
  Daemon d(options);
  HttpResponse health;
  ASSERT_TRUE(poll_until(
      [&] {
        health = http_get(d.port(), "/health");
        return health.status == 503 && health.json().value("status", "") == "degraded";
      },
      kDeadline))
      << health.status << " " << health.body;
  const auto reason = health.json().value("reason", "");
  EXPECT_NE(reason.find("read-only"), std::string::npos) << health.body;
  EXPECT_NE(reason.find("cash"), std::string::npos) << health.body;

  // GETs answer; trading is refused with 503 read_only.
  EXPECT_EQ(http_get(d.port(), "/api/orders").status, 200);
  const auto status = get_json(d.port(), "/api/status");
  EXPECT_EQ(status.value("read_only", false), true) << status.dump();
  const auto refused = send_json(d.port(), "POST", "/api/trade",
                                 {{"symbol", kSymbol}, {"side", "buy"}, {"quantity", 0.01}, {"type", "market"}});
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json()["error"].value("code", ""), "read_only") << refused.body;
  // Nothing was written over the value to repair.
  EXPECT_EQ(db().query("SELECT cash::text FROM portfolios WHERE id = 1")[0][0].as<std::string>(),
            "100000000000000.00000000");
}

// Item 3 through the daemon: a trade the database refuses is dead-lettered (GET
// /api/admin/dead-letters shows it with the database's error, for operators), /health is
// degraded with a short reason that carries no SQL text, and once the fault is gone
// `meridiand journal dead-letters replay ID` writes it and health recovers.
TEST_F(JournalContractDb, RefusedTradeIsDeadLetteredShownAndReplayed) {
  auto& d = start_daemon(quiet(""));
  db().query("ALTER TABLE trades ADD CONSTRAINT e2e_refuse_trades CHECK (quantity > 1)");
  // A trade recorded by hand: exactly one trade row (a market order may fill in parts).
  expect_json_response(send_json(d.port(), "POST", "/api/trades",
                                 {{"symbol", kSymbol},
                                  {"side", "buy"},
                                  {"quantity", 0.01},
                                  {"price", last_price(d.port(), kSymbol)},
                                  {"force", true},
                                  {"reason", "e2e: dead letter"}}),
                       201, "POST /api/trades");

  json letters;
  ASSERT_TRUE(poll_until(
      [&] {
        letters = get_json(d.port(), "/api/admin/dead-letters");
        return letters.value("pending", 0) >= 1;
      },
      kDeadline))
      << letters.dump();
  ASSERT_TRUE(letters["items"].is_array() && !letters["items"].empty()) << letters.dump();
  const auto& letter = letters["items"][0];
  EXPECT_EQ(letter.value("kind", ""), "trade") << letter.dump();
  EXPECT_EQ(letter.value("state", ""), "pending") << letter.dump();
  EXPECT_NE(letter.value("error", "").find("e2e_refuse_trades"), std::string::npos) << letter.dump();
  ASSERT_TRUE(letter["payload"].is_object()) << letter.dump();
  const auto id = letter.value("id", 0LL);
  ASSERT_GT(id, 0) << letter.dump();

  auto health = http_get(d.port(), "/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.json().value("status", ""), "degraded") << health.body;
  const auto reason = health.json().value("reason", "");
  EXPECT_NE(reason.find("dead-lettered"), std::string::npos) << health.body;
  EXPECT_EQ(health.body.find("e2e_refuse_trades"), std::string::npos) << "SQL text in /health: " << health.body;
  EXPECT_EQ(db().query("SELECT count(*) FROM trades")[0][0].as<long long>(), 0);

  db().query("ALTER TABLE trades DROP CONSTRAINT e2e_refuse_trades");
  TempDir dir("meridian-journal-");
  const auto replay =
      run_meridiand(dir, {"journal", "dead-letters", "replay", std::to_string(id), "--database-url", db().url()});
  ASSERT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(db().query("SELECT count(*) FROM trades")[0][0].as<long long>(), 1);
  const auto again =
      run_meridiand(dir, {"journal", "dead-letters", "replay", std::to_string(id), "--database-url", db().url()});
  EXPECT_EQ(again.exit_code, 2) << "a replayed letter replays once: " << again.out << again.err;

  // The writer reads the table again while letters are pending: the daemon sees it resolved.
  ASSERT_TRUE(poll_until(
      [&] {
        health = http_get(d.port(), "/health");
        return health.status == 200;
      },
      kDeadline))
      << health.body;
  EXPECT_EQ(get_json(d.port(), "/api/admin/dead-letters").value("pending", -1), 0);
}

class JournalContractOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!postgres_available()) {
      if (in_ci()) FAIL() << "PostgreSQL 15 binaries not found in " << postgres_bin_dir() << " and CI=true";
      GTEST_SKIP() << "PostgreSQL 15 binaries not found in " << postgres_bin_dir();
    }
    cluster_ = std::make_unique<PgCluster>();
    cluster_->create_database("meridian");
  }
  void TearDown() override {
    if (HasFailure()) {
      if (first_) print_output("meridiand (killed)", *first_);
      if (second_) print_output("meridiand (restarted)", *second_);
    }
    first_.reset();
    second_.reset();
    cluster_.reset();
  }
  std::unique_ptr<PgCluster> cluster_;
  std::unique_ptr<Daemon> first_, second_;
};

TEST_F(JournalContractOutage, IdsAreNeverReusedAfterKillNineWithTheDatabaseDown) {
  const auto options = quiet(cluster_->url("meridian"));
  first_ = std::make_unique<Daemon>(options);
  ASSERT_TRUE(wait_healthy(first_->port()));
  const auto body = resting_limit(first_->port());
  const auto durable = place(first_->port(), body, "POST /api/trade (database up)");
  EXPECT_EQ(durable.value("durable", false), true) << durable.dump();

  cluster_->stop(PgCluster::StopMode::immediate);
  long long highest = durable.value("id", 0LL);
  for (int i = 0; i < 3; ++i) {
    const auto lost = place(first_->port(), body, "POST /api/trade (database down)");
    EXPECT_EQ(lost.value("durable", true), false) << lost.dump();
    highest = std::max(highest, lost.value("id", 0LL));
  }
  first_->stop(SIGKILL, std::chrono::seconds(10));
  first_.reset();

  cluster_->start();
  second_ = std::make_unique<Daemon>(options);
  ASSERT_TRUE(wait_healthy(second_->port()));
  const auto next = place(second_->port(), resting_limit(second_->port()), "POST /api/trade (after the restart)");
  EXPECT_GT(next.value("id", 0LL), highest) << "an id handed out before the crash was given again: " << next.dump();
  EXPECT_EQ(next.value("durable", false), true) << next.dump();
}

// SIGTERM with records the database cannot take: the daemon waits --shutdown-grace-ms, then
// exits non-zero (never 0 with records unwritten).
TEST_F(JournalContractOutage, SigtermWithRecordsUnwrittenExitsNonZero) {
  auto options = quiet(cluster_->url("meridian"));
  options.extra_args = {"--shutdown-grace-ms=500"};
  first_ = std::make_unique<Daemon>(options);
  ASSERT_TRUE(wait_healthy(first_->port()));
  const auto body = resting_limit(first_->port());
  cluster_->stop(PgCluster::StopMode::immediate);
  const auto lost = place(first_->port(), body, "POST /api/trade (database down)");
  EXPECT_EQ(lost.value("durable", true), false) << lost.dump();
  const auto status = first_->stop(SIGTERM, std::chrono::seconds(20));
  ASSERT_TRUE(status) << "meridiand still runs 20 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << "meridiand " << describe_wait_status(*status);
}

}  // namespace
}  // namespace meridian::e2e
