#include "meridian/market/calendar.hpp"

#include <date/tz.h>
#include <strings.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace meridian::market {

namespace {
using namespace std::chrono;

// The zoneinfo files' horizon, and the one this file carries a switching zone on to.
constexpr sys_days kTableStart = sys_days{year{1900} / January / 1};
constexpr sys_days kDatabaseEnd = sys_days{year{2038} / January / 1};
constexpr sys_days kProjectionEnd = sys_days{year{2100} / January / 1};
// 28 Gregorian years without a skipped leap day are exactly 1461 weeks.
constexpr days kWeekdayCycle{10227};
constexpr std::uint8_t kNoWeekend = 0;

bool read_digits(std::string_view s, int& out) noexcept {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc{};
}

bool same_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// A venue name, lower-cased: letters, digits, '-' and '_', 1 to 32 of them.
std::optional<std::string> read_venue_name(std::string_view text, std::string& error) {
  const bool ok = !text.empty() && text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (!ok) {
    error = "not a venue name (letters, digits, '-', '_'): '" + std::string(text) + "'";
    return std::nullopt;
  }
  std::string name(text);
  for (auto& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return name;
}

// "HH:MM", 00:00 to 23:59, or 24:00 when `allow_24`.
std::optional<minutes> read_local_time(std::string_view s, bool allow_24) noexcept {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':' || !read_digits(s.substr(0, 2), h) || !read_digits(s.substr(3, 2), m))
    return std::nullopt;
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) return std::nullopt;
  return hours{h} + minutes{m};
}

std::optional<sys_days> read_date(std::string_view s) noexcept {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !read_digits(s.substr(0, 4), y) ||
      !read_digits(s.substr(5, 2), m) || !read_digits(s.substr(8, 2), d))
    return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

// "sat+sun", "fri+sat", "none": a weekend mask (bit c_encoding).
std::optional<std::uint8_t> read_weekend(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  if (s == "none") return kNoWeekend;
  static constexpr std::string_view kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  std::uint8_t mask = 0;
  while (!s.empty()) {
    const auto plus = s.find('+');
    const auto day_name = s.substr(0, plus);
    const auto* found =
        std::find_if(std::begin(kDays), std::end(kDays), [&](std::string_view d) { return same_name(d, day_name); });
    if (found == std::end(kDays)) return std::nullopt;
    mask = static_cast<std::uint8_t>(mask | (1u << (found - std::begin(kDays))));
    if (plus == std::string_view::npos) break;
    s.remove_prefix(plus + 1);
    if (s.empty()) return std::nullopt;  // a trailing '+'
  }
  if (mask == 0x7f) return std::nullopt;  // never trades: not a venue
  return mask;
}

// Splits "VENUE=REST" into the venue name and REST.
std::optional<std::pair<std::string, std::string_view>> split_venue(std::string_view text, std::string_view form,
                                                                    std::string& error) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    error = "expected " + std::string(form) + ", got '" + std::string(text) + "'";
    return std::nullopt;
  }
  auto name = read_venue_name(text.substr(0, eq), error);
  if (!name) return std::nullopt;
  return std::pair{std::move(*name), text.substr(eq + 1)};
}
}  // namespace

std::string_view to_string(SessionState s) noexcept {
  switch (s) {
    case SessionState::open: return "open";
    case SessionState::closed: return "closed";
    case SessionState::holiday: return "holiday";
    case SessionState::weekend: return "weekend";
  }
  return "?";
}

