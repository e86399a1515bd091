// Venue calendars: session boundaries (open inclusive, close exclusive), weekends and
// holidays in venue-local days, the US daylight-saving switches, next open/close across
// weekends and holidays, crypto always open, holiday parsing, and the cached SessionGate
// agreeing with the calendar.
#include "meridian/market/calendar.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace meridian::market {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using core::Timestamp;

Timestamp at(std::string_view iso) {
  const auto t = core::parse_time(iso);
  if (!t) throw std::invalid_argument("bad test time " + std::string(iso));
  return *t;
}

sys_days date(int y, unsigned m, unsigned d) {
  return sys_days{year{y} / month{m} / day{d}};
}

constexpr core::Duration kNs{1};

TEST(Venue, NamesRoundTripCaseInsensitively) {
  for (auto v : {Venue::crypto, Venue::nse, Venue::nyse}) EXPECT_EQ(parse_venue(to_string(v)), v);
  EXPECT_EQ(parse_venue("NSE"), Venue::nse);
  EXPECT_EQ(parse_venue("Nyse"), Venue::nyse);
  EXPECT_EQ(parse_venue("lse"), std::nullopt);
  EXPECT_EQ(parse_venue(""), std::nullopt);
  EXPECT_EQ(parse_venue("nysex"), std::nullopt);
  EXPECT_EQ(to_string(SessionState::open), "open");
  EXPECT_EQ(to_string(SessionState::closed), "closed");
  EXPECT_EQ(to_string(SessionState::holiday), "holiday");
  EXPECT_EQ(to_string(SessionState::weekend), "weekend");
}

TEST(Calendar, CryptoIsAlwaysOpenAndHasNoHolidays) {
  Calendars cal;
  EXPECT_FALSE(cal.add_holiday(Venue::crypto, date(2026, 1, 1)));
  EXPECT_TRUE(cal.holidays(Venue::crypto).empty());
  // A Saturday, a Sunday night, New Year, a DST switch instant, a weekday.
  for (auto iso : {"2026-04-04T12:00:00Z", "2026-04-05T23:59:59Z", "2026-01-01T00:00:00Z", "2026-03-08T07:00:00Z",
                   "2026-04-01T03:00:00Z"}) {
    const auto t = at(iso);
    EXPECT_TRUE(cal.is_open(Venue::crypto, t)) << iso;
    EXPECT_EQ(cal.state(Venue::crypto, t), SessionState::open) << iso;
    EXPECT_EQ(cal.session(Venue::crypto, t), std::nullopt) << iso;
    EXPECT_EQ(cal.next_open(Venue::crypto, t), std::nullopt) << iso;
    EXPECT_EQ(cal.next_close(Venue::crypto, t), std::nullopt) << iso;
  }
}

// NYSE in summer time (EDT, UTC-4): 09:30-16:00 local is 13:30-20:00 UTC.
TEST(Calendar, NyseSummerBoundariesOpenInclusiveCloseExclusive) {
  const Calendars cal;
  const auto open = at("2026-04-01T13:30:00Z");  // a Wednesday
  const auto close = at("2026-04-01T20:00:00Z");
  EXPECT_FALSE(cal.is_open(Venue::nyse, open - kNs));
  EXPECT_EQ(cal.state(Venue::nyse, open - kNs), SessionState::closed);
  EXPECT_TRUE(cal.is_open(Venue::nyse, open));
  EXPECT_EQ(cal.state(Venue::nyse, open), SessionState::open);
  EXPECT_TRUE(cal.is_open(Venue::nyse, close - kNs));
  EXPECT_FALSE(cal.is_open(Venue::nyse, close));
  EXPECT_EQ(cal.state(Venue::nyse, close), SessionState::closed);
  const SessionWindow expected{open, close};
  EXPECT_EQ(cal.session(Venue::nyse, open - 3h), expected);  // before: the coming session
  EXPECT_EQ(cal.session(Venue::nyse, open + 1h), expected);  // during: this one
}

// NYSE in winter (EST, UTC-5): 14:30-21:00 UTC.
TEST(Calendar, NyseWinterBoundaries) {
  const Calendars cal;
  const auto open = at("2026-01-07T14:30:00Z");  // a Wednesday
  const auto close = at("2026-01-07T21:00:00Z");
  EXPECT_FALSE(cal.is_open(Venue::nyse, open - kNs));
  EXPECT_TRUE(cal.is_open(Venue::nyse, open));
  EXPECT_TRUE(cal.is_open(Venue::nyse, close - kNs));
  EXPECT_FALSE(cal.is_open(Venue::nyse, close));
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2026-01-07T13:30:00Z")));  // the summer open is an hour early
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-01-07T20:30:00Z")));   // the summer close is an hour early
}

