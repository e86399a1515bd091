#pragma once
// The market module's logger ("market"), cloned from the default logger on first use so it
// follows whatever sink the program set up (stdout for serve, stderr for the data commands).
#include <spdlog/spdlog.h>

#include <memory>

namespace meridian::market {

inline std::shared_ptr<spdlog::logger> market_log() {
  static auto log = [] {
    auto existing = spdlog::get("market");
    return existing ? existing : spdlog::default_logger()->clone("market");
  }();
  return log;
}

}  // namespace meridian::market
