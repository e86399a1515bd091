// backtest_results (sql/013) through storage::BacktestStore against a real server (#14 item 3):
// a row goes queued -> running -> done with its result; pages are newest first, per owner, with
// only the result's metrics; ids are never reused after a delete; a start marks rows a stopped
// daemon left queued or running as failed; an unreachable database is unavailable, not a throw.
#include <nlohmann/json.hpp>

#include "meridian/storage/backtest_store.hpp"
#include "meridian/storage/migrations.hpp"
#include "store_fixture.hpp"

namespace meridian::it {
namespace {

using nlohmann::json;

// Owners are users (sql/003's foreign key): ids 1, 2 and 7 exist.
class BacktestStoreTest : public OwnedRowsStoreTest<storage::BacktestStore> {
 protected:
  BacktestStoreTest() : OwnedRowsStoreTest({1, 2, 7}) {}
};

const std::string kRequest =
    R"({"strategy":{"class":"sma_crossover"},"symbols":["BTC-USD"],"from":"2025-01-01T00:00:00Z","to":"2025-02-01T00:00:00Z"})";

TEST_F(BacktestStoreTest, RowGoesFromQueuedToDoneWithItsResult) {
  auto id = store().create(7, kRequest);
  ASSERT_TRUE(id);
  auto row = store().get(*id);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->status, "queued");
  EXPECT_EQ((*row)->owner_id, 7);
  EXPECT_EQ(json::parse((*row)->request), json::parse(kRequest));
  EXPECT_FALSE((*row)->started_at);
  EXPECT_TRUE((*row)->result.empty());

  ASSERT_TRUE(store().start(*id));
  ASSERT_TRUE(store().set_progress(*id, 42.5));
  row = store().get(*id);
  EXPECT_EQ((*row)->status, "running");
  EXPECT_DOUBLE_EQ((*row)->progress, 42.5);
  EXPECT_TRUE((*row)->started_at);

  const json result{{"status", "completed"}, {"metrics", {{"total_return", 0.1}}}, {"trades", json::array()}};
  ASSERT_TRUE(store().finish(*id, "done", 100, result.dump(), ""));
  row = store().get(*id);
  EXPECT_EQ((*row)->status, "done");
  EXPECT_DOUBLE_EQ((*row)->progress, 100);
  EXPECT_TRUE((*row)->finished_at);
  EXPECT_EQ(json::parse((*row)->result), result);
  EXPECT_TRUE((*row)->error.empty());
  // sql/003's columns, filled from the request and the result's metrics.
  pqxx::connection conn(url());
  pqxx::read_transaction tx(conn);
  const auto cols = tx.exec_params1(
      "SELECT strategy, array_to_string(symbols, ','), total_return, initial_capital::text FROM backtest_results"
      " WHERE id = $1",
      static_cast<long long>(*id));
  EXPECT_EQ(cols[0].as<std::string>(), "sma_crossover");
  EXPECT_EQ(cols[1].as<std::string>(), "BTC-USD");
  EXPECT_DOUBLE_EQ(cols[2].as<double>(), 0.1);
  EXPECT_EQ(cols[3].as<std::string>(), "100000.00000000");

  auto other = store().create(7, kRequest);
  ASSERT_TRUE(store().finish(*other, "failed", 3, "", "boom"));
  row = store().get(*other);
  EXPECT_EQ((*row)->status, "failed");
  EXPECT_EQ((*row)->error, "boom");
  EXPECT_TRUE((*row)->result.empty());
}

TEST_F(BacktestStoreTest, PagesNewestFirstPerOwnerWithMetricsOnly) {
  std::vector<std::int64_t> mine;
  for (int i = 0; i < 5; ++i) {
    mine.push_back(*store().create(1, kRequest));
    ASSERT_TRUE(store().create(2, kRequest));
  }
  ASSERT_TRUE(store().finish(mine[4], "done", 100, R"({"metrics":{"sharpe":1.5},"trades":[1,2,3]})", ""));

  auto first = store().page({.owner = 1, .before = 0, .limit = 3});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].id, mine[4]);
  EXPECT_EQ((*first)[1].id, mine[3]);
  EXPECT_EQ((*first)[2].id, mine[2]);
  EXPECT_EQ(json::parse((*first)[0].result), json::parse(R"({"sharpe":1.5})"));
  EXPECT_TRUE((*first)[1].result.empty());

  auto second = store().page({.owner = 1, .before = first->back().id, .limit = 3});
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].id, mine[1]);
  EXPECT_EQ((*second)[1].id, mine[0]);

  auto everyone = store().page({.owner = std::nullopt, .before = 0, .limit = 100});
  ASSERT_TRUE(everyone);
  EXPECT_EQ(everyone->size(), 10u);

  // No owner (auth off): user_id NULL, listed as owner 0.
  auto unowned = *store().create(0, kRequest);
  auto nobody = store().page({.owner = 0, .before = 0, .limit = 100});
  ASSERT_TRUE(nobody);
  ASSERT_EQ(nobody->size(), 1u);
  EXPECT_EQ((*nobody)[0].id, unowned);
  EXPECT_EQ((*nobody)[0].owner_id, 0);
}

TEST_F(BacktestStoreTest, DeletedIdsAreNeverReused) {
  auto a = store().create(1, kRequest);
  auto b = store().create(1, kRequest);
  auto gone = store().remove(*b);
  ASSERT_TRUE(gone);
  EXPECT_TRUE(*gone);
  auto again = store().remove(*b);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto missing = store().get(*b);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  auto c = store().create(1, kRequest);
  EXPECT_GT(*c, *b);
  EXPECT_GT(*b, *a);
}

TEST_F(BacktestStoreTest, StartMarksInterruptedRowsFailed) {
  auto queued = *store().create(1, kRequest);
  auto running = *store().create(1, kRequest);
  auto done = *store().create(1, kRequest);
  ASSERT_TRUE(store().start(running));
  ASSERT_TRUE(store().finish(done, "done", 100, "{}", ""));

  auto marked = store().fail_interrupted();
  ASSERT_TRUE(marked);
  EXPECT_EQ(*marked, 2u);
  for (auto id : {queued, running}) {
    auto row = store().get(id);
    EXPECT_EQ((*row)->status, "failed");
    EXPECT_EQ((*row)->error, "interrupted by a restart");
    EXPECT_TRUE((*row)->finished_at);
  }
  EXPECT_EQ((*store().get(done))->status, "done");
  EXPECT_EQ(*store().fail_interrupted(), 0u);
}

TEST(BacktestStoreDown, UnreachableDatabaseIsUnavailable) {
  const storage::BacktestStore store("postgresql://127.0.0.1:1/none?connect_timeout=1");
  auto id = store.create(1, kRequest);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error(), core::make_error_code(core::Errc::unavailable));
  EXPECT_FALSE(store.page({}));
}

}  // namespace
}  // namespace meridian::it
