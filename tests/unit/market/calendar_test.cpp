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
  const Calendars cal;
  EXPECT_EQ(cal.size(), 3u);
  for (auto v : {Venue::crypto, Venue::nse, Venue::nyse}) EXPECT_EQ(cal.find(cal.name(v)), v);
  EXPECT_EQ(cal.name(Venue::nyse), "nyse");
  EXPECT_EQ(cal.find("NSE"), Venue::nse);
  EXPECT_EQ(cal.find("Nyse"), Venue::nyse);
  EXPECT_EQ(cal.find("lse"), std::nullopt);
  EXPECT_EQ(cal.find(""), std::nullopt);
  EXPECT_EQ(cal.find("nysex"), std::nullopt);
  EXPECT_EQ(cal.name(static_cast<Venue>(7)), "?");
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
  std::string error;
  EXPECT_TRUE(cal.add(Holiday{"NYSE", date(2026, 7, 3)}, error)) << error;
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
  EXPECT_EQ(h->venue, "nse");
  EXPECT_EQ(h->date, date(2026, 1, 26));
  h = parse_holiday("nyse=2026-12-25", error);
  ASSERT_TRUE(h) << error;
  EXPECT_EQ(h->venue, "nyse");
  EXPECT_EQ(h->date, date(2026, 12, 25));
}

