#pragma once
// What a server's answer says about when to ask again. Pure functions of the answer and the
// wall clock, so the policy is tested without a server.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/transport/http_response.hpp"

namespace meridian::transport {

using WallClock = std::chrono::system_clock;

// Retry-After: delay-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT",
// also the obsolete RFC 850 and asctime forms). A date in the past gives zero; nonsense nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, WallClock::time_point now);

struct RateLimitPolicy {
  // Request weight per UTC minute: when the header `weight_header` reports this much used, wait
  // for the next UTC minute (when the server's window resets). 0 or no header name: ignored.
  int weight_limit_1m = 0;
  // A 429/418 without a usable Retry-After waits this long.
  std::chrono::milliseconds default_wait{std::chrono::seconds(5)};
  std::string weight_header;  // the caller names it ("X-MBX-USED-WEIGHT-1M")
};

// How long to hold off before the next request to this server, or nullopt for no hold.
// 429 (too many requests) and 418 (some servers: banned for ignoring 429s) always hold.
std::optional<std::chrono::milliseconds> rate_limit_wait(const HttpResponse& response, WallClock::time_point now,
                                                         const RateLimitPolicy& policy);

}  // namespace meridian::transport
