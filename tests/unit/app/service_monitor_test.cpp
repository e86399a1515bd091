// The systemd watchdog against a hung engine (app/service_monitor.hpp): a real engine runner
// (simulated feed, its own strand) on a two-thread io_context and a notification socket the
// test owns as systemd's NOTIFY_SOCKET. While the strand publishes, WATCHDOG=1 arrives every
// half interval; a command that blocks the strand (as a stuck engine would) stops the pings and
// turns STATUS= to "down", so systemd's WatchdogSec= would restart the daemon, although the
// monitor's own thread is free; once the strand runs again, the pings come back.
#include "meridian/app/service_monitor.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/executor_work_guard.hpp>
#include <future>
#include <thread>

#include "meridian/api/api_context.hpp"
#include "meridian/engine/engine_runner.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "notify_socket.hpp"

namespace meridian::app {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::NotifySocket;

constexpr auto kWatchdog = 400ms;  // WATCHDOG_USEC: a ping every 200 ms while healthy

// NOTIFY_SOCKET and WATCHDOG_USEC for the test's lifetime (set before any thread starts).
class ServiceManagerEnv {
 public:
  explicit ServiceManagerEnv(const NotifySocket& socket) {
    ::setenv("NOTIFY_SOCKET", socket.path().c_str(), 1);
    ::setenv("WATCHDOG_USEC", std::to_string(std::chrono::microseconds(kWatchdog).count()).c_str(), 1);
    ::unsetenv("WATCHDOG_PID");
  }
  ~ServiceManagerEnv() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
  }
};

engine::RunnerConfig quick_start() {
  engine::RunnerConfig c;
  c.history_bars = 0;  // no warm-up: the test is about the strand, not the indicators
  return c;
}

// Pings counted over `window` (every datagram is read, so later waits start fresh).
int pings_within(NotifySocket& socket, std::chrono::milliseconds window) {
  int pings = 0;
  const auto until = Clock::now() + window;
  while (Clock::now() < until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (auto m = socket.next(std::max(left, 1ms)); m && NotifySocket::has_line(*m, "WATCHDOG=1")) ++pings;
  }
  return pings;
}

TEST(ServiceMonitor, AHungEngineStrandStopsTheWatchdogPingsAndARunningOneResumesThem) {
  NotifySocket socket;
  ServiceManagerEnv env(socket);

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  const core::InstrumentTable instruments{core::default_instruments()};
  engine::JournalQueue journal{1 << 12};
  engine::PortfolioConfig portfolio;
  portfolio.autostart = false;
  engine::EngineRunner runner(io, instruments, portfolio, quick_start(), {}, journal, {});
  storage::JournalWriter writer("", journal, instruments, 1, [](std::uint64_t) {});  // never started: no database
  api::ApiContext ctx{runner, instruments, writer, core::now(), "test", false, {}, {}};
  ServiceMonitor monitor(io, ctx);

  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&io] { io.run(); });
  runner.start();
  monitor.start();

  std::promise<void> release;
  auto released = release.get_future().share();
  bool released_once = false;
  auto unblock = [&] {
    if (!released_once) release.set_value();
    released_once = true;
  };

  [&] {
    ASSERT_TRUE(socket.wait_for("READY=1")) << socket.transcript();
    ASSERT_TRUE(socket.wait_for("WATCHDOG=1", 5s)) << "no ping from a live engine: " << socket.transcript();
    EXPECT_GE(pings_within(socket, 1s), 3) << socket.transcript();

    // The strand hangs: a command that waits (up to a minute) for the test to let it go.
    runner.command(
        [released](engine::Portfolio&) -> engine::CommandResult {
          released.wait_for(60s);
          return std::nullopt;
        },
        [](const engine::CommandResult&) {});
    // Its last snapshot ages to 5 s: the verdict says down, and from then on no ping.
    ASSERT_TRUE(socket.wait_for("STATUS=down: engine has not published a snapshot", 20s)) << socket.transcript();
    EXPECT_EQ(pings_within(socket, 1500ms), 0) << "pings while the engine is stuck: " << socket.transcript();

    // The strand runs again: fresh snapshots, pings, and running.
    unblock();
    ASSERT_TRUE(socket.wait_for("WATCHDOG=1", 5s)) << "no ping after the engine recovered: " << socket.transcript();
    EXPECT_TRUE(socket.wait_for("STATUS=running", 5s)) << socket.transcript();
  }();

  unblock();
  monitor.stop();
  EXPECT_TRUE(socket.wait_for("STOPPING=1", 5s)) << socket.transcript();
  runner.shutdown();
  work.reset();
  io.stop();
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace meridian::app
