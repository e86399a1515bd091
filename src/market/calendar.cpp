#include "meridian/market/calendar.hpp"

#include <strings.h>

#include <algorithm>
#include <charconv>

namespace meridian::market {

namespace {
using namespace std::chrono;

// A venue's regular hours in local time and how its local time relates to UTC.
struct Rules {
  minutes open;
  minutes close;
  minutes standard_offset;  // local = UTC + offset
  bool us_dst;              // +1 h under the US daylight-saving rule
};

constexpr Rules rules_of(Venue v) noexcept {
  return v == Venue::nse ? Rules{9h + 15min, 15h + 30min, 5h + 30min, false}
                         : Rules{9h + 30min, 16h, -5h, true};  // nyse; crypto never asks
}

// The local dates on which US daylight-saving time starts and ends (both Sundays).
struct DstDates {
  sys_days start;
  sys_days end;
};
DstDates us_dst_dates(year y) noexcept {
  if (y >= year{2007}) return {sys_days{y / March / Sunday[2]}, sys_days{y / November / Sunday[1]}};
  return {sys_days{y / April / Sunday[1]}, sys_days{y / October / Sunday[last]}};
}

// Daylight time on this local date at the hours a session can have (the switch is at 02:00,
// before any open), so the date alone decides.
bool us_dst_on(sys_days local_date) noexcept {
  const auto dates = us_dst_dates(year_month_day{local_date}.year());
  return local_date >= dates.start && local_date < dates.end;
}

// Daylight time at the instant t: from 02:00 standard time on the start date to 02:00
// daylight time (01:00 standard) on the end date. A year's switches are months away from
// New Year, so t's UTC year is the local one.
bool us_dst_at(core::Timestamp t) noexcept {
  const auto dates = us_dst_dates(year_month_day{floor<days>(t)}.year());
  const auto standard = t - 5h;  // local standard time as if it were UTC
  return standard >= dates.start + 2h && standard < dates.end + 1h;
}

minutes offset_on(const Rules& r, sys_days local_date) noexcept {
  return r.us_dst && us_dst_on(local_date) ? r.standard_offset + 1h : r.standard_offset;
}

sys_days local_date_of(const Rules& r, core::Timestamp t) noexcept {
  const auto offset = r.us_dst && us_dst_at(t) ? r.standard_offset + 1h : r.standard_offset;
  return floor<days>(t + offset);
}

bool is_weekend(sys_days d) noexcept {
  const weekday wd{d};
  return wd == Saturday || wd == Sunday;
}

SessionWindow window_on(const Rules& r, sys_days local_date) noexcept {
  const auto offset = offset_on(r, local_date);
  return {core::Timestamp(local_date + r.open - offset), core::Timestamp(local_date + r.close - offset)};
}

bool read_digits(std::string_view s, int& out) noexcept {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc{};
}
}  // namespace

std::string_view to_string(Venue v) noexcept {
  switch (v) {
    case Venue::crypto: return "crypto";
    case Venue::nse: return "nse";
    case Venue::nyse: return "nyse";
  }
  return "?";
}

std::optional<Venue> parse_venue(std::string_view name) noexcept {
  for (auto v : {Venue::crypto, Venue::nse, Venue::nyse}) {
    const auto known = to_string(v);
    if (name.size() == known.size() && strncasecmp(name.data(), known.data(), known.size()) == 0) return v;
  }
  return std::nullopt;
}

std::string_view to_string(SessionState s) noexcept {
  switch (s) {
    case SessionState::open: return "open";
    case SessionState::closed: return "closed";
    case SessionState::holiday: return "holiday";
    case SessionState::weekend: return "weekend";
  }
  return "?";
}

std::optional<Holiday> parse_holiday(std::string_view text, std::string& error) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    error = "expected VENUE=YYYY-MM-DD, got '" + std::string(text) + "'";
    return std::nullopt;
  }
  const auto venue = parse_venue(text.substr(0, eq));
  if (!venue) {
    error = "unknown venue '" + std::string(text.substr(0, eq)) + "' (nse, nyse)";
    return std::nullopt;
  }
  if (*venue == Venue::crypto) {
    error = "crypto trades every day and has no holidays";
    return std::nullopt;
  }
  const auto date = text.substr(eq + 1);
  int y = 0, m = 0, d = 0;
  if (date.size() != 10 || date[4] != '-' || date[7] != '-' || !read_digits(date.substr(0, 4), y) ||
      !read_digits(date.substr(5, 2), m) || !read_digits(date.substr(8, 2), d)) {
    error = "expected a date YYYY-MM-DD after '=', got '" + std::string(date) + "'";
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    error = "no such date: " + std::string(date);
    return std::nullopt;
  }
  return Holiday{*venue, sys_days{ymd}};
}