std::optional<VenueSpec> parse_venue_spec(std::string_view text, std::string& error) {
  constexpr std::string_view kForm = "NAME=ZONE,HH:MM-HH:MM[,WEEKEND], e.g. lse=Europe/London,08:00-16:30";
  auto parts = split_venue(text, kForm, error);
  if (!parts) return std::nullopt;
  VenueSpec spec;
  spec.name = std::move(parts->first);
  auto rest = parts->second;
  const auto comma = rest.find(',');
  if (comma == std::string_view::npos || comma == 0) {
    error = "expected " + std::string(kForm) + ", got '" + std::string(text) + "'";
    return std::nullopt;
  }
  spec.zone = std::string(rest.substr(0, comma));
  rest.remove_prefix(comma + 1);
  const auto second = rest.find(',');
  const auto hours_text = rest.substr(0, second);
  const auto dash = hours_text.find('-');
  const auto open = read_local_time(hours_text.substr(0, dash), false);
  const auto close = dash == std::string_view::npos ? std::nullopt : read_local_time(hours_text.substr(dash + 1), true);
  if (!open || !close || *open >= *close) {
    error = "venue " + spec.name + ": expected local hours HH:MM-HH:MM with the open before the close, got '" +
            std::string(hours_text) + "'";
    return std::nullopt;
  }
  spec.open = *open;
  spec.close = *close;
  if (second != std::string_view::npos) {
    const auto weekend = read_weekend(rest.substr(second + 1));
    if (!weekend) {
      error = "venue " + spec.name + ": expected weekend days like sat+sun (sun..sat joined by '+') or none, got '" +
              std::string(rest.substr(second + 1)) + "'";
      return std::nullopt;
    }
    spec.weekend = *weekend;
  }
  return spec;
}

std::optional<Holiday> parse_holiday(std::string_view text, std::string& error) {
  auto parts = split_venue(text, "VENUE=YYYY-MM-DD", error);
  if (!parts) return std::nullopt;
  const auto date = read_date(parts->second);
  if (!date) {
    error = "expected a date YYYY-MM-DD after '=', got '" + std::string(parts->second) + "'";
    return std::nullopt;
  }
  return Holiday{std::move(parts->first), *date};
}

std::optional<EarlyClose> parse_early_close(std::string_view text, std::string& error) {
  auto parts = split_venue(text, "VENUE=YYYY-MM-DDTHH:MM", error);
  if (!parts) return std::nullopt;
  const auto rest = parts->second;
  const auto date = rest.size() > 10 && rest[10] == 'T' ? read_date(rest.substr(0, 10)) : std::nullopt;
  const auto close = date ? read_local_time(rest.substr(11), false) : std::nullopt;
  if (!close) {
    error = "expected a local date and time YYYY-MM-DDTHH:MM after '=', got '" + std::string(rest) + "'";
    return std::nullopt;
  }
  return EarlyClose{std::move(parts->first), *date, *close};
}

Calendars::Calendars() {
  venues_.push_back({"crypto", {}, {}, {}, kNoWeekend, {}, {}, {}});
  for (const auto& spec : {VenueSpec{"nse", "Asia/Kolkata", 9h + 15min, 15h + 30min},
                           VenueSpec{"nyse", "America/New_York", 9h + 30min, 16h}}) {
    std::string error;
    if (!add_venue(spec, error)) throw std::runtime_error("built-in venue calendars: " + error);
  }
}

