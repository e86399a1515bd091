#include "support/daemon.hpp"
#include "support/serve_process.hpp"

#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "support/poll.hpp"

#ifndef MERIDIAN_E2E_DAEMON
#define MERIDIAN_E2E_DAEMON "meridiand"
#endif
#ifndef MERIDIAN_E2E_STATIC_DIR
#define MERIDIAN_E2E_STATIC_DIR "static"
#endif
#ifndef MERIDIAN_E2E_LSAN_SUPPRESSIONS
#define MERIDIAN_E2E_LSAN_SUPPRESSIONS ""
#endif

namespace meridian::e2e {

namespace {
std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::string(fallback);
}

constexpr auto kStartTimeout = std::chrono::seconds(30);

// A sanitizer build of the daemon reports leaks at exit; known third-party ones (lsan.supp) are
// suppressed unless the caller chose LSAN_OPTIONS. Set once, before the first spawn copies the
// environment.
void use_leak_suppressions() {
  static const bool done = [] {
    if (*MERIDIAN_E2E_LSAN_SUPPRESSIONS && !std::getenv("LSAN_OPTIONS"))
      ::setenv("LSAN_OPTIONS", "suppressions=" MERIDIAN_E2E_LSAN_SUPPRESSIONS, 0);
    return true;
  }();
  (void)done;
}
}  // namespace

std::string daemon_binary() {
  return env_or("MERIDIAN_E2E_DAEMON", MERIDIAN_E2E_DAEMON);
}
std::string static_dir() {
  return env_or("MERIDIAN_E2E_STATIC_DIR", MERIDIAN_E2E_STATIC_DIR);
}

Daemon::Daemon(const DaemonOptions& o) : dir_("meridian-e2e-") {
  const auto port_file = dir_.path() / "port";
  std::vector<std::string> argv{daemon_binary(),
                                "serve",
                                "--host",
                                "127.0.0.1",
                                "--port",
                                std::to_string(o.port),
                                "--port-file",
                                port_file.string(),
                                "--static-dir",
                                static_dir(),
                                "--tick-interval-ms",
                                std::to_string(o.tick_interval_ms),
                                "--sim-time-step-ms",
                                "1000",
                                "--history-bars",
                                "120",
                                "--log-level",
                                "warn",
                                "--auth",
                                o.auth ? "on" : "off",
                                "--rate-limit",
                                o.rate_limit};
  if (o.fast_period) argv.insert(argv.end(), {"--fast-period", std::to_string(*o.fast_period)});
  if (o.slow_period) argv.insert(argv.end(), {"--slow-period", std::to_string(*o.slow_period)});
  if (o.autostart) argv.insert(argv.end(), {"--autostart", *o.autostart ? "true" : "false"});
  argv.insert(argv.end(), o.extra_args.begin(), o.extra_args.end());

  use_leak_suppressions();
  // The working directory is the temp dir, so no config/meridian.toml is picked up; MERIDIAN_*
  // settings of the caller's environment are left out for the same reason.
  SpawnOptions spawn;
  spawn.argv = std::move(argv);
  spawn.cwd = dir_.path();
  spawn.output = dir_.path() / "output.log";
  // An empty database_url means memory only (daemon.hpp): the test runner's DATABASE_URL, which
  // the daemon falls back to, is not inherited either.
  // Nor what the daemon reads besides: seed 000's PORT, a service manager's socket and watchdog.
  spawn.drop_env_prefixes = {"MERIDIAN_", "DATABASE_URL=", "PORT=", "NOTIFY_SOCKET=", "WATCHDOG_"};
  // In the environment, not argv: the URL may carry the password, and `ps` shows argv to everyone.
  if (!o.database_url.empty()) spawn.extra_env.push_back("MERIDIAN_DATABASE_URL=" + o.database_url);
  process_ = std::make_unique<Process>(spawn);

  if (!o.wait_until_listening) return;
  if (!wait_listening(kStartTimeout)) {
    std::string why = process_->running() ? "did not write its port file in time"
                                          : describe_wait_status(*process_->exit_status()) + " before listening";
    process_->kill_now();
    throw std::runtime_error("meridiand " + why + "\n--- meridiand output ---\n" + output());
  }
}

