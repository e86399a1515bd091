#pragma once
// What a venue's answer says about when to ask again. Pure functions of the answer and the
// wall clock, so the policy is tested without a server.
#include <chrono>
#include <optional>
#include <string_view>

#include "meridian/market/venue/http_response.hpp"

namespace meridian::market::venue {

using WallClock = std::chrono::system_clock;

// Retry-After: delay-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT",
// also the obsolete RFC 850 and asctime forms). A date in the past gives zero; nonsense nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, WallClock::time_point now);

struct RateLimitPolicy {
  // Binance-style request weight: when X-MBX-USED-WEIGHT-1M reaches this, wait for the next
  // UTC minute (when the venue's window resets). 0: ignore the header.
  int weight_limit_1m = 0;
  // A 429/418 without a usable Retry-After waits this long.
  std::chrono::milliseconds default_wait{std::chrono::seconds(5)};
};

// How long to hold off before the next request to this venue, or nullopt for no hold.
// 429 (too many requests) and 418 (Binance: banned for ignoring 429s) always hold.
std::optional<std::chrono::milliseconds> rate_limit_wait(const HttpResponse& response, WallClock::time_point now,
                                                         const RateLimitPolicy& policy);

}  // namespace meridian::market::venue
