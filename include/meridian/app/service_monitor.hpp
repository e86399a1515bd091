#pragma once
// Keeps the service manager (systemd_notify.hpp) informed while the daemon serves:
// - start(): READY=1 with STATUS=running (or the health verdict's "degraded: why");
// - every second: STATUS= again whenever the verdict (api/health.hpp) changes;
// - with WatchdogSec= on the unit: WATCHDOG=1 every half interval, but only while the engine
//   strand's heartbeat is fresh: the engine publishes a snapshot from its strand at least every
//   second (engine_runner.cpp's kHeartbeat), and the verdict calls it stuck when the newest is
//   5 s old (as /health does). A stuck engine therefore stops the pings and systemd restarts
//   the daemon, while busy HTTP threads (which only read snapshots) do not;
// - stop(): STOPPING=1, and no more pings.
// Does nothing when no service manager listens. start() and stop() from one thread (serve's);
// the timer runs on its own strand of the io_context.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "meridian/api/api_context.hpp"

namespace meridian::app {

class ServiceMonitor {
 public:
  ServiceMonitor(boost::asio::io_context& io, const api::ApiContext& ctx);
  void start();
  void stop();

 private:
  void arm();
  void on_timer();

  boost::asio::steady_timer timer_;
  const api::ApiContext& ctx_;
  std::optional<std::chrono::microseconds> watchdog_;
  std::chrono::steady_clock::time_point next_ping_{};
  std::string last_status_;  // the timer's strand only, after start()
  std::atomic<bool> stopped_{false};
};

}  // namespace meridian::app
