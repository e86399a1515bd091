#pragma once
// The engine module's logger, shared by its source files.
#include <spdlog/spdlog.h>

#include <memory>

namespace meridian::engine {

inline std::shared_ptr<spdlog::logger> engine_log() {
  static auto log = [] {
    auto existing = spdlog::get("engine");
    return existing ? existing : spdlog::default_logger()->clone("engine");
  }();
  return log;
}

}  // namespace meridian::engine