bool Daemon::listening() {
  if (port_ != 0) return true;
  // The daemon renames the finished file into place once it listens.
  const auto text = read_file(dir_.path() / "port");
  if (!text.empty()) port_ = static_cast<std::uint16_t>(std::strtoul(text.c_str(), nullptr, 10));
  return port_ != 0;
}

bool Daemon::wait_listening(std::chrono::milliseconds timeout) {
  return poll_until([&] { return listening() || !process_->running(); }, timeout, std::chrono::milliseconds(2)) &&
         listening();
}

Daemon::~Daemon() {
  process_->kill_now();
}

std::optional<int> Daemon::stop(int signo, std::chrono::milliseconds timeout) {
  process_->signal(signo);
  return process_->wait_exit(timeout);
}

std::string Daemon::output() const {
  return tail_of_file(dir_.path() / "output.log");
}

bool Daemon::output_contains(std::string_view text) const {
  return read_file(dir_.path() / "output.log").find(text) != std::string::npos;
}

ServeProcess::ServeProcess(const std::vector<std::string>& flags, const std::vector<std::string>& env,
                           const std::string& database_url)
    : dir_("meridian-e2e-") {
  SpawnOptions spawn;
  spawn.argv = {
      daemon_binary(), "serve",      "--host",      "127.0.0.1", "--port-file", (dir_.path() / "port").string(),
      "--static-dir",  static_dir(), "--log-level", "warn",      "--auth",      "off",
      "--rate-limit",  "0"};
  spawn.argv.insert(spawn.argv.end(), flags.begin(), flags.end());
  spawn.cwd = dir_.path();
  spawn.output = dir_.path() / "output.log";
  spawn.drop_env_prefixes = {"MERIDIAN_", "DATABASE_URL=", "PORT=", "NOTIFY_SOCKET=", "WATCHDOG_"};
  spawn.extra_env = env;
  if (!database_url.empty()) spawn.extra_env.push_back("MERIDIAN_DATABASE_URL=" + database_url);
  use_leak_suppressions();
  process_ = std::make_unique<Process>(spawn);
}

ServeProcess::~ServeProcess() {
  process_->kill_now();
}

std::uint16_t ServeProcess::port() const {
  const auto text = read_file(dir_.path() / "port");
  return text.empty() ? 0 : static_cast<std::uint16_t>(std::strtoul(text.c_str(), nullptr, 10));
}

std::uint16_t ServeProcess::wait_port(std::chrono::milliseconds timeout) {
  poll_until([&] { return port() != 0 || !process_->running(); }, timeout, std::chrono::milliseconds(2));
  return port();
}

std::string ServeProcess::output() const {
  return tail_of_file(dir_.path() / "output.log");
}

CommandRun run_meridiand(const TempDir& dir, const std::vector<std::string>& args) {
  static std::atomic<int> counter{0};
  const auto tag = std::to_string(++counter);
  SpawnOptions spawn;
  spawn.argv = {daemon_binary()};
  spawn.argv.insert(spawn.argv.end(), args.begin(), args.end());
  spawn.cwd = dir.path();
  spawn.output = dir.path() / ("out-" + tag);
  spawn.error_output = dir.path() / ("err-" + tag);
  spawn.drop_env_prefixes = {"MERIDIAN_", "DATABASE_URL"};
  Process p(spawn);
  CommandRun r;
  const auto status = p.wait_exit(std::chrono::seconds(60));
  if (status && WIFEXITED(*status)) r.exit_code = WEXITSTATUS(*status);
  r.out = read_file(spawn.output);
  r.err = read_file(spawn.error_output);
  return r;
}

}  // namespace meridian::e2e