bool Calendars::add_holiday(Venue venue, sys_days local_date) {
  if (venue == Venue::crypto) return false;
  auto& list = holidays_[static_cast<std::size_t>(venue)];
  const auto at = std::lower_bound(list.begin(), list.end(), local_date);
  if (at == list.end() || *at != local_date) list.insert(at, local_date);
  return true;
}

std::span<const sys_days> Calendars::holidays(Venue venue) const noexcept {
  return holidays_[static_cast<std::size_t>(venue)];
}

bool Calendars::is_holiday(Venue venue, sys_days local_date) const noexcept {
  const auto& list = holidays_[static_cast<std::size_t>(venue)];
  return std::binary_search(list.begin(), list.end(), local_date);
}

std::optional<SessionWindow> Calendars::session(Venue venue, core::Timestamp t) const noexcept {
  if (venue == Venue::crypto) return std::nullopt;
  const auto rules = rules_of(venue);
  auto date = local_date_of(rules, t);
  // A run of days without a session holds at most every holiday plus the weekends around
  // and between them, so this bound is never reached; it only makes termination obvious.
  const auto horizon = 2 * holidays(venue).size() + 9;
  for (std::size_t i = 0; i <= horizon; ++i, date += days{1}) {
    if (is_weekend(date) || is_holiday(venue, date)) continue;
    const auto w = window_on(rules, date);
    if (t < w.close) return w;
  }
  return std::nullopt;
}

bool Calendars::is_open(Venue venue, core::Timestamp t) const noexcept {
  if (venue == Venue::crypto) return true;
  const auto s = session(venue, t);
  return s && s->open <= t && t < s->close;
}

SessionState Calendars::state(Venue venue, core::Timestamp t) const noexcept {
  if (is_open(venue, t)) return SessionState::open;
  const auto date = local_date_of(rules_of(venue), t);
  if (is_weekend(date)) return SessionState::weekend;
  if (is_holiday(venue, date)) return SessionState::holiday;
  return SessionState::closed;
}

std::optional<core::Timestamp> Calendars::next_open(Venue venue, core::Timestamp t) const noexcept {
  const auto s = session(venue, t);
  if (!s) return std::nullopt;
  if (t < s->open) return s->open;
  const auto after = session(venue, s->close);
  return after ? std::optional(after->open) : std::nullopt;
}

std::optional<core::Timestamp> Calendars::next_close(Venue venue, core::Timestamp t) const noexcept {
  const auto s = session(venue, t);
  return s ? std::optional(s->close) : std::nullopt;
}

void SessionGate::refresh(const Calendars& calendars, Venue venue, core::Timestamp t) noexcept {
  if (venue == Venue::crypto) {
    valid_from_ = core::Timestamp::min();
    valid_until_ = core::Timestamp::max();
    open_ = true;
    return;
  }
  const auto s = calendars.session(venue, t);
  if (!s) {  // unreachable (see Calendars::session); closed for good rather than open
    valid_from_ = t;
    valid_until_ = core::Timestamp::max();
    open_ = false;
    return;
  }
  open_ = s->open <= t;
  valid_from_ = open_ ? s->open : t;
  valid_until_ = open_ ? s->close : s->open;
}

}  // namespace meridian::market
