// Venues from configuration (app/venue_config.hpp): a venue, its holidays, half days and
// instruments come from Config entries alone, and every mistake is an exception naming the
// option and the entry (start-up turns it into exit code 2).
#include "meridian/app/venue_config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace meridian::app {
namespace {

using namespace std::chrono;

core::Timestamp at(std::string_view iso) {
  const auto t = core::parse_time(iso);
  if (!t) throw std::invalid_argument("bad test time " + std::string(iso));
  return *t;
}

// What the message of `f`'s std::invalid_argument says, or "" when it does not throw one.
template <typename F>
std::string refusal(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(VenueConfig, AVenueAddedByConfigurationOnly) {
  Config c;
  c.venues = {"lse=Europe/London,08:00-16:30", "tse=Asia/Tokyo,09:00-15:30"};
  c.holidays = {"nyse=2026-04-03", "LSE=2026-12-25"};
  c.early_closes = {"lse=2026-12-24T12:30"};
  c.instruments = {"VOD=LSE,GBP,72.5", "7203=tse,JPY,2900"};
  const auto cal = make_calendars(c);
  ASSERT_EQ(cal.size(), 5u);
  const auto lse = cal.find("lse");
  const auto tse = cal.find("tse");
  ASSERT_TRUE(lse && tse);
  EXPECT_EQ(cal.state(*lse, at("2026-12-25T12:00:00Z")), market::SessionState::holiday);
  EXPECT_EQ(cal.next_close(*lse, at("2026-12-24T09:00:00Z")), at("2026-12-24T12:30:00Z"));
  EXPECT_TRUE(cal.is_open(*tse, at("2026-04-06T00:00:00Z")));  // Monday 09:00 JST
  EXPECT_EQ(cal.state(market::Venue::nyse, at("2026-04-03T15:00:00Z")), market::SessionState::holiday);

  const auto instruments = configured_instruments(c);
  ASSERT_EQ(instruments.size(), core::default_instruments().size() + 2);
  const auto& vod = instruments[instruments.size() - 2];
  EXPECT_EQ(vod.symbol, "VOD");
  EXPECT_EQ(vod.venue, "lse");
  EXPECT_EQ(vod.currency, "GBP");
  EXPECT_EQ(vod.asset_class, core::AssetClass::equity);
  EXPECT_DOUBLE_EQ(vod.reference_price, 72.5);
  EXPECT_EQ(cal.find(instruments.back().venue), tse);
  EXPECT_NO_THROW(check_venue_config(c));
}

TEST(VenueConfig, DefaultsKeepTheBuiltInVenues) {
  Config c;
  const auto cal = make_calendars(c);
  EXPECT_EQ(cal.size(), 3u);
  EXPECT_TRUE(cal.is_open(market::Venue::nyse, at("2026-04-01T13:30:00Z")));
  EXPECT_TRUE(cal.is_open(market::Venue::nse, at("2026-04-01T03:45:00Z")));
  EXPECT_EQ(configured_instruments(c).size(), core::default_instruments().size());
  EXPECT_NO_THROW(check_venue_config(c));
}

TEST(VenueConfig, MistakesNameTheOptionAndTheEntry) {
  const auto check = [](auto edit) {
    Config c;
    edit(c);
    return refusal([&] { check_venue_config(c); });
  };
  auto why = check([](Config& c) { c.venues = {"lse=Europe/Londn,08:00-16:30"}; });
  EXPECT_NE(why.find("--venue"), std::string::npos) << why;
  EXPECT_NE(why.find("Europe/Londn"), std::string::npos) << why;
  why = check([](Config& c) { c.venues = {"lse=Europe/London,08:00-7:00"}; });
  EXPECT_NE(why.find("--venue"), std::string::npos) << why;
  why = check([](Config& c) { c.holidays = {"lse=2026-12-25"}; });
  EXPECT_NE(why.find("--holiday lse=2026-12-25"), std::string::npos) << why;
  why = check([](Config& c) { c.holidays = {"crypto=2026-12-25"}; });
  EXPECT_NE(why.find("--holiday"), std::string::npos) << why;
  why = check([](Config& c) { c.early_closes = {"nyse=2026-11-27T16:30"}; });
  EXPECT_NE(why.find("--early-close"), std::string::npos) << why;
  why = check([](Config& c) { c.instruments = {"VOD=lse,GBP,72.5"}; });
  EXPECT_NE(why.find("--instrument VOD"), std::string::npos) << why;
  why = check([](Config& c) { c.instruments = {"AAPL=nyse,USD,190"}; });  // a default symbol again
  EXPECT_NE(why.find("AAPL"), std::string::npos) << why;
  why = check([](Config& c) { c.venue_fees = {"lse=1:2"}; });
  EXPECT_NE(why.find("--venue-fee"), std::string::npos) << why;
  // Fees of a configured venue are fine, in any case.
  EXPECT_EQ(check([](Config& c) {
              c.venues = {"lse=Europe/London,08:00-16:30"};
              c.venue_fees = {"LSE=1:2"};
            }),
            "");
}

TEST(VenueConfig, InstrumentSyntax) {
  std::string error;
  for (auto bad : {"VOD", "VOD=lse", "VOD=lse,GBP", "=lse,GBP,72.5", "VOD=,GBP,72.5", "VOD=lse,,72.5", "VOD=lse,GBP,0",
                   "VOD=lse,GBP,-1", "VOD=lse,GBP,abc", "VOD=lse,GBP,72.5,1", "VOD=lse,GBP,nan"}) {
    EXPECT_EQ(parse_instrument(bad, error), std::nullopt) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

}  // namespace
}  // namespace meridian::app
