// The service manager's notification protocol (Type=notify) against a real datagram socket the
// test owns, as systemd's NOTIFY_SOCKET: STATUS=recovering during start-up, READY=1 only once
// the listener accepts (its port file is written and a request is answered at that moment),
// WATCHDOG=1 pings when WATCHDOG_USEC is set (none when it is not), STOPPING=1 on SIGTERM
// before a clean exit, and STATUS=standby (no READY=1) while another daemon holds the portfolio.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <poll.h>

#include <algorithm>
#include <cstring>

#include "fixture.hpp"
#include "support/process.hpp"
#include "support/serve_process.hpp"

namespace meridian::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// A bound AF_UNIX datagram socket, as the service manager's notification socket.
class NotifySocket {
 public:
  NotifySocket() : dir_("meridian-notify-") {
    path_ = (dir_.path() / "notify.sock").string();
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof(addr.sun_path)) throw std::runtime_error("socket path too long: " + path_);
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
      throw std::runtime_error("bind " + path_ + ": " + std::strerror(errno));
  }
  ~NotifySocket() { ::close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  std::string env() const { return "NOTIFY_SOCKET=" + path_; }

  // The next datagram, or nullopt when none arrives within `timeout`.
  std::optional<std::string> next(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buf[4096];
    const auto n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0) return std::nullopt;
    std::string message(buf, static_cast<std::size_t>(n));
    received_.push_back(message);
    return message;
  }
  // Reads datagrams until one contains `assignment` (a line such as "READY=1"); false at the deadline.
  bool wait_for(std::string_view assignment, std::chrono::milliseconds timeout = kDeadline) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      auto m = next(std::max(left, std::chrono::milliseconds(1)));
      if (m && has_line(*m, assignment)) return true;
    }
    return false;
  }
  // Every datagram read so far.
  const std::vector<std::string>& received() const noexcept { return received_; }
  std::string transcript() const {
    std::string all;
    for (const auto& m : received_) all += "[" + m + "] ";
    return all;
  }

  // Whether `message` has a line equal to `assignment`, or starting with it when it ends in '='
  // or is a STATUS= prefix ("STATUS=standby" matches "STATUS=standby: ...").
  static bool has_line(std::string_view message, std::string_view assignment) {
    std::size_t start = 0;
    while (start <= message.size()) {
      auto end = message.find('\n', start);
      if (end == std::string_view::npos) end = message.size();
      const auto line = message.substr(start, end - start);
      if (line == assignment || (assignment.starts_with("STATUS=") && line.starts_with(assignment))) return true;
      start = end + 1;
    }
    return false;
  }

 private:
  TempDir dir_;
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

class SystemdNotify : public DaemonTest {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      if (first_) print_output("meridiand (first)", *first_);
      if (daemon_) std::cerr << "--- meridiand (notifying) output ---\n" << daemon_->output() << "\n--- end ---\n";
    }
    daemon_.reset();
    first_.reset();
    DaemonTest::TearDown();
  }

  void spawn(const NotifySocket& socket, std::vector<std::string> env = {}) {
    env.push_back(socket.env());
    daemon_ = std::make_unique<ServeProcess>(std::vector<std::string>{"--port", "0", "--autostart", "false"}, env,
                                             db().url());
  }

  // SIGTERM, then the exit status (nullopt: still running after 10 s).
  std::optional<int> terminate() {
    daemon_->process().signal(SIGTERM);
    return daemon_->process().wait_exit(std::chrono::seconds(10));
  }

  std::unique_ptr<Daemon> first_;
  std::unique_ptr<ServeProcess> daemon_;
};

TEST_F(SystemdNotify, ReadyOnlyOnceListeningThenWatchdogPingsAndStoppingOnSigterm) {
  NotifySocket socket;
  spawn(socket, {"WATCHDOG_USEC=400000"});
  ASSERT_TRUE(socket.wait_for("READY=1")) << "no READY=1: " << socket.transcript();
  // At READY=1 the listener is up: the port is announced and a request is answered now,
  // without waiting.
  const auto port = daemon_->port();
  ASSERT_NE(port, 0) << "READY=1 before the port file was written";
  const auto health = http_get(port, "/health");
  EXPECT_TRUE(health.status == 200 || health.status == 503) << health.status;
  // Recovery was announced before, and READY=1 says what the daemon is doing.
  const auto& seen = socket.received();
  EXPECT_TRUE(std::any_of(seen.begin(), seen.end() - 1, [](const std::string& m) {
    return NotifySocket::has_line(m, "STATUS=recovering");
  })) << socket.transcript();
  // READY=1 says what the daemon is doing; once its feed and engine are up, that is running.
  const auto ready = seen.back();
  EXPECT_NE(ready.find("STATUS="), std::string::npos) << ready;
  if (!NotifySocket::has_line(ready, "STATUS=running")) {
    EXPECT_TRUE(socket.wait_for("STATUS=running")) << socket.transcript();
  }

  // Pings, every half of WATCHDOG_USEC: at least three more well within the deadline.
  int pings = 0;
  const auto deadline = Clock::now() + kDeadline;
  while (pings < 3 && Clock::now() < deadline)
    if (auto m = socket.next(std::chrono::milliseconds(500)); m && NotifySocket::has_line(*m, "WATCHDOG=1")) ++pings;
  EXPECT_GE(pings, 3) << socket.transcript();

  const auto status = terminate();
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << (status ? describe_wait_status(*status) : "still running");
  EXPECT_TRUE(socket.wait_for("STOPPING=1", std::chrono::seconds(2))) << socket.transcript();
}

TEST_F(SystemdNotify, NoWatchdogPingsWithoutWatchdogUsec) {
  NotifySocket socket;
  spawn(socket);
  ASSERT_TRUE(socket.wait_for("READY=1")) << socket.transcript();
  // Two seconds is several intervals of the other test's watchdog.
  const auto until = Clock::now() + std::chrono::seconds(2);
  while (Clock::now() < until) socket.next(std::chrono::milliseconds(200));
  for (const auto& m : socket.received()) EXPECT_FALSE(NotifySocket::has_line(m, "WATCHDOG=1")) << m;
}

TEST_F(SystemdNotify, StandbySaysSoAndIsNotReady) {
  DaemonOptions first;
  first.autostart = false;
  first.database_url = db().url();
  first_ = std::make_unique<Daemon>(first);
  ASSERT_TRUE(wait_healthy(first_->port()));

  NotifySocket socket;
  spawn(socket);
  ASSERT_TRUE(socket.wait_for("STATUS=standby")) << socket.transcript();
  for (const auto& m : socket.received()) EXPECT_FALSE(NotifySocket::has_line(m, "READY=1")) << m;
  const auto status = terminate();
  EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << (status ? describe_wait_status(*status) : "still running");
  for (const auto& m : socket.received()) EXPECT_FALSE(NotifySocket::has_line(m, "READY=1")) << m;
}

}  // namespace
}  // namespace meridian::e2e
