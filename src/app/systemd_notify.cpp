#include "meridian/app/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "app_log.hpp"

namespace meridian::app::systemd {

namespace {
void send(const std::string& state) {
  // 0: not under systemd; < 0: the manager went away or refused. Neither stops the daemon.
  if (const int r = sd_notify(0, state.c_str()); r < 0)
    app_log()->debug("sd_notify({}) failed: {}", state.substr(0, state.find('\n')), r);
}

// A STATUS= value on one line (the protocol is newline-separated assignments).
std::string one_line(std::string_view text) {
  std::string s(text.substr(0, 200));
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}
}  // namespace

bool managed() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket && *socket;
}

void ready(std::string_view status) {
  send("READY=1\nSTATUS=" + one_line(status));
}

void status(std::string_view text) {
  send("STATUS=" + one_line(text));
}

void watchdog() {
  send("WATCHDOG=1");
}

void stopping() {
  send("STOPPING=1\nSTATUS=stopping");
}

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace meridian::app::systemd
