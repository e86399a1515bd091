// The service manager's notification protocol (Type=notify) against a real datagram socket the
// test owns, as systemd's NOTIFY_SOCKET: STATUS=recovering during start-up, READY=1 only once
// the listener accepts (its port file is written and a request is answered at that moment),
// WATCHDOG=1 pings when WATCHDOG_USEC is set (none when it is not), STOPPING=1 on SIGTERM
// before a clean exit, and STATUS=standby (no READY=1) while another daemon holds the portfolio.
#include "fixture.hpp"
#include "notify_socket.hpp"
#include "support/process.hpp"
#include "support/serve_process.hpp"

namespace meridian::e2e {
namespace {

using Clock = std::chrono::steady_clock;

using test::NotifySocket;

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
