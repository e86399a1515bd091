#pragma once
// meridiand's configuration: defaults < config/meridian.toml < MERIDIAN_* env < flags.
#include <cstdint>
#include <string>
#include <vector>

namespace meridian::app {

struct Config {
  // server
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string port_file;   // written with the bound port once listening (for --port 0)
  std::string static_dir;  // default: static/ beside the binary's share dir or the CWD
  int threads = 0;         // 0: one per core
  std::size_t body_limit = 1024 * 1024;
  int read_timeout_ms = 30'000;
  // storage
  std::string database_url;  // empty: memory only (nothing survives a restart)
  // engine and simulation
  std::vector<std::string> symbols;  // empty: the default ten
  double initial_capital = 100'000;
  int fee_bps = 10;
  double position_fraction = 0.10;
  int fast_period = 20;
  int slow_period = 50;
  bool autostart = true;
  int tick_interval_ms = 1000;  // 0: as fast as the engine takes them
  int sim_time_step_ms = 1000;  // simulated time per tick
  std::uint64_t sim_seed = 42;
  int history_bars = 200;
  int publish_interval_ms = 100;
  std::string log_level = "info";
};

// Parses argv (and the config file and environment) and runs the chosen subcommand.
// Returns the process exit code: 0 ok, 1 runtime failure, 2 bad configuration.
int run(int argc, char** argv);

}  // namespace meridian::app
