#pragma once
// A child process for end-to-end tests: spawned with posix_spawn, stdout and stderr going to
// one file (read back for diagnostics), signalled and reaped with a deadline. The destructor
// kills (SIGKILL) and reaps a child that is still running, so a failed test leaves nothing.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace meridian::e2e {

struct SpawnOptions {
  std::vector<std::string> argv;               // argv[0] is the executable path
  std::filesystem::path cwd;                   // working directory of the child
  std::filesystem::path output;                // stdout (and stderr) are appended here
  std::filesystem::path error_output;          // if set, stderr goes here instead
  std::vector<std::string> drop_env_prefixes;  // environment variables to leave out (by prefix)
  std::vector<std::string> extra_env;          // NAME=VALUE added to the child's environment
};

class Process {
 public:
  explicit Process(const SpawnOptions& options);  // throws std::runtime_error if it cannot spawn
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  bool running();  // false once the child has exited (and has been reaped)
  void signal(int signo);
  // Waits until the child exits; its wait status, or nullopt at the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  std::optional<int> exit_status() const noexcept { return status_; }
  void kill_now();  // SIGKILL and reap, if still running

 private:
  bool reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> status_;
};

// "exited with 0", "killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

std::string read_file(const std::filesystem::path& path);
// The last `max_bytes` of a file, for failure messages.
std::string tail_of_file(const std::filesystem::path& path, std::size_t max_bytes = 8000);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace meridian::e2e
