// The records sink (core/log_records.hpp): a bounded ring for /api/logs and /ws/logs, a bounded
// queue of warnings and errors for system_logs that drops and counts rather than waits, and a
// listener that a record logged from inside it cannot re-enter.
#include "meridian/core/log_records.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace meridian::core {
namespace {

struct Fixture : testing::Test {
  std::shared_ptr<LogRecords> records = std::make_shared<LogRecords>(4, 3);
  std::shared_ptr<spdlog::logger> engine = std::make_shared<spdlog::logger>("engine", records);
  std::shared_ptr<spdlog::logger> api = std::make_shared<spdlog::logger>("api", records);
  void SetUp() override {
    engine->set_level(spdlog::level::trace);
    api->set_level(spdlog::level::trace);
  }
};

TEST_F(Fixture, TheRingKeepsTheNewestRecordsWithIncreasingIds) {
  for (int i = 0; i < 6; ++i) engine->info("line {}", i);
  const auto all = records->newest({}, 100);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all.front().message, "line 5");
  EXPECT_EQ(all.back().message, "line 2");
  EXPECT_EQ(all.front().id, 6u);
  EXPECT_EQ(all.front().logger, "engine");
  EXPECT_EQ(all.front().level, "info");
}

TEST_F(Fixture, FiltersByLevelModuleAndCursor) {
  engine->debug("d");
  api->warn("w");
  engine->error("e");
  api->info("i");
  LogFilter warn_up;
  warn_up.min_level = level_rank("warn");
  auto got = records->newest(warn_up, 10);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].message, "e");
  EXPECT_EQ(got[1].message, "w");
  EXPECT_EQ(got[1].level, "warn");  // spdlog's "warning" under the --log-level name

  LogFilter api_only;
  api_only.module = "api";
  got = records->newest(api_only, 10);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].message, "i");

  LogFilter page;
  page.before = got[0].id;  // the page after "i"
  got = records->newest(page, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message, "e");
}

TEST_F(Fixture, OnlyWarningsAndErrorsAreQueuedAndOnlyWhenEnabled) {
  engine->error("before the writer");
  std::vector<LogRecord> taken;
  records->take_queued(taken);
  EXPECT_TRUE(taken.empty());
  EXPECT_EQ(records->dropped(), 0u);

  records->enable_queue(true);
  engine->info("not for the table");
  engine->warn("w");
  api->critical("c");
  records->take_queued(taken);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].message, "w");
  EXPECT_EQ(taken[1].level, "critical");
}

TEST_F(Fixture, AFullQueueDropsAndCountsWithoutWaiting) {
  records->enable_queue(true);
  for (int i = 0; i < 5; ++i) engine->error("e{}", i);
  EXPECT_EQ(records->dropped(), 2u);
  std::vector<LogRecord> taken;
  records->take_queued(taken);
  ASSERT_EQ(taken.size(), 3u);
  EXPECT_EQ(taken[0].message, "e0");
  // Drained, it takes records again; the ring kept them all the while.
  engine->error("again");
  taken.clear();
  records->take_queued(taken);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(records->newest({}, 1).front().message, "again");
}

TEST_F(Fixture, ARecordLoggedInsideTheListenerIsKeptButNotHandedToItAgain) {
  int calls = 0;
  records->set_listener([&](const LogRecord&) {
    ++calls;
    api->warn("about sending a line");  // would recurse forever if passed on
  });
  engine->info("one");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(records->newest({}, 10).size(), 2u);
  records->set_listener(nullptr);
  engine->info("two");
  EXPECT_EQ(calls, 1);
}

TEST(LogLevels, NamesAndModules) {
  EXPECT_EQ(level_rank("warning"), level_rank("warn"));
  EXPECT_EQ(level_rank("loud"), -1);
  EXPECT_EQ(level_rank("off"), -1);
  EXPECT_EQ(parse_level("error"), spdlog::level::err);
  EXPECT_EQ(level_name(spdlog::level::warn), "warn");
  EXPECT_TRUE(is_module_name("engine"));
  EXPECT_TRUE(is_module_name("storage"));
  EXPECT_FALSE(is_module_name("no-such-module"));
  EXPECT_FALSE(is_module_name(""));
}

}  // namespace
}  // namespace meridian::core
