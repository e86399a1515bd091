#pragma once
// The service manager's notification protocol (sd_notify(3), for a Type=notify unit), through
// libsystemd. Outside systemd (no NOTIFY_SOCKET) every call does nothing. Any thread: each call
// is one datagram to the manager.
#include <chrono>
#include <optional>
#include <string_view>

namespace meridian::app::systemd {

// Whether a service manager listens (NOTIFY_SOCKET is set).
bool managed();
// READY=1 with a STATUS= line: the daemon serves (recovery done, the listener accepting).
void ready(std::string_view status);
// STATUS=<text>: what `systemctl status` shows (recovering, standby, running, degraded: why).
void status(std::string_view text);
// WATCHDOG=1: the daemon is alive (service_monitor.hpp sends it from the engine strand).
void watchdog();
// STOPPING=1: a stop began (SIGTERM); the manager waits for the exit, TimeoutStopSec= at most.
void stopping();
// The interval the manager expects WATCHDOG=1 within (WatchdogSec=, from WATCHDOG_USEC when
// WATCHDOG_PID is unset or this process), or nullopt when it expects none.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace meridian::app::systemd