TEST(Holiday, RejectsBadInputWithAReason) {
  for (auto bad : {"2026-01-26", "=2026-01-26", "nse=", "nse=2026-1-26", "nse=2026-02-30", "nse=2026-13-01",
                   "nse=2026-01-26x", "nse=+026-01-26", "nse=2026/01/26", "nse= 2026-01-26", "n se=2026-01-26"}) {
    std::string error;
    EXPECT_EQ(parse_holiday(bad, error), std::nullopt) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

// The syntax is checked when parsed, the venue when the holiday is added to the calendars.
TEST(Holiday, UnknownVenueOrCryptoIsRefusedWhenAdded) {
  Calendars cal;
  for (auto text : {"lse=2026-01-26", "crypto=2026-01-01"}) {
    std::string error;
    const auto h = parse_holiday(text, error);
    ASSERT_TRUE(h) << error;
    EXPECT_FALSE(cal.add(*h, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

// --- Venues from configuration ------------------------------------------------------------

Venue add(Calendars& cal, std::string_view spec_text) {
  std::string error;
  const auto spec = parse_venue_spec(spec_text, error);
  if (!spec) throw std::invalid_argument(error);
  const auto venue = cal.add_venue(*spec, error);
  if (!venue) throw std::invalid_argument(error);
  return *venue;
}

TEST(VenueSpec, ParsesNameZoneHoursAndWeekend) {
  std::string error;
  auto spec = parse_venue_spec("LSE=Europe/London,08:00-16:30", error);
  ASSERT_TRUE(spec) << error;
  EXPECT_EQ(spec->name, "lse");
  EXPECT_EQ(spec->zone, "Europe/London");
  EXPECT_EQ(spec->open, 8h);
  EXPECT_EQ(spec->close, 16h + 30min);
  EXPECT_EQ(unsigned{spec->weekend}, (1u << 6) | 1u);  // Saturday, Sunday
  spec = parse_venue_spec("tadawul=Asia/Riyadh,10:00-15:00,fri+sat", error);
  ASSERT_TRUE(spec) << error;
  EXPECT_EQ(unsigned{spec->weekend}, (1u << 5) | (1u << 6));
  spec = parse_venue_spec("allweek=Asia/Tokyo,00:00-24:00,none", error);
  ASSERT_TRUE(spec) << error;
  EXPECT_EQ(unsigned{spec->weekend}, 0u);
  EXPECT_EQ(spec->close, 24h);
}

TEST(VenueSpec, RejectsBadInputWithAReason) {
  for (auto bad :
       {"lse", "lse=Europe/London", "=Europe/London,08:00-16:30", "lse=,08:00-16:30", "lse=Europe/London,8:00-16:30",
        "lse=Europe/London,16:30-08:00", "lse=Europe/London,08:00-08:00", "lse=Europe/London,08:00-24:01",
        "lse=Europe/London,08:00", "lse=Europe/London,08:60-16:30", "lse=Europe/London,08:00-16:30,",
        "lse=Europe/London,08:00-16:30,sat+", "lse=Europe/London,08:00-16:30,saturday",
        "lse=Europe/London,08:00-16:30,sun+mon+tue+wed+thu+fri+sat", "l se=Europe/London,08:00-16:30"}) {
    std::string error;
    EXPECT_EQ(parse_venue_spec(bad, error), std::nullopt) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

// A zone the tz database lacks is refused when the venue is added, with the name in the error.
TEST(VenueSpec, UnknownZoneIsRefusedNotACrash) {
  Calendars cal;
  for (auto text :
       {"lse=Europe/Londn,08:00-16:30", "mars=Mars/Olympus,08:00-16:30", "x=../../etc/passwd,08:00-16:30"}) {
    std::string error;
    const auto spec = parse_venue_spec(text, error);
    ASSERT_TRUE(spec) << error;
    EXPECT_EQ(cal.add_venue(*spec, error), std::nullopt) << text;
    EXPECT_NE(error.find(spec->zone), std::string::npos) << error;
  }
  std::string error;
  EXPECT_EQ(cal.add_venue(VenueSpec{"crypto", "UTC", 0h, 24h}, error), std::nullopt);
  EXPECT_EQ(cal.size(), 3u);
}

TEST(VenueSpec, AddedVenuesTakeTheNextNumbersUpToTheLimit) {
  Calendars cal;
  EXPECT_EQ(add(cal, "lse=Europe/London,08:00-16:30"), static_cast<Venue>(3));
  EXPECT_EQ(add(cal, "tse=Asia/Tokyo,09:00-15:30"), static_cast<Venue>(4));
  EXPECT_EQ(cal.find("LSE"), static_cast<Venue>(3));
  EXPECT_EQ(cal.name(static_cast<Venue>(4)), "tse");
  for (std::size_t i = cal.size(); i < kMaxVenues; ++i) add(cal, "v" + std::to_string(i) + "=UTC,09:00-17:00");
  EXPECT_THROW(add(cal, "onetoomany=UTC,09:00-17:00"), std::invalid_argument);
  EXPECT_EQ(cal.size(), kMaxVenues);
}

// LSE 08:00-16:30 Europe/London: GMT (UTC+0) in winter, BST (UTC+1) from the last Sunday of
// March 01:00 UTC to the last Sunday of October 01:00 UTC.
TEST(Calendar, LondonAcrossItsDaylightSavingSwitches) {
  Calendars cal;
  const auto lse = add(cal, "lse=Europe/London,08:00-16:30");
  EXPECT_EQ(cal.session(lse, at("2026-03-27T12:00:00Z")),
            (SessionWindow{at("2026-03-27T08:00:00Z"), at("2026-03-27T16:30:00Z")}));     // Friday, GMT
  EXPECT_EQ(cal.next_open(lse, at("2026-03-27T16:30:00Z")), at("2026-03-30T07:00:00Z"));  // Monday, BST
  EXPECT_FALSE(cal.is_open(lse, at("2026-03-30T06:59:59Z")));
  EXPECT_TRUE(cal.is_open(lse, at("2026-03-30T07:00:00Z")));
  EXPECT_TRUE(cal.is_open(lse, at("2026-03-30T15:29:59Z")));
  EXPECT_FALSE(cal.is_open(lse, at("2026-03-30T15:30:00Z")));
  // Local days: Sunday 23:00 UTC is already Monday 00:00 BST.
  EXPECT_EQ(cal.state(lse, at("2026-03-29T22:59:59Z")), SessionState::weekend);
  EXPECT_EQ(cal.state(lse, at("2026-03-29T23:00:00Z")), SessionState::closed);
  // Autumn: Friday on BST, Monday on GMT again.
  EXPECT_EQ(cal.session(lse, at("2026-10-23T12:00:00Z")),
            (SessionWindow{at("2026-10-23T07:00:00Z"), at("2026-10-23T15:30:00Z")}));
  EXPECT_EQ(cal.next_open(lse, at("2026-10-23T15:30:00Z")), at("2026-10-26T08:00:00Z"));
  EXPECT_EQ(cal.next_close(lse, at("2026-10-25T12:00:00Z")), at("2026-10-26T16:30:00Z"));
  EXPECT_EQ(cal.state(lse, at("2026-10-25T23:59:59Z")), SessionState::weekend);  // Sunday 23:59:59 GMT
  EXPECT_EQ(cal.state(lse, at("2026-10-26T00:00:00Z")), SessionState::closed);
}

// Half days: the session ends at the early close; the days around it are regular.
TEST(Calendar, EarlyCloseEndsTheSessionEarly) {
  Calendars cal;
  const auto lse = add(cal, "lse=Europe/London,08:00-16:30");
  std::string error;
  const auto christmas_eve = parse_early_close("LSE=2026-12-24T12:30", error);
  ASSERT_TRUE(christmas_eve) << error;
  EXPECT_EQ(christmas_eve->venue, "lse");
  EXPECT_EQ(christmas_eve->close, 12h + 30min);
  ASSERT_TRUE(cal.add(*christmas_eve, error)) << error;
  EXPECT_EQ(cal.session(lse, at("2026-12-24T09:00:00Z")),
            (SessionWindow{at("2026-12-24T08:00:00Z"), at("2026-12-24T12:30:00Z")}));
  EXPECT_TRUE(cal.is_open(lse, at("2026-12-24T12:29:59Z")));
  EXPECT_FALSE(cal.is_open(lse, at("2026-12-24T12:30:00Z")));
  EXPECT_EQ(cal.state(lse, at("2026-12-24T14:00:00Z")), SessionState::closed);
  EXPECT_EQ(cal.next_close(lse, at("2026-12-23T09:00:00Z")), at("2026-12-23T16:30:00Z"));
  EXPECT_EQ(cal.next_close(lse, at("2026-12-24T07:00:00Z")), at("2026-12-24T12:30:00Z"));
  // NYSE's day after Thanksgiving: 13:00 EST.
  ASSERT_TRUE(cal.add(EarlyClose{"nyse", date(2026, 11, 27), 13h}, error)) << error;
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-11-27T17:59:59Z")));
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2026-11-27T18:00:00Z")));
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-11-30T20:59:59Z")));  // the Monday after: regular
  // A later entry for the date replaces the earlier one.
  ASSERT_TRUE(cal.add(EarlyClose{"nyse", date(2026, 11, 27), 12h}, error)) << error;
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2026-11-27T17:00:00Z")));
}

TEST(Calendar, EarlyCloseOutsideTheSessionOrOfAnUnknownVenueIsRefused) {
  Calendars cal;
  std::string error;
  EXPECT_FALSE(cal.add(EarlyClose{"nyse", date(2026, 11, 27), 9h + 30min}, error));  // at the open
  EXPECT_FALSE(cal.add(EarlyClose{"nyse", date(2026, 11, 27), 16h}, error));         // the regular close
  EXPECT_FALSE(cal.add(EarlyClose{"nyse", date(2026, 11, 27), 17h}, error));
  EXPECT_FALSE(cal.add(EarlyClose{"lse", date(2026, 12, 24), 12h}, error));
  EXPECT_NE(error.find("lse"), std::string::npos);
  EXPECT_FALSE(cal.add(EarlyClose{"crypto", date(2026, 12, 24), 12h}, error));
  for (auto bad : {"nyse=2026-11-27", "nyse=2026-11-27T25:00", "nyse=2026-11-27 13:00", "nyse=2026-11-31T13:00",
                   "=2026-11-27T13:00", "nyse=2026-11-27T13:00:00"}) {
    EXPECT_EQ(parse_early_close(bad, error), std::nullopt) << bad;
  }
}

// TSE (Asia/Tokyo, UTC+9, no DST) and a Friday-Saturday weekend (Tadawul, Asia/Riyadh).
TEST(Calendar, TokyoAndAnotherWeekend) {
  Calendars cal;
  const auto tse = add(cal, "tse=Asia/Tokyo,09:00-15:30");
  EXPECT_EQ(cal.session(tse, at("2026-04-05T12:00:00Z")),  // Sunday UTC noon: Sunday 21:00 JST
            (SessionWindow{at("2026-04-06T00:00:00Z"), at("2026-04-06T06:30:00Z")}));
  EXPECT_EQ(cal.state(tse, at("2026-04-05T15:00:00Z")), SessionState::closed);   // Monday 00:00 JST
  EXPECT_EQ(cal.state(tse, at("2026-04-03T15:00:00Z")), SessionState::weekend);  // Saturday 00:00 JST
  const auto tadawul = add(cal, "tadawul=Asia/Riyadh,10:00-15:00,fri+sat");
  EXPECT_TRUE(cal.is_open(tadawul, at("2026-04-05T07:00:00Z")));                     // Sunday 10:00 AST
  EXPECT_EQ(cal.state(tadawul, at("2026-04-03T08:00:00Z")), SessionState::weekend);  // Friday
  EXPECT_EQ(cal.next_open(tadawul, at("2026-04-02T12:00:00Z")), at("2026-04-05T07:00:00Z"));
}

// Redefining a built-in keeps its holidays; the other venues are untouched.
TEST(Calendar, RedefiningABuiltInKeepsItsHolidays) {
  Calendars cal;
  cal.add_holiday(Venue::nyse, date(2026, 4, 1));
  EXPECT_EQ(add(cal, "NYSE=America/Chicago,08:30-15:00"), Venue::nyse);
  EXPECT_EQ(cal.size(), 3u);
  EXPECT_EQ(cal.state(Venue::nyse, at("2026-04-01T15:00:00Z")), SessionState::holiday);
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2026-04-02T13:30:00Z")));   // 08:30 CDT
  EXPECT_FALSE(cal.is_open(Venue::nyse, at("2026-04-02T20:00:00Z")));  // 15:00 CDT
}

// The zoneinfo files end their transitions in 2037; the US and UK rules carry on past it.
TEST(Calendar, DaylightSavingCarriesOnPast2037) {
  Calendars cal;
  const auto lse = add(cal, "lse=Europe/London,08:00-16:30");
  EXPECT_EQ(cal.next_open(Venue::nyse, at("2045-03-10T12:00:00Z")), at("2045-03-10T14:30:00Z"));  // EST
  EXPECT_EQ(cal.next_open(Venue::nyse, at("2045-03-10T20:00:00Z")), at("2045-03-13T13:30:00Z"));  // EDT
  EXPECT_TRUE(cal.is_open(Venue::nyse, at("2040-07-02T13:30:00Z")));
  EXPECT_EQ(cal.next_open(lse, at("2070-10-24T16:00:00Z")), at("2070-10-27T08:00:00Z"));  // Monday, GMT
  EXPECT_TRUE(cal.is_open(Venue::nse, at("2090-01-02T03:45:00Z")));                       // IST all along
}

// The cached gate answers exactly what the calendar answers, minute by minute over two weeks
// with a weekend, a holiday and the March DST switch, and after jumps back in time.
TEST(SessionGate, AgreesWithTheCalendar) {
  Calendars cal;
  cal.add_holiday(Venue::nyse, date(2026, 3, 11));
  cal.add_holiday(Venue::nse, date(2026, 3, 4));
  SessionGate gates[kMaxVenues];
  const auto start = at("2026-03-02T00:00:00Z");
  for (auto t = start; t < start + days{14}; t += 1min)
    for (auto v : {Venue::crypto, Venue::nse, Venue::nyse})
      ASSERT_EQ(gates[static_cast<std::size_t>(v)].open_at(cal, v, t), cal.is_open(v, t))
          << cal.name(v) << " at " << core::to_iso8601(t);
  for (auto iso : {"2026-03-09T13:30:00Z", "2026-03-06T14:29:59Z", "2026-03-11T15:00:00Z", "2026-03-04T05:00:00Z",
                   "2026-03-05T05:00:00Z", "2026-03-02T20:59:00Z"}) {
    const auto t = at(iso);
    for (auto v : {Venue::nse, Venue::nyse})
      EXPECT_EQ(gates[static_cast<std::size_t>(v)].open_at(cal, v, t), cal.is_open(v, t)) << cal.name(v) << iso;
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
