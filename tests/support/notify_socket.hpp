#pragma once
// A bound AF_UNIX datagram socket in a fresh directory, as systemd's NOTIFY_SOCKET: what a
// test of the service-manager protocol (READY=1, STATUS=, WATCHDOG=1, STOPPING=1) reads the
// daemon's notifications from. Header-only: the e2e suite and unit_app both use it.
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::test {

class NotifySocket {
 public:
  NotifySocket() {
    const auto base = std::filesystem::temp_directory_path() / "meridian-notify-XXXXXX";
    std::string dir = base.string();
    if (!::mkdtemp(dir.data())) throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
    dir_ = dir;
    path_ = (dir_ / "notify.sock").string();
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof(addr.sun_path)) throw std::runtime_error("socket path too long: " + path_);
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
      throw std::runtime_error("bind " + path_ + ": " + std::strerror(errno));
  }
  ~NotifySocket() {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const noexcept { return path_; }
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
  bool wait_for(std::string_view assignment, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    using Clock = std::chrono::steady_clock;
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

  // Whether `message` has a line equal to `assignment`, or starting with it when it is a
  // STATUS= prefix ("STATUS=standby" matches "STATUS=standby: ...").
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
  std::filesystem::path dir_;
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

}  // namespace meridian::test
