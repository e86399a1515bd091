#pragma once
// meridiand under test: `serve` on 127.0.0.1 with an OS-chosen port (read from --port-file),
// fast simulated ticks, its own working and temporary directory, output captured to a file.
#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.hpp"

namespace meridian::e2e {

// The meridiand binary and the dashboard directory the build passes to the tests
// (env MERIDIAN_E2E_DAEMON / MERIDIAN_E2E_STATIC_DIR override them).
std::string daemon_binary();
std::string static_dir();

struct DaemonOptions {
  std::string database_url;        // empty: memory only
  int tick_interval_ms = 2;        // with 1 s of market time per tick: a 1m bar every ~120 ms
  std::optional<int> fast_period;  // SMA crossover periods (daemon defaults 20/50)
  std::optional<int> slow_period;
  std::optional<bool> autostart;        // daemon default: true
  std::vector<std::string> extra_args;  // further flags (each flag at most once in all)
  // true: --auth on (needs database_url; the first start writes the admin's password to
  // state_dir()/admin-password); false: --auth off, as every suite that predates auth runs.
  bool auth = false;
  // --rate-limit: off, as every suite that predates the limit runs (they send as fast as they
  // can, which is a test harness, not a client); the RateLimit suite sets one.
  std::string rate_limit = "0";
  // false: the constructor returns once the process is spawned, for a daemon that may not
  // listen at once (a hot standby); wait_listening() then waits for its port file.
  bool wait_until_listening = true;
  // --port: 0 lets the OS choose (read back from the port file); a fixed one for a test that
  // must reach the daemon before it announces its port (a standby's /health).
  std::uint16_t port = 0;
};

class Daemon {
 public:
  // Spawns meridiand and (unless options.wait_until_listening is false) waits until it has
  // written its port file (polled every 2 ms: a test can signal it right after it announced
  // that it listens); throws std::runtime_error (with the daemon's output) if it exits or does
  // not listen in time.
  explicit Daemon(const DaemonOptions& options);
  ~Daemon();  // SIGKILL if still running
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // 0 until the daemon has written its port file (always set after a waiting constructor).
  std::uint16_t port() const noexcept { return port_; }
  // Reads the port file once: true (and port() set) when the daemon has announced its port.
  bool listening();
  // Polls listening() every 2 ms until it holds, the daemon exits, or `timeout` passes.
  bool wait_listening(std::chrono::milliseconds timeout);
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  Process& process() noexcept { return *process_; }
  bool running() { return process_->running(); }
  // The daemon's working directory, and its state directory (.run under it: the signing
  // secret, the first administrator's password).
  const std::filesystem::path& dir() const noexcept { return dir_.path(); }
  std::filesystem::path state_dir() const { return dir_.path() / ".run"; }

  // Sends `signo` and waits for the exit; the wait status, or nullopt at the deadline.
  std::optional<int> stop(int signo = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The daemon's stdout and stderr so far (tail), for failure messages.
  std::string output() const;
  // The whole output so far contains `text` (a line the daemon prints at a state change).
  bool output_contains(std::string_view text) const;

 private:
  TempDir dir_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

// A `meridiand <args...>` command run to completion (data, journal): its exit code (-1 when it
// did not exit normally within 60 s) and its stdout and stderr apart. The environment's
// MERIDIAN_* and DATABASE_URL are left out: the arguments say everything.
struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandRun run_meridiand(const TempDir& dir, const std::vector<std::string>& args);

}  // namespace meridian::e2e
