// Module loggers (core/log.hpp): the level and the sinks the program configures reach every
// one of them, whether it was made before or after the program configured logging, and each
// line carries its module's name.
#include "meridian/core/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>

namespace meridian::core {
namespace {

class ModuleLoggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    previous_level_ = spdlog::get_level();
  }
  void TearDown() override {
    // Module loggers outlive the test: point them back before `out_` goes.
    spdlog::set_default_logger(previous_);
    share_default_sinks();
    spdlog::set_level(previous_level_);
  }

  // What the app does at start-up: a default logger with its own sink and pattern (the
  // module's name and the level, no message text), shared with the module loggers, then a level.
  void configure(spdlog::level::level_enum level) {
    auto logger =
        std::make_shared<spdlog::logger>("configured", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_pattern("[%n] %l");
    spdlog::set_default_logger(std::move(logger));
    share_default_sinks();
    spdlog::set_level(level);
  }

  std::ostringstream out_;

 private:
  std::shared_ptr<spdlog::logger> previous_;
  spdlog::level::level_enum previous_level_ = spdlog::level::info;
};

TEST_F(ModuleLoggerTest, MadeBeforeTheConfigurationFollowsIt) {
  const auto log = named_logger("log_test_early");
  configure(spdlog::level::warn);
  log->info("below the configured level");
  log->warn("at the configured level");
  EXPECT_EQ(out_.str(), "[log_test_early] warning\n");
}

TEST_F(ModuleLoggerTest, MadeAfterTheConfigurationFollowsALaterLevelChange) {
  configure(spdlog::level::warn);
  const auto log = named_logger("log_test_late");
  log->info("below the configured level");
  spdlog::set_level(spdlog::level::debug);
  log->debug("at the new level");
  EXPECT_EQ(out_.str(), "[log_test_late] debug\n");
}

TEST_F(ModuleLoggerTest, OneLoggerPerName) {
  const auto a = named_logger("log_test_same");
  EXPECT_EQ(a, named_logger("log_test_same"));
  EXPECT_EQ(a->name(), "log_test_same");
  EXPECT_EQ(spdlog::get("log_test_same"), a);  // registered: spdlog's global settings reach it
  EXPECT_NE(named_logger("log_test_other"), a);
}

}  // namespace
}  // namespace meridian::core