std::optional<Venue> Calendars::add_venue(const VenueSpec& spec, std::string& error) {
  std::string name_error;
  const auto name = read_venue_name(spec.name, name_error);
  if (!name) {
    error = name_error;
    return std::nullopt;
  }
  if (*name == "crypto") {
    error = "crypto is built in (always open) and cannot be redefined";
    return std::nullopt;
  }
  if (!(minutes{0} <= spec.open && spec.open < spec.close && spec.close <= hours{24}) || spec.weekend >= 0x7f) {
    error = "venue " + *name + ": the session must lie within a local day, open before close, with a trading day";
    return std::nullopt;
  }
  VenueCalendar v{*name, spec.zone, spec.open, spec.close, spec.weekend, {}, {}, {}};
  try {
    const auto* zone = date::locate_zone(spec.zone);
    auto info = zone->get_info(date::sys_seconds{kTableStart});
    v.offsets.push_back({core::Timestamp::min(), info.offset});
    while (info.end < kDatabaseEnd) {
      info = zone->get_info(info.end);
      if (info.offset != v.offsets.back().offset) v.offsets.push_back({info.begin, info.offset});
    }
  } catch (const std::exception& e) {
    error = "venue " + *name + ": unknown time zone '" + spec.zone + "' (" + e.what() + ")";
    return std::nullopt;
  }
  // Still switching in its last database year: carry the last 28 years' transitions on.
  if (v.offsets.back().from >= sys_days{year{2037} / January / 1}) {
    std::vector<Offset> base;
    for (const auto& o : v.offsets)
      if (o.from >= kDatabaseEnd - kWeekdayCycle) base.push_back(o);
    for (auto shift = kWeekdayCycle;; shift += kWeekdayCycle) {
      bool added = false;
      for (const auto& o : base)
        if (o.from + shift < kProjectionEnd) {
          v.offsets.push_back({o.from + shift, o.offset});
          added = true;
        }
      if (!added) break;
    }
  }
  if (const auto existing = find(*name)) {
    auto& old = venues_[static_cast<std::size_t>(*existing)];
    v.holidays = std::move(old.holidays);
    v.early_closes = std::move(old.early_closes);
    old = std::move(v);
    return existing;
  }
  if (venues_.size() >= kMaxVenues) {
    error = "at most " + std::to_string(kMaxVenues) + " venues";
    return std::nullopt;
  }
  venues_.push_back(std::move(v));
  return static_cast<Venue>(venues_.size() - 1);
}

std::optional<Venue> Calendars::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < venues_.size(); ++i)
    if (same_name(venues_[i].name, name)) return static_cast<Venue>(i);
  return std::nullopt;
}

std::string_view Calendars::name(Venue venue) const noexcept {
  const auto* v = get(venue);
  return v ? std::string_view(v->name) : std::string_view("?");
}

const Calendars::VenueCalendar* Calendars::get(Venue venue) const noexcept {
  const auto i = static_cast<std::size_t>(venue);
  return i < venues_.size() ? &venues_[i] : nullptr;
}

bool Calendars::add_holiday(Venue venue, sys_days local_date) {
  const auto i = static_cast<std::size_t>(venue);
  if (i >= venues_.size() || venues_[i].zone.empty()) return false;
  auto& list = venues_[i].holidays;
  const auto at = std::lower_bound(list.begin(), list.end(), local_date);
  if (at == list.end() || *at != local_date) list.insert(at, local_date);
  return true;
}

bool Calendars::add_early_close(Venue venue, sys_days local_date, minutes local_close) {
  const auto i = static_cast<std::size_t>(venue);
  if (i >= venues_.size() || venues_[i].zone.empty()) return false;
  auto& v = venues_[i];
  if (!(v.open < local_close && local_close < v.close)) return false;
  const auto at = std::lower_bound(v.early_closes.begin(), v.early_closes.end(), local_date,
                                   [](const auto& e, sys_days d) { return e.first < d; });
  if (at != v.early_closes.end() && at->first == local_date)
    at->second = local_close;
  else
    v.early_closes.insert(at, {local_date, local_close});
  return true;
}

bool Calendars::add(const Holiday& h, std::string& error) {
  const auto venue = find(h.venue);
  if (!venue) {
    error = "unknown venue '" + h.venue + "' (add it with --venue)";
    return false;
  }
  if (!add_holiday(*venue, h.date)) {
    error = h.venue + " trades every day and has no holidays";
    return false;
  }
  return true;
}

bool Calendars::add(const EarlyClose& e, std::string& error) {
  const auto venue = find(e.venue);
  if (!venue) {
    error = "unknown venue '" + e.venue + "' (add it with --venue)";
    return false;
  }
  if (!add_early_close(*venue, e.date, e.close)) {
    error = "an early close of " + e.venue + " must fall after its open and before its regular close";
    return false;
  }
  return true;
}

std::span<const sys_days> Calendars::holidays(Venue venue) const noexcept {
  const auto* v = get(venue);
  return v ? std::span<const sys_days>(v->holidays) : std::span<const sys_days>();
}

