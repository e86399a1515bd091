#pragma once
// The engine module's logger ("engine"), shared by its source files (core/log.hpp).
#include <spdlog/spdlog.h>

#include "meridian/core/log.hpp"

namespace meridian::engine {

inline const std::shared_ptr<spdlog::logger>& engine_log() {
  return core::module_logger<"engine">();
}

}  // namespace meridian::engine
