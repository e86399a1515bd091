#pragma once
// The open-file limit, raised by the daemon itself at start (issue 18 item 4): every HTTP or
// WebSocket client holds a descriptor, and the usual soft limit (1024) would refuse the
// 1,025th client although the hard limit (524,288 under systemd) allows far more. The soft
// limit goes up to the hard one (capped by the kernel's fs.nr_open when the hard limit is
// unlimited); it never goes down.
#include <cstdint>
#include <string>

namespace meridian::app {

struct FdLimit {
  std::uint64_t before = 0;  // the soft limit found
  std::uint64_t after = 0;   // the soft limit now
  std::string error;         // why raising failed (the limit is then `before`), empty otherwise
};

FdLimit raise_fd_limit() noexcept;

}  // namespace meridian::app
