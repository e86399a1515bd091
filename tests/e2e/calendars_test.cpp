// Venue calendars through the daemon: GET /api/engine/status lists each venue of the default
// symbols with its session state, and while NSE and NYSE are closed (holidays given with
// --holiday around today, so the test holds at any time of day and on any weekday) only the
// crypto symbols trade. A bad --holiday is a configuration error (exit code 2).
//
// The daemon's simulated time starts at the wall clock and runs ~500 times faster (1 s of
// market time per 2 ms tick): the suite lasts well under the three days of holidays after
// today, and the holidays start two days before it, which covers every venue-local date.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <set>

#include "fixture.hpp"
#include "meridian/core/time.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using K = Kind;
using namespace std::chrono;

const sys_days kToday = floor<days>(system_clock::now());
constexpr int kHolidaysBefore = 2;
constexpr int kHolidaysAfter = 3;

std::string iso_date(sys_days d) {
  const year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

system_clock::time_point parse_utc(const json& j) {
  const auto t = core::parse_time(j.get<std::string>());
  return t ? system_clock::time_point(duration_cast<system_clock::duration>(t->time_since_epoch()))
           : system_clock::time_point{};
}

class Calendars : public SharedDaemonTest<Calendars> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.fast_period = 2;  // trades within seconds
    o.slow_period = 3;
    for (int i = -kHolidaysBefore; i <= kHolidaysAfter; ++i)
      for (const char* venue : {"nse", "NYSE"})
        o.extra_args.insert(o.extra_args.end(), {"--holiday", std::string(venue) + "=" + iso_date(kToday + days{i})});
    return o;
  }
};

const json* find_venue(const json& venues, const std::string& name) {
  for (const auto& v : venues)
    if (v.is_object() && v.value("name", "") == name) return &v;
  return nullptr;
}

TEST_F(Calendars, EngineStatusListsEachVenueWithItsSession) {
  json body;
  ASSERT_TRUE(poll_until(
      [&] {
        body = get_json(port(), "/api/engine/status");
        return body.is_object() && body.value("ticks_processed", 0) > 0;
      },
      kDeadline))
      << "no tick processed";
  expect_fields(body, "engine", {{"calendars", {K::boolean}}, {"venues", {K::array}}});
  EXPECT_EQ(body.value("calendars", false), true) << "calendars are on by default";
  const auto& venues = body.at("venues");
  ASSERT_EQ(venues.size(), 3u) << venues.dump();
  for (std::size_t i = 0; i < venues.size(); ++i) {
    const auto where = "engine.venues[" + std::to_string(i) + "]";
    expect_fields(venues[i], where,
                  {{"name", {K::string}},
                   {"state", {K::string}},
                   {"is_open", {K::boolean}},
                   {"next_open", {K::time, K::null}},
                   {"next_close", {K::time, K::null}},
                   {"as_of", {K::time}}});
    EXPECT_EQ(venues[i].value("is_open", false), venues[i].value("state", "") == "open") << where;
  }

  const auto* crypto = find_venue(venues, "crypto");
  ASSERT_NE(crypto, nullptr) << venues.dump();
  EXPECT_EQ(crypto->at("state"), "open");
  EXPECT_TRUE(crypto->at("next_open").is_null());
  EXPECT_TRUE(crypto->at("next_close").is_null());

  // The equity venues are on holiday (or weekend) until the holidays end: their next session
  // opens after the last one, at the venue's hours (NYSE: 13:30 UTC in daylight time, 14:30
  // in standard time).
  const auto first_free_day = kToday + days{kHolidaysAfter + 1};
  for (const auto& [name, open_utc, length] : {std::tuple{"nse", hours{3} + minutes{45}, hours{6} + minutes{15}},
                                               std::tuple{"nyse", hours{13} + minutes{30}, hours{6} + minutes{30}}}) {
    const auto* v = find_venue(venues, name);
    ASSERT_NE(v, nullptr) << name << " missing: " << venues.dump();
    const auto state = v->value("state", "");
    EXPECT_TRUE(state == "holiday" || state == "weekend") << name << ": " << v->dump();
    EXPECT_EQ(v->value("is_open", true), false) << name;
    ASSERT_TRUE(v->at("next_open").is_string() && v->at("next_close").is_string()) << v->dump();
    const auto next_open = parse_utc(v->at("next_open"));
    const auto next_close = parse_utc(v->at("next_close"));
    EXPECT_GE(next_open, first_free_day + open_utc) << name << ": " << v->dump();
    EXPECT_GT(next_open, parse_utc(v->at("as_of"))) << name;
    EXPECT_EQ(next_close - next_open, length) << name << ": " << v->dump();
  }
}

TEST_F(Calendars, OnlyCryptoTradesWhileTheEquityVenuesAreClosed) {
  ASSERT_TRUE(
      poll_until([&] { return get_json(port(), "/api/trading/status").value("trades_count", 0) >= 3; }, kDeadline))
      << "crypto did not trade 3 times within the deadline";
  const std::set<std::string> crypto{"BTC-USD", "ETH-USD", "SOL-USD"};
  const auto trades = get_json(port(), "/api/trades?limit=5000").at("items");
  ASSERT_FALSE(trades.empty());
  for (const auto& t : trades)
    EXPECT_TRUE(crypto.count(t.value("symbol", ""))) << "a closed venue traded: " << t.dump();
  const auto signals = get_json(port(), "/api/engine/signals?limit=500").at("items");
  EXPECT_FALSE(signals.empty());
  for (const auto& s : signals)
    EXPECT_TRUE(crypto.count(s.value("symbol", ""))) << "a closed venue's bar reached a strategy: " << s.dump();
  // Their prices still move.
  const auto status = get_json(port(), "/api/trading/status");
  EXPECT_TRUE(status.at("last_prices").contains("RELIANCE")) << status.dump();
  EXPECT_TRUE(status.at("last_prices").contains("AAPL")) << status.dump();
}

TEST_F(Calendars, BadHolidayIsAConfigurationError) {
  for (const char* bad : {"nse=2026-02-30", "lse=2026-01-01", "crypto=2026-01-01", "2026-01-01"}) {
    DaemonOptions o;
    o.wait_until_listening = false;
    o.extra_args = {"--holiday", bad};
    Daemon d(o);
    const auto status = d.process().wait_exit(kDeadline);
    ASSERT_TRUE(status) << "--holiday " << bad << ": still running";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2)
        << "--holiday " << bad << ": " << describe_wait_status(*status) << "\n"
        << d.output();
  }
}

}  // namespace
}  // namespace meridian::e2e
