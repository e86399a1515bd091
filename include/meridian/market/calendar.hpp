#pragma once
// Venue trading calendars: when each venue's regular session is open, asked in market time
// (a tick's or bar's timestamp, never the wall clock), so simulated and replayed time work.
// Calendars is immutable once built: its queries are pure, allocate nothing and may run on
// any thread. SessionGate caches one venue's answer for the engine strand's hot path.
//
// Sessions are half-open, [open, close): an instant exactly at the open is in the session,
// one exactly at the close is not (NYSE 09:30:00.000 is open, 16:00:00.000 is closed).
//
// Time zones come from the tz database (Howard Hinnant's date/tz over the system's zoneinfo;
// GCC 12's libstdc++ has no std::chrono::locate_zone). Adding a venue reads its zone's UTC
// offsets once into a table of transitions, so a query is a binary search and never touches
// the database. The zoneinfo files list transitions up to 2037; a zone still switching in
// 2037 is carried on to 2099 by repeating its transitions of 28 years before (the weekdays of
// a Gregorian year repeat after 28 years until 2100, so "second Sunday of March" rules stay
// exact), which is what the files' own POSIX footer rule says while the rule is unchanged.
// After 2099 the last offset holds.
//
// Venues: crypto (always open), nse (Asia/Kolkata 09:15-15:30) and nyse (America/New_York
// 09:30-16:00), Monday to Friday, are built in; configuration adds others (or redefines nse
// and nyse) by IANA zone name, local hours and weekend days, with holidays and early closes
// (half days) per venue-local date.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meridian/core/time.hpp"

namespace meridian::market {

// A venue of a Calendars. The built-ins have names here; a configured venue is the next
// number (Venue{3}, ...) in the order added: ask the Calendars for its name.
enum class Venue : std::uint8_t { crypto, nse, nyse };
// The most venues one Calendars holds, so a strand can keep a fixed array of SessionGates.
inline constexpr std::size_t kMaxVenues = 16;

// Why a venue is (not) trading at an instant. `weekend` and `holiday` name the venue-local
// day (a holiday that falls on a weekend is a weekend); `closed` is a trading day outside
// its hours.
enum class SessionState : std::uint8_t { open, closed, holiday, weekend };
std::string_view to_string(SessionState s) noexcept;

// One regular session in UTC, [open, close).
struct SessionWindow {
  core::Timestamp open{};
  core::Timestamp close{};
  bool operator==(const SessionWindow&) const = default;
};

// A venue's definition. Weekend days are bits 1 << weekday.c_encoding() (Sunday = 0).
struct VenueSpec {
  std::string name;  // lower-case letters, digits, '-' and '_'
  std::string zone;  // an IANA time zone, "Europe/London"
  std::chrono::minutes open{};
  std::chrono::minutes close{};  // local, 00:00 <= open < close <= 24:00
  std::uint8_t weekend = 0x41;   // Saturday and Sunday
};
// "lse=Europe/London,08:00-16:30" or, with other weekend days, "tase=Asia/Jerusalem,09:59-17:14,fri+sat"
// (days sun..sat joined by '+', or "none"). Checks the syntax, not the zone (Calendars::add_venue
// does); on failure, nullopt and `error` says what is wrong.
std::optional<VenueSpec> parse_venue_spec(std::string_view text, std::string& error);

// A venue-local date without trading: "NSE=2026-01-26" (venue case-insensitive, kept lower-case).
struct Holiday {
  std::string venue;
  std::chrono::sys_days date{};
};
std::optional<Holiday> parse_holiday(std::string_view text, std::string& error);

// A half day: the venue closes early, at a local time, on a local date: "nyse=2026-11-27T13:00".
struct EarlyClose {
  std::string venue;
  std::chrono::sys_days date{};
  std::chrono::minutes close{};
};
std::optional<EarlyClose> parse_early_close(std::string_view text, std::string& error);

class Calendars {
 public:
  // The built-in venues. Throws std::runtime_error when the tz database is missing (the
  // tzdata package): a start-up failure.
  Calendars();

