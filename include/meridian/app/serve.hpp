#pragma once
#include "meridian/app/config.hpp"

namespace meridian::app {

inline constexpr const char* kVersion = "0.1.0";

// `meridiand serve`: wires feeds, engine, persistence and the HTTP/WS server, runs until
// SIGINT/SIGTERM, then drains and flushes. Returns the exit code.
int serve(const Config& config);
// `meridiand migrate`.
int migrate(const Config& config);
// --log-format: "text" (the default) or "json" (app/logging.hpp).
void setup_logging(const std::string& level, const std::string& format = "text");
// Logging for subcommands whose output is stdout (data export, journal listing): to stderr.
void setup_stderr_logging(const std::string& level);

}  // namespace meridian::app
