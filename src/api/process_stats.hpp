#pragma once
// The daemon process's own resource use, as Linux reports it (getrusage, /proc/self), for
// GET /api/stats. Figures the system cannot give are -1.
#include <cstdint>

namespace meridian::api {

struct ProcessStats {
  double cpu_user_s = -1;
  double cpu_system_s = -1;
  std::int64_t rss_bytes = -1;      // resident now (/proc/self/statm)
  std::int64_t max_rss_bytes = -1;  // the peak (getrusage)
  std::int64_t open_fds = -1;       // entries of /proc/self/fd
  std::int64_t threads = -1;        // /proc/self/stat
};

ProcessStats process_stats();

}  // namespace meridian::api
