// calendar_probe: the calendars' answers for instants read from stdin, for
// zoneinfo_check.py to compare with Python's zoneinfo. Arguments: --venue, --holiday and
// --early-close entries as meridiand takes them. Each input line "VENUE UNIX_SECONDS" gets
// one output line: the session state, then whether the venue is open.
#include <cstdio>
#include <iostream>
#include <string>

#include "meridian/market/calendar.hpp"

int main(int argc, char** argv) {
  using namespace meridian;
  market::Calendars cal;
  std::string error;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i], value = argv[i + 1];
    bool ok = false;
    if (option == "--venue") {
      const auto spec = market::parse_venue_spec(value, error);
      ok = spec && cal.add_venue(*spec, error);
    } else if (option == "--holiday") {
      const auto h = market::parse_holiday(value, error);
      ok = h && cal.add(*h, error);
    } else if (option == "--early-close") {
      const auto e = market::parse_early_close(value, error);
      ok = e && cal.add(*e, error);
    } else {
      error = "unknown option " + option;
    }
    if (!ok) {
      std::cerr << "calendar_probe: " << value << ": " << error << "\n";
      return 2;
    }
  }
  std::string venue_name;
  long long seconds = 0;
  while (std::cin >> venue_name >> seconds) {
    const auto venue = cal.find(venue_name);
    if (!venue) {
      std::cerr << "calendar_probe: unknown venue " << venue_name << "\n";
      return 2;
    }
    const core::Timestamp t{std::chrono::seconds(seconds)};
    std::cout << market::to_string(cal.state(*venue, t)) << ' ' << cal.is_open(*venue, t) << '\n';
  }
  return 0;
}
