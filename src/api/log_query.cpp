#include "log_query.hpp"

namespace meridian::api {

ApiResult<core::LogFilter> log_filter(const std::optional<std::string>& level,
                                      const std::optional<std::string>& module) {
  core::LogFilter f;
  if (level) {
    f.min_level = core::level_rank(*level);
    if (f.min_level < 0)
      return field_error("level", "level must be one of trace, debug, info, warn, error, critical",
                         http::status::unprocessable_entity, "invalid_parameter", {{"value", *level}});
  }
  if (module) {
    if (!core::is_module_name(*module))
      return field_error("module",
                         "module must name a logger: core, indicators, strategies, risk, execution, market, engine, "
                         "storage, api, app, auth, backtest or meridian",
                         http::status::unprocessable_entity, "invalid_parameter", {{"value", *module}});
    f.module = *module;
  }
  return f;
}

nlohmann::json log_record_json(const core::LogRecord& r) {
  return {{"id", r.id},
          {"time", core::to_iso8601(r.at)},
          {"ts", core::epoch_ms(r.at)},
          {"level", r.level},
          {"logger", r.logger},
          {"module", r.logger},
          {"message", r.message}};
}

}  // namespace meridian::api
