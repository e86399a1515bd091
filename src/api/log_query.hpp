#pragma once
// What GET /api/logs and /ws/logs share: the level and module filters (an unknown one is 422
// naming the field), and the JSON of one record.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "meridian/api/api_error.hpp"
#include "meridian/core/log_records.hpp"

namespace meridian::api {

// `level`: the lowest level wanted (trace..critical; "warning" is warn), absent: every level.
// `module`: one logger's records (core::is_module_name), absent: every module's.
ApiResult<core::LogFilter> log_filter(const std::optional<std::string>& level,
                                      const std::optional<std::string>& module);

// {"id", "time", "ts", "level", "logger", "module", "message"}: `module` repeats `logger` under
// the name the filter uses.
nlohmann::json log_record_json(const core::LogRecord& record);

}  // namespace meridian::api
