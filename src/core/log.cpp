#include "meridian/core/log.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <string>
#include <vector>

namespace meridian::core {

namespace {

struct ModuleLoggers {
  std::mutex mutex;
  std::vector<std::shared_ptr<spdlog::logger>> made;  // what share_default_sinks re-points
};

ModuleLoggers& module_loggers() {
  static ModuleLoggers loggers;
  return loggers;
}

}  // namespace

std::shared_ptr<spdlog::logger> named_logger(std::string_view module) {
  auto& loggers = module_loggers();
  const std::string name(module);
  // One lock around find-or-make: two threads asking for a new name get one logger (and
  // register_logger never sees the name twice).
  std::lock_guard lock(loggers.mutex);
  if (auto existing = spdlog::get(name)) return existing;
  // A copy, not spdlog::initialize_logger: that would put the registry's formatter on the
  // shared sinks and undo the pattern the app set on the default logger.
  const auto base = spdlog::default_logger();
  auto logger = base ? base->clone(name) : std::make_shared<spdlog::logger>(name);
  spdlog::register_logger(logger);
  loggers.made.push_back(logger);
  return logger;
}

void share_default_sinks() {
  // No default logger (spdlog::drop of it): no sinks, rather than the sinks of one that was
  // replaced, which may write to something gone (a test's stream).
  const auto base = spdlog::default_logger();
  auto& loggers = module_loggers();
  std::lock_guard lock(loggers.mutex);
  for (const auto& logger : loggers.made)
    if (logger != base) logger->sinks() = base ? base->sinks() : std::vector<spdlog::sink_ptr>{};
}

}  // namespace meridian::core
