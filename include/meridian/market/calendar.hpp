#pragma once
// Venue trading calendars: when each venue's regular session is open, asked in market time
// (a tick's or bar's timestamp, never the wall clock), so simulated and replayed time work.
// Calendars is immutable once built: its queries are pure, allocate nothing and may run on
// any thread. SessionGate caches one venue's answer for the engine strand's hot path.
//
// Sessions are half-open, [open, close): an instant exactly at the open is in the session,
// one exactly at the close is not (NYSE 09:30:00.000 is open, 16:00:00.000 is closed).
//
// Time zones: GCC 12's libstdc++ has no C++20 time-zone database (std::chrono::locate_zone is
// missing), so the two zones we need are written out here. America/New_York follows the US
// daylight-saving rule: UTC-4 from the second Sunday of March 02:00 local to the first Sunday
// of November 02:00 local (since 2007; from 1987 to 2006 the first Sunday of April to the
// last Sunday of October, which earlier years also use), UTC-5 otherwise. Asia/Kolkata is
// UTC+05:30 all year (India has no DST). Early closes (half days) are not modelled.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/time.hpp"

namespace meridian::market {

// The venues with a calendar; Instrument::venue names them ("crypto", "nse", "nyse").
enum class Venue : std::uint8_t { crypto, nse, nyse };
inline constexpr std::size_t kVenueCount = 3;
std::string_view to_string(Venue v) noexcept;
// Case-insensitive; nullopt for a venue without a calendar.
std::optional<Venue> parse_venue(std::string_view name) noexcept;

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

// A venue-local date without trading.
struct Holiday {
  Venue venue = Venue::nse;
  std::chrono::sys_days date{};
};
// "NSE=2026-01-26" (venue case-insensitive). On failure, nullopt and `error` says what is
// wrong; crypto has no holidays (it trades every day), so a crypto date is an error too.
std::optional<Holiday> parse_holiday(std::string_view text, std::string& error);

class Calendars {
 public:
  // Adds a non-trading local date; duplicates are kept once. Crypto has no holidays: false.
  bool add_holiday(Venue venue, std::chrono::sys_days local_date);
  bool add_holiday(const Holiday& h) { return add_holiday(h.venue, h.date); }
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
  bool is_holiday(Venue venue, std::chrono::sys_days local_date) const noexcept;
  std::vector<std::chrono::sys_days> holidays_[kVenueCount];
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
