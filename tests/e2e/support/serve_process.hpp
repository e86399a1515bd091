#pragma once
// `meridiand serve` with the environment under the test's control, for the suites about what
// the daemon reads from its environment (PORT, NOTIFY_SOCKET, WATCHDOG_USEC), which Daemon
// (daemon.hpp) keeps out. The flags are Daemon's (memory-only without a database URL, auth off,
// a port file in its own directory) minus --port, which the caller passes or leaves to the
// environment.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace meridian::e2e {

class ServeProcess {
 public:
  // `env`: NAME=VALUE added to an environment without the caller's MERIDIAN_*, DATABASE_URL,
  // PORT, NOTIFY_SOCKET and WATCHDOG_*. `database_url` empty: memory only.
  ServeProcess(const std::vector<std::string>& flags, const std::vector<std::string>& env,
               const std::string& database_url);
  ~ServeProcess();  // SIGKILL if still running
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // The port from its port file; 0 until the daemon has written it.
  std::uint16_t port() const;
  // Polls port() until it is set or the process exits; the port, or 0.
  std::uint16_t wait_port(std::chrono::milliseconds timeout);
  Process& process() noexcept { return *process_; }
  std::string output() const;

 private:
  TempDir dir_;
  std::unique_ptr<Process> process_;
};

}  // namespace meridian::e2e
