// Rate-limit answers: Retry-After in seconds or as an HTTP date, 429/418 always hold (a
// default when the header is missing or nonsense), Binance weight headers hold to the minute.
#include "meridian/transport/rate_limit.hpp"

#include <gtest/gtest.h>

using namespace meridian::transport;
using namespace std::chrono;

namespace {
// 2015-10-21T07:28:00Z
const WallClock::time_point kNow = WallClock::time_point(seconds(1445412480));

HttpResponse answer(unsigned status, std::vector<std::pair<std::string, std::string>> headers) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}
}  // namespace

TEST(VenueRateLimit, RetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after("120", kNow), milliseconds(120'000));
  EXPECT_EQ(parse_retry_after(" 0 ", kNow), milliseconds(0));
  EXPECT_EQ(parse_retry_after("99999999", kNow), milliseconds(86'400'000));  // capped at a day
  EXPECT_FALSE(parse_retry_after("-1", kNow));
  EXPECT_FALSE(parse_retry_after("1.5", kNow));
  EXPECT_FALSE(parse_retry_after("", kNow));
  EXPECT_FALSE(parse_retry_after("soon", kNow));
}

TEST(VenueRateLimit, RetryAfterHttpDates) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", kNow), milliseconds(30'000));
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", kNow), milliseconds(60'000));
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:05 2015", kNow), milliseconds(5'000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", kNow), milliseconds(0));  // past
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:30", kNow));                    // no zone
}

TEST(VenueRateLimit, TooManyRequestsAndBannedAlwaysHold) {
  RateLimitPolicy p;
  p.default_wait = seconds(7);
  EXPECT_EQ(rate_limit_wait(answer(429, {{"retry-after", "3"}}), kNow, p), milliseconds(3000));
  EXPECT_EQ(rate_limit_wait(answer(418, {{"Retry-After", "120"}}), kNow, p), milliseconds(120'000));
  EXPECT_EQ(rate_limit_wait(answer(429, {}), kNow, p), milliseconds(7000));
  EXPECT_EQ(rate_limit_wait(answer(429, {{"Retry-After", "later"}}), kNow, p), milliseconds(7000));
  EXPECT_FALSE(rate_limit_wait(answer(200, {{"Retry-After", "3"}}), kNow, p));
  EXPECT_FALSE(rate_limit_wait(answer(503, {}), kNow, p));  // server errors back off instead
}

TEST(VenueRateLimit, UsedWeightAtTheLimitHoldsToTheNextMinute) {
  RateLimitPolicy p;
  p.weight_limit_1m = 1200;
  p.weight_header = "X-MBX-USED-WEIGHT-1M";
  const auto at_20s = kNow + seconds(20);
  EXPECT_EQ(rate_limit_wait(answer(200, {{"X-MBX-USED-WEIGHT-1M", "1200"}}), at_20s, p), milliseconds(40'000));
  EXPECT_FALSE(rate_limit_wait(answer(200, {{"X-MBX-USED-WEIGHT-1M", "1199"}}), at_20s, p));
  EXPECT_FALSE(rate_limit_wait(answer(200, {{"X-MBX-USED-WEIGHT-1M", "lots"}}), at_20s, p));
  p.weight_limit_1m = 0;  // off
  EXPECT_FALSE(rate_limit_wait(answer(200, {{"X-MBX-USED-WEIGHT-1M", "999999"}}), at_20s, p));
}