seconds Calendars::offset_at(const VenueCalendar& v, core::Timestamp t) const noexcept {
  const auto after = std::upper_bound(v.offsets.begin(), v.offsets.end(), t,
                                      [](core::Timestamp x, const Offset& o) { return x < o.from; });
  return std::prev(after)->offset;  // the first entry starts at Timestamp::min()
}

// The instant a local time names. Around a switch: an ambiguous local time (clocks set back)
// is its earlier instant; one that does not exist (clocks set forward) is the switch itself.
core::Timestamp Calendars::to_utc(const VenueCalendar& v, core::Timestamp local) const noexcept {
  // Offsets change at most once within a day either side, so these are the two candidates.
  const auto before = offset_at(v, local - days{1});
  const auto after = offset_at(v, local + days{1});
  const auto t1 = local - before;
  const auto t2 = local - after;
  const bool first = offset_at(v, t1) == before;
  const bool second = offset_at(v, t2) == after;
  if (first && second) return std::min(t1, t2);
  if (first) return t1;
  if (second) return t2;
  const auto gap_end = std::upper_bound(v.offsets.begin(), v.offsets.end(), std::min(t1, t2),
                                        [](core::Timestamp x, const Offset& o) { return x < o.from; });
  return gap_end == v.offsets.end() ? t1 : gap_end->from;
}

sys_days Calendars::local_date(const VenueCalendar& v, core::Timestamp t) const noexcept {
  return floor<days>(t + offset_at(v, t));
}

bool Calendars::is_holiday(const VenueCalendar& v, sys_days d) const noexcept {
  return std::binary_search(v.holidays.begin(), v.holidays.end(), d);
}

bool Calendars::is_weekend(const VenueCalendar& v, sys_days d) const noexcept {
  return (v.weekend >> weekday{d}.c_encoding()) & 1u;
}

SessionWindow Calendars::window_on(const VenueCalendar& v, sys_days d) const noexcept {
  auto close = v.close;
  const auto early = std::lower_bound(v.early_closes.begin(), v.early_closes.end(), d,
                                      [](const auto& e, sys_days x) { return e.first < x; });
  if (early != v.early_closes.end() && early->first == d) close = early->second;
  return {to_utc(v, core::Timestamp(d + v.open)), to_utc(v, core::Timestamp(d + close))};
}

std::optional<SessionWindow> Calendars::session(Venue venue, core::Timestamp t) const noexcept {
  const auto* v = get(venue);
  if (!v || v->zone.empty()) return std::nullopt;
  auto date = local_date(*v, t);
  // A run of days without a session holds at most every holiday plus the weekends around
  // and between them, so this bound is never reached; it only makes termination obvious.
  const auto horizon = 7 * (v->holidays.size() + 2);
  for (std::size_t i = 0; i <= horizon; ++i, date += days{1}) {
    if (is_weekend(*v, date) || is_holiday(*v, date)) continue;
    const auto w = window_on(*v, date);
    if (t < w.close) return w;
  }
  return std::nullopt;
}

bool Calendars::is_open(Venue venue, core::Timestamp t) const noexcept {
  const auto* v = get(venue);
  if (!v) return false;
  if (v->zone.empty()) return true;
  const auto s = session(venue, t);
  return s && s->open <= t && t < s->close;
}

SessionState Calendars::state(Venue venue, core::Timestamp t) const noexcept {
  if (is_open(venue, t)) return SessionState::open;
  const auto* v = get(venue);
  if (!v) return SessionState::closed;
  const auto date = local_date(*v, t);
  if (is_weekend(*v, date)) return SessionState::weekend;
  if (is_holiday(*v, date)) return SessionState::holiday;
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
  const auto s = calendars.session(venue, t);
  if (!s) {  // always open (crypto), or a venue the calendars lack: closed for good
    open_ = calendars.is_open(venue, t);
    valid_from_ = open_ ? core::Timestamp::min() : t;
    valid_until_ = core::Timestamp::max();
    return;
  }
  open_ = s->open <= t;
  valid_from_ = open_ ? s->open : t;
  valid_until_ = open_ ? s->close : s->open;
}

}  // namespace meridian::market
