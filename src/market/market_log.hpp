#pragma once
// The market module's logger ("market"), shared by its source files (core/log.hpp).
// It writes wherever the program's default logger does (stdout for serve, stderr for the data
// commands).
#include <spdlog/spdlog.h>

#include "meridian/core/log.hpp"

namespace meridian::market {

inline const std::shared_ptr<spdlog::logger>& market_log() {
  return core::module_logger<"market">();
}

}  // namespace meridian::market
