#include "meridian/app/fd_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace meridian::app {

namespace {
// The most descriptors the kernel lets one process have (fs.nr_open): an unlimited hard limit
// cannot be a soft one for RLIMIT_NOFILE.
rlim_t kernel_cap() noexcept {
  std::ifstream in("/proc/sys/fs/nr_open");
  unsigned long long cap = 0;
  if (in >> cap && cap > 0) return static_cast<rlim_t>(cap);
  return 1 << 20;  // Linux's default nr_open
}
}  // namespace

FdLimit raise_fd_limit() noexcept {
  FdLimit out;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.before = out.after = limit.rlim_cur;
  const rlim_t target = limit.rlim_max == RLIM_INFINITY ? kernel_cap() : limit.rlim_max;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur >= target) return out;
  limit.rlim_cur = target;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.after = target;
  return out;
}

}  // namespace meridian::app
