#pragma once
// Time is UTC nanoseconds since the epoch; API text is ISO-8601 with milliseconds.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace meridian::core {

using Timestamp = std::chrono::sys_time<std::chrono::nanoseconds>;
using Duration = std::chrono::nanoseconds;

inline Timestamp now() noexcept {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}
inline std::int64_t epoch_ms(Timestamp t) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline Timestamp from_epoch_ms(std::int64_t ms) noexcept {
  return Timestamp(std::chrono::milliseconds(ms));
}

// "2026-11-21T04:36:53.930Z"; with fraction_digits 6, microseconds (what PostgreSQL keeps).
std::string to_iso8601(Timestamp t, int fraction_digits = 3);
// Timestamp counts int64 nanoseconds (years 1677..2262): parsed times are kept within
// +-kTimeLimitMs of the epoch (1684-10-19T08:00Z .. 2255-03-14T16:00Z), so arithmetic on them can not wrap.
inline constexpr std::int64_t kTimeLimitMs = 9'000'000'000'000LL;
// Accepts ISO-8601 UTC ("...Z", optional fraction) or epoch milliseconds, both within
// +-kTimeLimitMs; anything else (including a valid date outside that range) is nullopt.
std::optional<Timestamp> parse_time(std::string_view text);

// Start of the period of length `period` containing t (UTC-aligned).
inline Timestamp floor_to(Timestamp t, Duration period) noexcept {
  auto n = t.time_since_epoch().count();
  auto p = period.count();
  auto r = n % p;
  if (r < 0) r += p;
  return Timestamp(Duration(n - r));
}

}  // namespace meridian::core