// NSE: 09:15-15:30 IST (UTC+05:30 all year) is 03:45-10:00 UTC, summer and winter alike.
TEST(Calendar, NseBoundariesWithoutDaylightSaving) {
  const Calendars cal;
  for (auto day : {"2026-01-07", "2026-07-08"}) {  // Wednesdays
    const auto open = at(std::string(day) + "T03:45:00Z");
    const auto close = at(std::string(day) + "T10:00:00Z");
    EXPECT_FALSE(cal.is_open(Venue::nse, open - kNs)) << day;
    EXPECT_TRUE(cal.is_open(Venue::nse, open)) << day;
    EXPECT_TRUE(cal.is_open(Venue::nse, close - kNs)) << day;
    EXPECT_FALSE(cal.is_open(Venue::nse, close)) << day;
    EXPECT_EQ(cal.state(Venue::nse, close), SessionState::closed) << day;
    EXPECT_EQ(cal.next_close(Venue::nse, open), close) << day;
  }
}

// Weekends are venue-local days: Friday night in New York is already Saturday in UTC.
TEST(Calendar, WeekendsFollowTheLocalDate) {
  const Calendars cal;
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-04-03T21:00:00Z")), SessionState::closed);   // Fri 17:00 EDT
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-04-04T03:59:59Z")), SessionState::closed);   // Fri 23:59:59 EDT
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-04-04T04:00:00Z")), SessionState::weekend);  // Sat 00:00 EDT
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-04-05T15:00:00Z")), SessionState::weekend);  // Sunday midday
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2026-04-05T15:00:00Z")));
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-04-06T04:00:00Z")), SessionState::closed);  // Mon 00:00 EDT

  EXPECT_EQ(cal.state(Venue::nse, at("2026-04-03T18:29:59Z")), SessionState::closed);   // Fri 23:59:59 IST
  EXPECT_EQ(cal.state(Venue::nse, at("2026-04-03T18:30:00Z")), SessionState::weekend);  // Sat 00:00 IST
  EXPECT_EQ(cal.state(Venue::nse, at("2026-04-05T18:29:59Z")), SessionState::weekend);  // Sun 23:59:59 IST
  EXPECT_EQ(cal.state(Venue::nse, at("2026-04-05T18:30:00Z")), SessionState::closed);   // Mon 00:00 IST
  EXPECT_FALSE(cal.is_open(Venue::nse, at("2026-04-04T05:00:00Z")));                    // Saturday within the hours
}

TEST(Calendar, HolidayClosesTheWholeLocalDayOfItsVenueOnly) {
  Calendars cal;
  ASSERT_TRUE(cal.add_holiday(Venue::nse, date(2026, 1, 26)));  // Republic Day, a Monday
  const auto midday = at("2026-01-26T06:00:00Z");               // 11:30 IST
  EXPECT_FALSE(cal.is_open(Venue::nse, midday));
  EXPECT_EQ(cal.state(Venue::nse, midday), SessionState::holiday);
  EXPECT_EQ(cal.state(Venue::nse, at("2026-01-25T18:30:00Z")), SessionState::holiday);  // 00:00 IST
  EXPECT_EQ(cal.state(Venue::nse, at("2026-01-26T18:30:00Z")), SessionState::closed);   // Tue 00:00 IST
  EXPECT_TRUE(cal.is_open(Venue::nse, at("2026-01-27T06:00:00Z")));
  // NYSE trades that day.
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-01-26T15:00:00Z")));
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-01-26T15:00:00Z")), SessionState::open);
}

TEST(Calendar, HolidayOnAWeekendIsAWeekend) {
  Calendars cal;
  cal.add_holiday(Venue::nyse, date(2026, 4, 4));  // a Saturday
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-04-04T15:00:00Z")), SessionState::weekend);
}

TEST(Calendar, HolidaysAreKeptSortedAndOnce) {
  Calendars cal;
  cal.add_holiday(Venue::nyse, date(2026, 12, 25));
  cal.add_holiday(Venue::nyse, date(2026, 1, 1));
  cal.add_holiday(Venue::nyse, date(2026, 12, 25));
  cal.add_holiday(Holiday{Venue::nyse, date(2026, 7, 3)});
  const auto list = cal.holidays(Venue::nyse);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], date(2026, 1, 1));
  EXPECT_EQ(list[1], date(2026, 7, 3));
  EXPECT_EQ(list[2], date(2026, 12, 25));
  EXPECT_TRUE(cal.holidays(Venue::nse).empty());
}

