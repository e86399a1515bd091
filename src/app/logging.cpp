#include "meridian/app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "meridian/app/serve.hpp"
#include "meridian/core/log.hpp"

namespace meridian::app {

namespace {

std::shared_ptr<core::LogRecords>& records_slot() {
  static std::shared_ptr<core::LogRecords> records;
  return records;
}

// Makes `logger` the default and every module logger (core/log.hpp) write through its sinks,
// however early a module made its logger; the level then reaches them all (they are registered).
void install(std::shared_ptr<spdlog::logger> logger, const std::string& level) {
  spdlog::set_default_logger(std::move(logger));
  core::share_default_sinks();
  apply_log_level(level);
}

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const nlohmann::json line{{"ts", core::to_iso8601(std::chrono::time_point_cast<core::Timestamp::duration>(msg.time))},
                            {"level", core::level_name(msg.level)},
                            {"logger", std::string_view(msg.logger_name.data(), msg.logger_name.size())},
                            {"msg", std::string_view(msg.payload.data(), msg.payload.size())}};
  const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

const std::shared_ptr<core::LogRecords>& log_records() {
  return records_slot();
}

void apply_log_level(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
}

void setup_logging(const std::string& level, const std::string& format) {
  auto console = std::make_shared<spdlog::sinks::stdout_color_sink_mt>();
  if (format == "json")
    console->set_formatter(std::make_unique<JsonLogFormatter>());
  else
    console->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v",
                                                                       spdlog::pattern_time_type::utc));
  records_slot() = std::make_shared<core::LogRecords>();
  auto logger = std::make_shared<spdlog::logger>("meridian", spdlog::sinks_init_list{console, records_slot()});
  spdlog::register_logger(logger);
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
