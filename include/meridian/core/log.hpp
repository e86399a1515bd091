#pragma once
// One logger per module (ARCHITECTURE.md, "Logs"): each module logs through the logger named
// after it ("engine", "market", "storage", "api", "app"), so a line says where it came from
// (the `[%n]` of the daemon's pattern) and the app's logging configuration reaches them all.
//
// Contract: a module logger writes to the default logger's sinks (its pattern, and the secret
// redaction the app wraps them in) and is registered with spdlog, so spdlog::set_level,
// flush_on and set_pattern reach it whenever it was made: before or after the app configured
// logging. A program that replaces the default logger or its sinks calls share_default_sinks()
// afterwards (start-up, before other threads log).
#include <cstddef>
#include <memory>
#include <string_view>

namespace spdlog {
class logger;
}

namespace meridian::core {

// The logger named `module`, made on first use as a copy of the default logger (sinks, level,
// flush level) and registered; the same logger for the same name afterwards. Any thread.
std::shared_ptr<spdlog::logger> named_logger(std::string_view module);

// A string literal as a template argument (module_logger<"engine">).
template <std::size_t N>
struct ModuleName {
  constexpr ModuleName(const char (&name)[N]) {  // NOLINT: implicit, so a literal converts
    for (std::size_t i = 0; i < N; ++i) text[i] = name[i];
  }
  char text[N];
};

// named_logger(Name), looked up once: what a module's accessor returns (engine_log() is
// module_logger<"engine">()), so its name is written once and logging costs no lookup. Any
// thread.
template <ModuleName Name>
const std::shared_ptr<spdlog::logger>& module_logger() {
  static const auto log = named_logger(std::string_view(Name.text, sizeof(Name.text) - 1));
  return log;
}

// Points every logger named_logger() made at the default logger's current sinks. Not
// thread-safe against logging through them: call during start-up, after setting the default
// logger (or wrapping its sinks) and before other threads log.
void share_default_sinks();

}  // namespace meridian::core
