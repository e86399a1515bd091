#pragma once
// A private PostgreSQL 15 cluster for tests that stop and start the database under a running
// daemon (outages). initdb in a fresh temporary directory, the server on a free loopback port
// with its socket in that directory; stopped (fast or immediate, i.e. a crash) and started
// again on the SAME port, so a daemon's connection URL stays valid. initdb refuses to run as
// root, so as root every PostgreSQL tool runs as the `postgres` user (runuser), which owns
// the directory.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace meridian::e2e {

// env MERIDIAN_E2E_PG_BIN, or /usr/lib/postgresql/15/bin.
std::string postgres_bin_dir();
// initdb and pg_ctl are there (tests that need a cluster skip, or fail under CI, without them).
bool postgres_available();

class PgCluster {
 public:
  enum class StopMode { fast, immediate };

  // initdb, then start on a free loopback port; throws std::runtime_error with the tools'
  // output when either fails.
  PgCluster();
  ~PgCluster();  // immediate stop if running; the directory is removed
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  // postgresql://postgres@127.0.0.1:<port>/<database>
  std::string url(const std::string& database = "postgres") const;
  bool running() const noexcept { return running_; }

  // pg_ctl start -w on the cluster's port (the same one every time); throws on failure.
  void start();
  // pg_ctl stop -w; `immediate` kills the server without a checkpoint (it recovers from WAL
  // on the next start), as a crash would. Throws on failure.
  void stop(StopMode mode);

  void create_database(const std::string& name) const;
  // The server log, for failure messages.
  std::string log() const;

 private:
  // Runs a PostgreSQL tool from the bin dir (as `postgres` when we are root) and waits for it;
  // throws with its output unless it exits with 0.
  void run_tool(const std::string& tool, std::vector<std::string> args, std::chrono::seconds timeout) const;

  TempDir dir_;
  std::filesystem::path data_;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace meridian::e2e
