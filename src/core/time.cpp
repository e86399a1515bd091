#include "meridian/core/time.hpp"

#include <charconv>
#include <cstdio>

namespace meridian::core {

std::string to_iso8601(Timestamp t, int fraction_digits) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(t);
  const auto day = floor<days>(us);
  const year_month_day ymd{day};
  const hh_mm_ss hms{us - day};
  const bool micro = fraction_digits >= 6;
  const long long fraction = micro ? hms.subseconds().count() : hms.subseconds().count() / 1000;
  char buf[40];
  std::snprintf(buf, sizeof buf,
                micro ? "%04d-%02u-%02uT%02ld:%02ld:%02lld.%06lldZ" : "%04d-%02u-%02uT%02ld:%02ld:%02lld.%03lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()), fraction);
  return buf;
}

namespace {
bool take_int(std::string_view& s, std::size_t n, int& out) {
  if (s.size() < n) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;  // from_chars would take a sign
  auto [p, ec] = std::from_chars(s.data(), s.data() + n, out);
  if (ec != std::errc{} || p != s.data() + n) return false;
  s.remove_prefix(n);
  return true;
}
bool take_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}
}  // namespace

std::optional<Timestamp> parse_time(std::string_view text) {
  using namespace std::chrono;
  if (text.empty()) return std::nullopt;
  if (text.find('-', 1) == std::string_view::npos) {
    long long ms = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
    if (ms > kTimeLimitMs || ms < -kTimeLimitMs) return std::nullopt;
    return from_epoch_ms(ms);
  }
  std::string_view s = text;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!take_int(s, 4, y) || !take_char(s, '-') || !take_int(s, 2, mo) || !take_char(s, '-') || !take_int(s, 2, d))
    return std::nullopt;
  long long nanos = 0;
  if (!s.empty()) {
    if (!take_char(s, 'T') && !take_char(s, ' ')) return std::nullopt;
    if (!take_int(s, 2, h) || !take_char(s, ':') || !take_int(s, 2, mi)) return std::nullopt;
    if (take_char(s, ':')) {
      if (!take_int(s, 2, sec)) return std::nullopt;
      if (take_char(s, '.')) {
        int digits = 0;
        while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
          if (digits < 9) {
            nanos = nanos * 10 + (s.front() - '0');
            ++digits;
          }
          s.remove_prefix(1);
        }
        if (digits == 0) return std::nullopt;
        for (; digits < 9; ++digits) nanos *= 10;
      }
    }
    if (!take_char(s, 'Z') && !(s == "+00:00" && (s = {}, true))) return std::nullopt;
  }
  if (!s.empty()) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  // The range check in seconds (days since the epoch fit in int32): converting a date beyond
  // 2262 to nanoseconds would wrap.
  const long long secs =
      static_cast<long long>(sys_days{ymd}.time_since_epoch().count()) * 86'400 + h * 3600LL + mi * 60LL + sec;
  if (secs > kTimeLimitMs / 1000 || secs < -kTimeLimitMs / 1000 || (secs == kTimeLimitMs / 1000 && nanos > 0))
    return std::nullopt;
  return Timestamp(sys_days{ymd}.time_since_epoch() + hours{h} + minutes{mi} + seconds{sec} + nanoseconds{nanos});
}

}  // namespace meridian::core