  // Adds a venue, or redefines the one of that name (its holidays and early closes are kept;
  // crypto cannot be redefined). Nullopt, and `error` says why, for an unknown zone, bad
  // hours or name, or more than kMaxVenues venues. Allocates; not for the hot path.
  std::optional<Venue> add_venue(const VenueSpec& spec, std::string& error);
  // Case-insensitive; nullopt for a name without a calendar.
  std::optional<Venue> find(std::string_view name) const noexcept;
  std::string_view name(Venue venue) const noexcept;  // "?" for a venue not added
  std::size_t size() const noexcept { return venues_.size(); }

  // Adds a non-trading local date; duplicates are kept once. Crypto has no holidays: false.
  bool add_holiday(Venue venue, std::chrono::sys_days local_date);
  // Closes the venue early on a local date (a later call for the date replaces it). False for
  // crypto and for a close not within the regular session (open < close < regular close).
  bool add_early_close(Venue venue, std::chrono::sys_days local_date, std::chrono::minutes local_close);
  // The same, naming the venue: false, and `error` says why, for an unknown venue or a date
  // or time the venue refuses.
  bool add(const Holiday& h, std::string& error);
  bool add(const EarlyClose& e, std::string& error);
  std::span<const std::chrono::sys_days> holidays(Venue venue) const noexcept;  // sorted

  bool is_open(Venue venue, core::Timestamp t) const noexcept;
  SessionState state(Venue venue, core::Timestamp t) const noexcept;
  // The session containing t, else the first one after t; nullopt for crypto (it never
  // closes). Every other venue always has a next session (holidays are finite).
  std::optional<SessionWindow> session(Venue venue, core::Timestamp t) const noexcept;
  // The first open strictly after t: while a session is open, the next session's open.
  // nullopt for crypto.
  std::optional<core::Timestamp> next_open(Venue venue, core::Timestamp t) const noexcept;
  // The close of the session containing t, else of the next session. nullopt for crypto.
  std::optional<core::Timestamp> next_close(Venue venue, core::Timestamp t) const noexcept;

 private:
  // From `from` on (until the next entry), local time = UTC + offset.
  struct Offset {
    core::Timestamp from;
    std::chrono::seconds offset;
  };
  struct VenueCalendar {
    std::string name;
    std::string zone;  // empty: always open (crypto)
    std::chrono::minutes open{};
    std::chrono::minutes close{};
    std::uint8_t weekend = 0;
    std::vector<Offset> offsets;  // sorted; the first entry starts at Timestamp::min()
    std::vector<std::chrono::sys_days> holidays;
    std::vector<std::pair<std::chrono::sys_days, std::chrono::minutes>> early_closes;  // sorted by date
  };
  const VenueCalendar* get(Venue venue) const noexcept;
  std::chrono::seconds offset_at(const VenueCalendar& v, core::Timestamp t) const noexcept;
  core::Timestamp to_utc(const VenueCalendar& v, core::Timestamp local) const noexcept;
  std::chrono::sys_days local_date(const VenueCalendar& v, core::Timestamp t) const noexcept;
  bool is_holiday(const VenueCalendar& v, std::chrono::sys_days local_date) const noexcept;
  bool is_weekend(const VenueCalendar& v, std::chrono::sys_days local_date) const noexcept;
  SessionWindow window_on(const VenueCalendar& v, std::chrono::sys_days local_date) const noexcept;
  std::vector<VenueCalendar> venues_;
};

// One venue's open/closed answer, remembered for the interval in which it cannot change (the
// open session, or from the asked instant to the next open), so the per-bar question is two
// comparisons and the calendar is consulted again only when time leaves that interval (or
// goes back before it). Not thread-safe: one per venue, owned by one strand.
class SessionGate {
 public:
  // Whether the venue trades at some instant of [from, to) (to > from).
  bool open_during(const Calendars& calendars, Venue venue, core::Timestamp from, core::Timestamp to) noexcept {
    if (from < valid_from_ || from >= valid_until_) refresh(calendars, venue, from);
    return open_ || valid_until_ < to;
  }
  bool open_at(const Calendars& calendars, Venue venue, core::Timestamp t) noexcept {
    return open_during(calendars, venue, t, t + core::Duration(1));
  }

 private:
  void refresh(const Calendars& calendars, Venue venue, core::Timestamp t) noexcept;
  core::Timestamp valid_from_ = core::Timestamp::max();
  core::Timestamp valid_until_ = core::Timestamp::min();
  bool open_ = false;  // in [valid_from_, valid_until_); when closed, valid_until_ is the next open
};

}  // namespace meridian::market
