#include "process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace meridian::api {

ProcessStats process_stats() {
  ProcessStats s;
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    s.cpu_user_s = static_cast<double>(usage.ru_utime.tv_sec) + static_cast<double>(usage.ru_utime.tv_usec) / 1e6;
    s.cpu_system_s = static_cast<double>(usage.ru_stime.tv_sec) + static_cast<double>(usage.ru_stime.tv_usec) / 1e6;
    s.max_rss_bytes = static_cast<std::int64_t>(usage.ru_maxrss) * 1024;  // Linux: kilobytes
  }
  if (std::ifstream statm("/proc/self/statm"); statm) {
    std::int64_t size = 0, resident = 0;
    if (statm >> size >> resident) s.rss_bytes = resident * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
  }
  std::error_code ec;
  std::int64_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
  // The iterator's own descriptor is among those listed.
  if (!ec) s.open_fds = fds > 0 ? fds - 1 : 0;
  if (std::ifstream stat("/proc/self/stat"); stat) {
    std::string line;
    std::getline(stat, line);
    // Field 20 (num_threads), counted after the command name's closing parenthesis (field 2).
    if (const auto close = line.rfind(')'); close != std::string::npos) {
      std::istringstream rest(line.substr(close + 2));
      std::string field;
      for (int i = 3; i <= 20 && rest >> field; ++i)
        if (i == 20) s.threads = std::stoll(field);
    }
  }
  return s;
}

}  // namespace meridian::api
