#pragma once
// The alerts module's logger ("alerts"), shared by its source files (core/log.hpp).
#include <spdlog/spdlog.h>

#include "meridian/core/log.hpp"

namespace meridian::alerts {

inline const std::shared_ptr<spdlog::logger>& alerts_log() {
  return core::module_logger<"alerts">();
}

}  // namespace meridian::alerts
