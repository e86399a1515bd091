#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "meridian/app/serve.hpp"
#include "meridian/core/log.hpp"

namespace meridian::app {

namespace {

// Makes `logger` the default and every module logger (core/log.hpp) write through its sinks,
// however early a module made its logger; the level then reaches them all (they are registered).
void install(std::shared_ptr<spdlog::logger> logger, const std::string& level) {
  spdlog::set_default_logger(std::move(logger));
  core::share_default_sinks();
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace

void setup_logging(const std::string& level) {
  auto logger = spdlog::stdout_color_mt("meridian");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc);
  install(std::move(logger), level);
  spdlog::flush_on(spdlog::level::info);
}

// For the CLI subcommands that write their results to stdout: logs go to stderr, briefly.
void setup_stderr_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("meridian");
  logger->set_pattern("%^%l%$: %v");
  install(std::move(logger), level);
}

}  // namespace meridian::app
