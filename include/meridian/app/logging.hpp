#pragma once
// The daemon's logging: the console sink (text, or one JSON object per line for journald/Loki)
// and the records sink (core/log_records.hpp) behind /api/logs, /ws/logs and system_logs.
#include <spdlog/formatter.h>
#include <memory>
#include <string>

#include "meridian/core/log_records.hpp"

namespace meridian::app {

// --log-format json: {"ts":"2026-12-07T04:36:53.930Z","level":"warn","logger":"api","msg":"..."}
// and a newline per record; the message escaped as JSON (invalid UTF-8 replaced), never raw.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLogFormatter>(); }
};

// The records sink setup_logging installed (null before it, and for the CLI subcommands).
const std::shared_ptr<core::LogRecords>& log_records();

// Applies a --log-level name (checked by the caller) to every logger. Any thread: spdlog's
// levels are atomics.
void apply_log_level(const std::string& level);

}  // namespace meridian::app
