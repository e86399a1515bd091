#include "meridian/app/service_monitor.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "app_log.hpp"
#include "meridian/api/health.hpp"
#include "meridian/app/systemd_notify.hpp"

namespace meridian::app {

namespace {
// How often the health verdict is looked at for the STATUS= line.
constexpr std::chrono::milliseconds kStatusPeriod{1000};

std::string status_line(const api::HealthVerdict& v) {
  if (std::string_view(v.status) == "ok") return "running";
  return std::string(v.status) + ": " + v.reason;
}
}  // namespace

ServiceMonitor::ServiceMonitor(boost::asio::io_context& io, const api::ApiContext& ctx)
    : timer_(boost::asio::make_strand(io)), ctx_(ctx) {}

void ServiceMonitor::start() {
  if (!systemd::managed()) return;
  watchdog_ = systemd::watchdog_interval();
  const auto verdict = api::evaluate_health(ctx_);
  last_status_ = status_line(verdict);
  systemd::ready(last_status_);
  if (watchdog_) {
    app_log()->info("systemd watchdog: WATCHDOG=1 every {} ms while the engine's heartbeat is fresh",
                    std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog_ / 2).count());
    if (verdict.engine_ok) systemd::watchdog();
    next_ping_ = std::chrono::steady_clock::now() + *watchdog_ / 2;
  }
  boost::asio::post(timer_.get_executor(), [this] { arm(); });
}

void ServiceMonitor::stop() {
  if (stopped_.exchange(true) || !systemd::managed()) return;
  systemd::stopping();
  boost::asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
}

void ServiceMonitor::arm() {
  if (stopped_) return;
  auto next = std::chrono::steady_clock::now() + kStatusPeriod;
  if (watchdog_) next = std::min(next, next_ping_);
  timer_.expires_at(next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    on_timer();
    arm();
  });
}

void ServiceMonitor::on_timer() {
  const auto verdict = api::evaluate_health(ctx_);
  const auto now = std::chrono::steady_clock::now();
  if (watchdog_ && now >= next_ping_) {
    // No ping for a stuck engine: systemd's WatchdogSec= then restarts the daemon.
    if (verdict.engine_ok) systemd::watchdog();
    next_ping_ = now + *watchdog_ / 2;
  }
  auto line = status_line(verdict);
  if (line != last_status_) {
    app_log()->info("service status: {}", line);
    systemd::status(line);
    last_status_ = std::move(line);
  }
}

}  // namespace meridian::app