TEST(Calendar, NextOpenAcrossAWeekend) {
  const Calendars cal;
  const auto monday_open = at("2026-04-06T13:30:00Z");
  EXPECT_EQ(cal.next_open(Venue::nyse, at("2026-04-03T20:00:00Z")), monday_open);  // Friday's close
  EXPECT_EQ(cal.next_open(Venue::nyse, at("2026-04-05T12:00:00Z")), monday_open);  // Sunday
  EXPECT_EQ(cal.next_close(Venue::nyse, at("2026-04-05T12:00:00Z")), at("2026-04-06T20:00:00Z"));
  EXPECT_EQ(cal.next_open(Venue::nse, at("2026-04-03T10:00:00Z")), at("2026-04-06T03:45:00Z"));
}

TEST(Calendar, NextOpenAcrossAWeekendAndAHoliday) {
  Calendars cal;
  cal.add_holiday(Venue::nse, date(2026, 1, 26));
  // From Friday's close over the weekend and Monday's holiday to Tuesday's open.
  EXPECT_EQ(cal.next_open(Venue::nse, at("2026-01-23T10:00:00Z")), at("2026-01-27T03:45:00Z"));
  EXPECT_EQ(cal.next_close(Venue::nse, at("2026-01-23T10:00:00Z")), at("2026-01-27T10:00:00Z"));
  // A whole week of holidays after a weekend.
  for (unsigned d = 26; d <= 30; ++d) cal.add_holiday(Venue::nse, date(2026, 1, d));
  EXPECT_EQ(cal.next_open(Venue::nse, at("2026-01-23T10:00:00Z")), at("2026-02-02T03:45:00Z"));
}

TEST(Calendar, NextOpenIsStrictlyAfterWhileOpen) {
  const Calendars cal;
  const auto open = at("2026-04-01T13:30:00Z");
  // At the open instant and during the session: the following session's open.
  EXPECT_EQ(cal.next_open(Venue::nyse, open), at("2026-04-02T13:30:00Z"));
  EXPECT_EQ(cal.next_open(Venue::nyse, open + 3h), at("2026-04-02T13:30:00Z"));
  EXPECT_EQ(cal.next_close(Venue::nyse, open + 3h), at("2026-04-01T20:00:00Z"));
  // A nanosecond before: this session.
  EXPECT_EQ(cal.next_open(Venue::nyse, open - kNs), open);
  // At the close: the next close is tomorrow's.
  EXPECT_EQ(cal.next_close(Venue::nyse, at("2026-04-01T20:00:00Z")), at("2026-04-02T20:00:00Z"));
}

// 2026-03-08: clocks go from 02:00 EST to 03:00 EDT. Friday trades on EST, Monday on EDT.
TEST(Calendar, NyseAcrossTheMarchDaylightSavingSwitch) {
  const Calendars cal;
  EXPECT_EQ(cal.session(Venue::nyse, at("2026-03-06T12:00:00Z")),
            (SessionWindow{at("2026-03-06T14:30:00Z"), at("2026-03-06T21:00:00Z")}));
  EXPECT_EQ(cal.next_open(Venue::nyse, at("2026-03-06T21:00:00Z")), at("2026-03-09T13:30:00Z"));
  EXPECT_EQ(cal.next_close(Venue::nyse, at("2026-03-06T21:00:00Z")), at("2026-03-09T20:00:00Z"));
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-03-09T13:30:00Z")));
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2026-03-09T20:00:00Z")));
  // The switch day itself is a Sunday on both sides of 02:00.
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-03-08T06:59:59Z")), SessionState::weekend);  // 01:59:59 EST
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-03-08T07:00:00Z")), SessionState::weekend);  // 03:00 EDT
  // Local midnight Sunday -> Monday is 04:00 UTC once daylight time applies (05:00 before).
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-03-09T03:59:59Z")), SessionState::weekend);
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-03-09T04:00:00Z")), SessionState::closed);
  // ...while Saturday began at 05:00 UTC, still on standard time.
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-03-07T04:59:59Z")), SessionState::closed);
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-03-07T05:00:00Z")), SessionState::weekend);
}

// 2026-11-01: clocks go from 02:00 EDT back to 01:00 EST. Friday trades on EDT, Monday on EST.
TEST(Calendar, NyseAcrossTheNovemberDaylightSavingSwitch) {
  const Calendars cal;
  EXPECT_EQ(cal.session(Venue::nyse, at("2026-10-30T12:00:00Z")),
            (SessionWindow{at("2026-10-30T13:30:00Z"), at("2026-10-30T20:00:00Z")}));
  EXPECT_EQ(cal.next_open(Venue::nyse, at("2026-10-30T20:00:00Z")), at("2026-11-02T14:30:00Z"));
  EXPECT_EQ(cal.next_close(Venue::nyse, at("2026-11-01T12:00:00Z")), at("2026-11-02T21:00:00Z"));
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2026-11-02T14:29:59Z")));
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-11-02T14:30:00Z")));
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-11-02T20:59:59Z")));
  // Saturday began at 04:00 UTC (EDT); Monday begins at 05:00 UTC (EST).
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-10-31T03:59:59Z")), SessionState::closed);
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-10-31T04:00:00Z")), SessionState::weekend);
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-11-01T05:59:59Z")), SessionState::weekend);  // 01:59:59 EDT
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-11-01T06:00:00Z")), SessionState::weekend);  // 01:00 EST
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-11-02T04:59:59Z")), SessionState::weekend);
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-11-02T05:00:00Z")), SessionState::closed);
}

