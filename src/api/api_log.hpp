#pragma once
// The api module's logger ("api"), shared by its source files (core/log.hpp).
#include <spdlog/spdlog.h>

#include "meridian/core/log.hpp"

namespace meridian::api {

inline const std::shared_ptr<spdlog::logger>& api_log() {
  return core::module_logger<"api">();
}

}  // namespace meridian::api
