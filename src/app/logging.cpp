#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "meridian/app/serve.hpp"

namespace meridian::app {

void setup_logging(const std::string& level) {
  auto logger = spdlog::stdout_color_mt("meridian");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

// For the CLI subcommands that write their results to stdout: logs go to stderr, briefly.
void setup_stderr_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("meridian");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace meridian::app