// Before 2007 US daylight time ran from the first Sunday of April to the last of October.
TEST(Calendar, NyseUsesTheDaylightRuleOfItsYear) {
  const Calendars cal;
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2006-03-20T14:30:00Z")));  // third Monday of March: EST
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2006-03-20T13:30:00Z")));
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2006-04-03T13:30:00Z")));  // after the first Sunday of April: EDT
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2006-10-27T13:30:00Z")));  // Friday before the last Sunday of October
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2006-10-30T14:30:00Z")));  // Monday after: EST
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2006-10-30T13:30:00Z")));
  // The same weeks in 2026 are on daylight time.
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-03-16T13:30:00Z")));
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-10-26T13:30:00Z")));
}

TEST(Holiday, ParsesVenueAndDate) {
  std::string error;
  auto h = parse_holiday("NSE=2026-01-26", error);
  ASSERT_TRUE(h) << error;
  EXPECT_EQ(h->venue, Venue::nse);
  EXPECT_EQ(h->date, date(2026, 1, 26));
  h = parse_holiday("nyse=2026-12-25", error);
  ASSERT_TRUE(h) << error;
  EXPECT_EQ(h->venue, Venue::nyse);
  EXPECT_EQ(h->date, date(2026, 12, 25));
}

TEST(Holiday, RejectsBadInputWithAReason) {
  for (auto bad :
       {"2026-01-26", "=2026-01-26", "lse=2026-01-26", "crypto=2026-01-01", "nse=", "nse=2026-1-26", "nse=2026-02-30",
        "nse=2026-13-01", "nse=2026-01-26x", "nse=+026-01-26", "nse=2026/01/26", "nse= 2026-01-26"}) {
    std::string error;
    EXPECT_EQ(parse_holiday(bad, error), std::nullopt) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

// The cached gate answers exactly what the calendar answers, minute by minute over two weeks
// with a weekend, a holiday and the March DST switch, and after jumps back in time.
TEST(SessionGate, AgreesWithTheCalendar) {
  Calendars cal;
  cal.add_holiday(Venue::nyse, date(2026, 3, 11));
  cal.add_holiday(Venue::nse, date(2026, 3, 4));
  SessionGate gates[kVenueCount];
  const auto start = at("2026-03-02T00:00:00Z");
  for (auto t = start; t < start + days{14}; t += 1min)
    for (auto v : {Venue::crypto, Venue::nse, Venue::nyse})
      ASSERT_EQ(gates[static_cast<std::size_t>(v)].open_at(cal, v, t), cal.is_open(v, t))
          << to_string(v) << " at " << core::to_iso8601(t);
  for (auto iso : {"2026-03-09T13:30:00Z", "2026-03-06T14:29:59Z", "2026-03-11T15:00:00Z", "2026-03-04T05:00:00Z",
                   "2026-03-05T05:00:00Z", "2026-03-02T20:59:00Z"}) {
    const auto t = at(iso);
    for (auto v : {Venue::nse, Venue::nyse})
      EXPECT_EQ(gates[static_cast<std::size_t>(v)].open_at(cal, v, t), cal.is_open(v, t)) << to_string(v) << iso;
  }
}

// An hour bar trades if any part of it is in the session (NYSE opens at 09:30 local).
TEST(SessionGate, OpenDuringAnIntervalOverlappingTheSession) {
  const Calendars cal;
  SessionGate gate;
  EXPECT_TRUE(gate.open_during(cal, Venue::nyse, at("2026-04-01T13:00:00Z"), at("2026-04-01T14:00:00Z")));
  EXPECT_FALSE(gate.open_during(cal, Venue::nyse, at("2026-04-01T12:00:00Z"), at("2026-04-01T13:00:00Z")));
  EXPECT_FALSE(gate.open_during(cal, Venue::nyse, at("2026-04-01T12:30:00Z"), at("2026-04-01T13:30:00Z")));
  EXPECT_TRUE(gate.open_during(cal, Venue::nyse, at("2026-04-01T19:00:00Z"), at("2026-04-01T20:00:00Z")));
  EXPECT_FALSE(gate.open_during(cal, Venue::nyse, at("2026-04-01T20:00:00Z"), at("2026-04-01T21:00:00Z")));
  EXPECT_TRUE(gate.open_during(cal, Venue::crypto, at("2026-04-04T20:00:00Z"), at("2026-04-04T21:00:00Z")));
}

}  // namespace
}  // namespace meridian::market
