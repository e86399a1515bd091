#pragma once
// The app module's logger ("app"), shared by its source files (core/log.hpp).
#include <spdlog/spdlog.h>

#include "meridian/core/log.hpp"

namespace meridian::app {

inline const std::shared_ptr<spdlog::logger>& app_log() {
  return core::module_logger<"app">();
}

}  // namespace meridian::app
