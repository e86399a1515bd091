// ISO-8601 text and UTC alignment. Expected instants are built with <chrono>'s civil
// calendar, independently of the parser under test.
#include "meridian/core/time.hpp"

#include <gtest/gtest.h>

#include <random>

using meridian::core::epoch_ms;
using meridian::core::floor_to;
using meridian::core::from_epoch_ms;
using meridian::core::parse_time;
using meridian::core::Timestamp;
using meridian::core::to_iso8601;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
Timestamp civil(int y, unsigned mo, unsigned d, hours h = 0h, minutes mi = 0min, seconds s = 0s, nanoseconds ns = 0ns) {
  return Timestamp(sys_days{year{y} / month{mo} / day{d}}.time_since_epoch() + h + mi + s + ns);
}
}  // namespace

TEST(TimeFormat, EpochAndKnownInstant) {
  EXPECT_EQ(to_iso8601(from_epoch_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(to_iso8601(civil(2026, 11, 21, 4h, 36min, 53s, 930ms)), "2026-11-21T04:36:53.930Z");
  EXPECT_EQ(to_iso8601(civil(2024, 2, 29, 23h, 59min, 59s, 999ms)), "2024-02-29T23:59:59.999Z");
}

TEST(TimeFormat, TruncatesToMillisecondsTowardsThePast) {
  // Sub-millisecond digits are dropped; before the epoch "dropping" must still go to
  // the earlier millisecond, not towards zero.
  EXPECT_EQ(to_iso8601(civil(2026, 1, 2, 3h, 4min, 5s, 6'999'999ns)), "2026-01-02T03:04:05.006Z");
  EXPECT_EQ(to_iso8601(Timestamp(-1ns)), "1969-12-31T23:59:59.999Z");
}

TEST(TimeParse, IsoRoundTrip) {
  const auto t = civil(2026, 11, 21, 4h, 36min, 53s, 930ms);
  auto parsed = parse_time("2026-11-21T04:36:53.930Z");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, t);
  EXPECT_EQ(parse_time(to_iso8601(t)), t);

  // Random millisecond instants between 1970 and ~2100 survive format -> parse.
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<std::int64_t> ms(0, 4'102'444'800'000);
  for (int i = 0; i < 2000; ++i) {
    const auto x = from_epoch_ms(ms(rng));
    ASSERT_EQ(parse_time(to_iso8601(x)), x) << to_iso8601(x);
  }
}

TEST(TimeParse, AcceptedIsoVariants) {
  EXPECT_EQ(parse_time("2026-11-21"), civil(2026, 11, 21));
  EXPECT_EQ(parse_time("2026-11-21T04:36Z"), civil(2026, 11, 21, 4h, 36min));
  EXPECT_EQ(parse_time("2026-11-21T04:36:53Z"), civil(2026, 11, 21, 4h, 36min, 53s));
  EXPECT_EQ(parse_time("2026-11-21 04:36:53Z"), civil(2026, 11, 21, 4h, 36min, 53s));
  EXPECT_EQ(parse_time("2026-11-21T04:36:53+00:00"), civil(2026, 11, 21, 4h, 36min, 53s));
  // A fraction keeps nanosecond precision; digits beyond the 9th are ignored.
  EXPECT_EQ(parse_time("2026-11-21T04:36:53.5Z"), civil(2026, 11, 21, 4h, 36min, 53s, 500ms));
  EXPECT_EQ(parse_time("2026-11-21T04:36:53.123456789Z"), civil(2026, 11, 21, 4h, 36min, 53s, 123'456'789ns));
  EXPECT_EQ(parse_time("2026-11-21T04:36:53.1234567891Z"), civil(2026, 11, 21, 4h, 36min, 53s, 123'456'789ns));
  EXPECT_EQ(parse_time("2024-02-29T00:00:00Z"), civil(2024, 2, 29));
}

TEST(TimeParse, EpochMilliseconds) {
  EXPECT_EQ(parse_time("0"), Timestamp{});
  EXPECT_EQ(parse_time("1700000000123"), Timestamp(1'700'000'000'123ms));
  EXPECT_EQ(parse_time("-1000"), Timestamp(-1s));
  EXPECT_EQ(epoch_ms(*parse_time("1700000000123")), 1'700'000'000'123);
  EXPECT_FALSE(parse_time("12x"));
  EXPECT_FALSE(parse_time("1.5"));
}

TEST(TimeParse, RejectsInvalidDatesAndTimes) {
  for (const char* text : {
           "",
           "abc",
           "2026-02-30T00:00:00Z",       // no Feb 30
           "2025-02-29T00:00:00Z",       // 2025 is not a leap year
           "2026-13-01T00:00:00Z",       // month 13
           "2026-00-10T00:00:00Z",       // month 0
           "2026-04-31T00:00:00Z",       // April has 30 days
           "2026-11-21T24:00:00Z",       // hour 24
           "2026-11-21T04:60:00Z",       // minute 60
           "2026-11-21T04:36:61Z",       // second 61
           "2026-11-21T04:36:53",        // no zone
           "2026-11-21T04:36:53+01:00",  // only UTC is accepted
           "2026-11-21T04:36:53.Z",      // empty fraction
           "2026-11-21T04:36:53Zjunk",
           "2026-1-21T04:36:53Z",  // one-digit month
           "2026-11-21T4:36:53Z",  // one-digit hour
           "2026/11/21",
       }) {
    EXPECT_FALSE(parse_time(text)) << '"' << text << '"';
  }
}

TEST(TimeParse, RejectsNegativeTimeFields) {
  // Regression (was a bug): src/core/time.cpp take_int() uses std::from_chars, which accepts a leading '-',
  // and parse_time() only checks h > 23 / mi > 59 / sec > 60, never < 0. So
  // "2026-11-21T-1:00:00Z" parses as 2026-11-20T23:00:00Z instead of being rejected.
  EXPECT_FALSE(parse_time("2026-11-21T-1:00:00Z"));
  EXPECT_FALSE(parse_time("2026-11-21T04:-1:00Z"));
  EXPECT_FALSE(parse_time("2026-11-21T04:36:-1Z"));
}

TEST(TimeParse, RejectsEpochMillisecondsOutsideTheTimestampRange) {
  // Regression (was a bug): src/core/time.cpp parse_time() passes any int64 to from_epoch_ms(), whose
  // milliseconds -> nanoseconds conversion overflows int64 for |ms| > ~9.22e12 (after
  // 2262-04-11): signed overflow (UB; UBSan aborts the process) on client input such as
  // "?from=9223372036854775807".
  EXPECT_FALSE(parse_time("9223372036854775807"));
  EXPECT_FALSE(parse_time("-9223372036854775808"));
}

TEST(TimeFloor, AlignsToPeriodBoundaries) {
  const auto t = civil(2026, 11, 21, 4h, 36min, 53s, 930ms);
  EXPECT_EQ(floor_to(t, 1min), civil(2026, 11, 21, 4h, 36min));
  EXPECT_EQ(floor_to(t, 5min), civil(2026, 11, 21, 4h, 35min));
  EXPECT_EQ(floor_to(t, 1h), civil(2026, 11, 21, 4h));
  EXPECT_EQ(floor_to(t, 24h), civil(2026, 11, 21));
  // Already aligned stays put.
  EXPECT_EQ(floor_to(civil(2026, 11, 21, 4h, 36min), 1min), civil(2026, 11, 21, 4h, 36min));
}

TEST(TimeFloor, NegativeTimesFloorTowardsThePast) {
  // Truncating division would map -1ns to 0; the period containing -1ns starts at -60s.
  EXPECT_EQ(floor_to(Timestamp(-1ns), 1min), Timestamp(-60s));
  EXPECT_EQ(floor_to(Timestamp(-60s), 1min), Timestamp(-60s));
  EXPECT_EQ(floor_to(Timestamp(-61s), 1min), Timestamp(-120s));
  EXPECT_EQ(floor_to(Timestamp(-59s), 1min), Timestamp(-60s));

  std::mt19937_64 rng(5);
  std::uniform_int_distribution<std::int64_t> ns(-4'000'000'000'000'000'000, 4'000'000'000'000'000'000);
  for (int i = 0; i < 10'000; ++i) {
    const Timestamp x{nanoseconds(ns(rng))};
    const auto f = floor_to(x, 1min);
    // Same contract via <chrono>'s own floor: aligned, not after x, less than a period before.
    ASSERT_EQ(f, time_point_cast<nanoseconds>(floor<minutes>(x)));
    ASSERT_LE(f, x);
    ASSERT_LT(x - f, 1min);
  }
}

// #11 item 10: ISO times are range-checked like epoch milliseconds; a date after 2262 used to
// wrap (?since=2262-04-12 listed every trade, start=9999-12-31 returned the oldest bars).
TEST(TimeParse, RejectsIsoTimesOutsideTheTimestampRange) {
  EXPECT_FALSE(parse_time("2262-04-12T00:00:00Z"));
  EXPECT_FALSE(parse_time("9999-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_time("9999-12-31"));
  EXPECT_FALSE(parse_time("0001-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_time("1600-01-01"));
  // The same bounds as epoch milliseconds: +-9e12 ms (1684-10-19T08:00Z .. 2255-03-14T16:00Z).
  ASSERT_TRUE(parse_time("2255-03-14T16:00:00Z"));
  EXPECT_EQ(epoch_ms(*parse_time("2255-03-14T16:00:00Z")), 9'000'000'000'000);
  EXPECT_FALSE(parse_time("2255-03-14T16:00:01Z"));
  ASSERT_TRUE(parse_time("1684-10-19T08:00:00Z"));
  EXPECT_EQ(epoch_ms(*parse_time("1684-10-19T08:00:00Z")), -9'000'000'000'000);
  EXPECT_FALSE(parse_time("1684-10-19T07:59:59Z"));
  EXPECT_TRUE(parse_time("9000000000000"));
  EXPECT_FALSE(parse_time("9000000000001"));
  ASSERT_TRUE(parse_time("2026-12-04T15:00:00Z"));
}
