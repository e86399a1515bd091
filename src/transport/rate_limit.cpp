#include "meridian/transport/rate_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <string>

namespace meridian::transport {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == (y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y);
         });
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> parse_int(std::string_view s) noexcept {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// The three HTTP-date forms of RFC 9110 section 5.6.7, all GMT.
std::optional<WallClock::time_point> parse_http_date(std::string_view text) {
  static constexpr const char* kForms[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                                           "%a %b %d %H:%M:%S %Y"};
  const std::string s(text);
  for (const char* form : kForms) {
    std::tm tm{};
    const char* end = strptime(s.c_str(), form, &tm);
    if (end && *end == '\0') return WallClock::from_time_t(timegm(&tm));
  }
  return std::nullopt;
}

}  // namespace

std::string_view HttpResponse::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, WallClock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (auto secs = parse_int(value)) {
    if (*secs < 0) return std::nullopt;
    // A day is already absurd; the cap keeps the arithmetic far from overflow.
    return std::chrono::milliseconds(std::min<std::int64_t>(*secs, 86'400) * 1000);
  }
  const auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(*when - now);
  return std::clamp(delta, std::chrono::milliseconds(0), std::chrono::milliseconds(86'400'000));
}

std::optional<std::chrono::milliseconds> rate_limit_wait(const HttpResponse& response, WallClock::time_point now,
                                                         const RateLimitPolicy& policy) {
  if (response.status == 429 || response.status == 418) {
    if (auto wait = parse_retry_after(response.header("Retry-After"), now)) return wait;
    return policy.default_wait;
  }
  if (policy.weight_limit_1m > 0 && !policy.weight_header.empty()) {
    const auto used = parse_int(trim(response.header(policy.weight_header)));
    if (used && *used >= policy.weight_limit_1m) {
      const auto since_minute = now.time_since_epoch() % std::chrono::minutes(1);
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::minutes(1) - since_minute);
    }
  }
  return std::nullopt;
}

}  // namespace meridian::transport
