#pragma once
// Venues from meridiand's configuration: the calendars (built-in venues, --venue definitions,
// --holiday and --early-close dates) and the instruments --instrument adds, so a venue such
// as LSE or TSE is configuration, not code. Start-up only.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/app/config.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/market/calendar.hpp"

namespace meridian::app {

// The calendars of `c`: the built-ins, then each --venue in order (a later definition of a
// name replaces an earlier one), then the holidays and early closes. Throws
// std::invalid_argument naming the option and the entry (an unknown zone or venue, hours or
// dates the venue refuses), which start-up reports as a configuration error.
market::Calendars make_calendars(const Config& c);

// "VOD=lse,GBP,72.5": an equity on a configured venue (price ticks 0.01, whole shares), its
// simulated feed starting at the given price. nullopt with `error` set for bad syntax; the
// venue is checked against the calendars by check_venue_config.
std::optional<core::Instrument> parse_instrument(std::string_view text, std::string& error);

// The default instruments followed by each --instrument (a duplicate symbol is an error).
std::vector<core::Instrument> configured_instruments(const Config& c);

// Every venue-related setting of `c` agrees: the calendars build, and each --instrument and
// --venue-fee names a venue they know. Throws std::invalid_argument as make_calendars does.
void check_venue_config(const Config& c);

}  // namespace meridian::app
