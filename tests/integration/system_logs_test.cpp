// system_logs against a real server (issue 17 item 4): the records sink's warnings and errors
// reach the table through storage::SystemLogWriter and come back newest first, filtered, through
// SystemLogStore; with the database unreachable a thread that logs never waits, the queue drops
// and counts, and stop() returns.
#include <spdlog/spdlog.h>

#include <future>

#include "meridian/storage/migrations.hpp"
#include "meridian/storage/system_logs.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;

class SystemLogsTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    storage::apply_migrations(url());
  }
  std::shared_ptr<core::LogRecords> records = std::make_shared<core::LogRecords>(100, 16);
  std::shared_ptr<spdlog::logger> engine = std::make_shared<spdlog::logger>("engine", records);
  std::shared_ptr<spdlog::logger> api = std::make_shared<spdlog::logger>("api", records);
};

TEST_F(SystemLogsTest, WarningsAndErrorsAreWrittenAndReadBackNewestFirst) {
  storage::SystemLogWriter writer(url(), *records, 20ms);
  writer.start();
  engine->info("not for the table");
  engine->warn("engine warning {}", 1);
  api->error("api error with a \"quote\" and a \\ backslash");
  writer.stop(10s);
  EXPECT_EQ(writer.stats().written, 2u);

  storage::SystemLogStore store(url());
  auto rows = store.page({}, 10);
  ASSERT_TRUE(rows) << "the store could not read";
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].level, "error");
  EXPECT_EQ((*rows)[0].logger, "api");
  EXPECT_EQ((*rows)[0].message, "api error with a \"quote\" and a \\ backslash");
  EXPECT_EQ((*rows)[1].message, "engine warning 1");

  core::LogFilter errors;
  errors.min_level = core::level_rank("error");
  rows = store.page(errors, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].logger, "api");

  core::LogFilter engine_only;
  engine_only.module = "engine";
  rows = store.page(engine_only, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);

  core::LogFilter older;
  older.before = (*store.page({}, 1))[0].id;
  rows = store.page(older, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].logger, "engine");
}

TEST_F(SystemLogsTest, AnUnreachableDatabaseNeverHoldsUpLoggingAndStopReturns) {
  storage::SystemLogWriter writer("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", *records, 5ms);
  writer.start();
  // Far more than the queue holds: the calls return, the excess is dropped and counted.
  for (int i = 0; i < 1000; ++i) engine->error("while the database is away {}", i);
  EXPECT_GT(records->dropped(), 0u);
  EXPECT_EQ(records->newest({}, 1).front().message, "while the database is away 999");
  auto stopped = std::async(std::launch::async, [&] { writer.stop(100ms); });
  ASSERT_EQ(stopped.wait_for(60s), std::future_status::ready) << "stop() did not return";
  EXPECT_EQ(writer.stats().written, 0u);
  EXPECT_GT(writer.stats().failures, 0u);
  storage::SystemLogStore store("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  EXPECT_FALSE(store.page({}, 10));
}

}  // namespace
}  // namespace meridian::it
