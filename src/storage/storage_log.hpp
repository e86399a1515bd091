#pragma once
// The storage module's logger ("storage"), shared by its source files (core/log.hpp).
#include <spdlog/spdlog.h>

#include "meridian/core/log.hpp"

namespace meridian::storage {

inline const std::shared_ptr<spdlog::logger>& storage_log() {
  return core::module_logger<"storage">();
}

}  // namespace meridian::storage
