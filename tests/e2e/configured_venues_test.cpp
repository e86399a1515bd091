// Venues added by configuration alone: a TOML config file defines LSE (Europe/London) and TSE
// (Asia/Tokyo), an instrument on each, LSE holidays around today and an LSE half day on the
// first trading day after them. GET /api/engine/status lists both venues by name; LSE's next
// session is that half day (08:00 to 12:30 London time, whatever the daylight-saving state);
// the simulated instruments on them price. An unknown zone, malformed hours, an instrument on
// an unknown venue and an early close outside the session are configuration errors (exit 2).
#include <sys/wait.h>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fixture.hpp"
#include "meridian/core/time.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono;

const sys_days kToday = floor<days>(system_clock::now());

std::string iso_date(sys_days d) {
  const year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

// The first weekday after the holidays (today - 2 .. today + 3): LSE's next session.
sys_days half_day() {
  auto d = kToday + days{4};
  while (weekday{d} == Saturday || weekday{d} == Sunday) d += days{1};
  return d;
}

std::string write_config(const std::string& name, const std::string& text) {
  const auto path =
      std::filesystem::path(::testing::TempDir()) / ("meridian_" + name + "_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

std::string venue_config() {
  std::string holidays;
  for (int i = -2; i <= 3; ++i)
    holidays += std::string(i > -2 ? ", " : "") + "\"lse=" + iso_date(kToday + days{i}) + "\"";
  return "symbols = [\"BTC-USD\", \"VOD\", \"TM7203\"]\n"
         "venue = [\"lse=Europe/London,08:00-16:30\", \"tse=Asia/Tokyo,09:00-15:30\"]\n"
         "instrument = [\"VOD=lse,GBP,72.5\", \"TM7203=tse,JPY,2900\"]\n"
         "holiday = [" +
         holidays +
         "]\n"
         "early-close = [\"lse=" +
         iso_date(half_day()) + "T12:30\"]\n";
}

class ConfiguredVenues : public SharedDaemonTest<ConfiguredVenues> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.extra_args = {"--config", write_config("venues", venue_config())};
    return o;
  }
};

const json* find_venue(const json& venues, const std::string& name) {
  for (const auto& v : venues)
    if (v.is_object() && v.value("name", "") == name) return &v;
  return nullptr;
}

system_clock::time_point parse_utc(const json& j) {
  const auto t = core::parse_time(j.get<std::string>());
  return t ? system_clock::time_point(duration_cast<system_clock::duration>(t->time_since_epoch()))
           : system_clock::time_point{};
}

TEST_F(ConfiguredVenues, EngineStatusListsTheConfiguredVenuesWithTheirSessions) {
  json body;
  ASSERT_TRUE(poll_until(
      [&] {
        body = get_json(port(), "/api/engine/status");
        return body.is_object() && body.value("ticks_processed", 0) > 0;
      },
      kDeadline))
      << "no tick processed";
  const auto& venues = body.at("venues");
  ASSERT_EQ(venues.size(), 3u) << venues.dump();  // crypto, lse, tse: the venues of the symbols
  ASSERT_NE(find_venue(venues, "crypto"), nullptr) << venues.dump();
  const auto* tse = find_venue(venues, "tse");
  ASSERT_NE(tse, nullptr) << venues.dump();
  EXPECT_TRUE(tse->at("next_open").is_string() && tse->at("next_close").is_string()) << tse->dump();

  const auto* lse = find_venue(venues, "lse");
  ASSERT_NE(lse, nullptr) << venues.dump();
  const auto state = lse->value("state", "");
  EXPECT_TRUE(state == "holiday" || state == "weekend") << lse->dump();
  ASSERT_TRUE(lse->at("next_open").is_string() && lse->at("next_close").is_string()) << lse->dump();
  const auto next_open = parse_utc(lse->at("next_open"));
  const auto next_close = parse_utc(lse->at("next_close"));
  // 08:00 London is 07:00 or 08:00 UTC on the half day; it closes at 12:30, not 16:30.
  const auto day = half_day();
  EXPECT_TRUE(next_open == day + hours{7} || next_open == day + hours{8}) << lse->dump();
  EXPECT_EQ(next_close - next_open, hours{4} + minutes{30}) << lse->dump();
}

TEST_F(ConfiguredVenues, TheirInstrumentsArePriced) {
  ASSERT_TRUE(poll_until(
      [&] {
        const auto prices = get_json(port(), "/api/trading/status").value("last_prices", json::object());
        return prices.contains("VOD") && prices.contains("TM7203");
      },
      kDeadline))
      << get_json(port(), "/api/trading/status").dump();
}

TEST_F(ConfiguredVenues, BadVenueConfigurationIsAConfigurationError) {
  const std::vector<std::vector<std::string>> cases = {
      {"--venue", "lse=Europe/Londn,08:00-16:30"},
      {"--venue", "lse=Europe/London,8:00-16:30"},
      {"--venue", "lse=Europe/London,16:30-08:00"},
      {"--instrument", "VOD=lse,GBP,72.5"},  // no such venue
      {"--early-close", "nyse=2026-11-27T17:00"},
      {"--early-close", "nyse=2026-11-27T1300"},
      {"--venue-fee", "lse=1:2"},
  };
  for (const auto& args : cases) {
    DaemonOptions o;
    o.wait_until_listening = false;
    o.extra_args = args;
    Daemon d(o);
    const auto status = d.process().wait_exit(kDeadline);
    ASSERT_TRUE(status) << args[0] << " " << args[1] << ": still running";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2)
        << args[0] << " " << args[1] << ": " << describe_wait_status(*status) << "\n"
        << d.output();
  }
  // The same mistake in a config file.
  DaemonOptions o;
  o.wait_until_listening = false;
  o.extra_args = {"--config", write_config("bad_zone", "venue = [\"tse=Asia/Tokio,09:00-15:30\"]\n")};
  Daemon d(o);
  const auto status = d.process().wait_exit(kDeadline);
  ASSERT_TRUE(status) << "still running";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2) << describe_wait_status(*status) << "\n" << d.output();
  EXPECT_NE(d.output().find("Asia/Tokio"), std::string::npos) << d.output();
}

}  // namespace
}  // namespace meridian::e2e
