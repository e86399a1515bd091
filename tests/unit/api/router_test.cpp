// Route matching, 405 data, and the rule that every state-changing route needs a trader.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>

#include "meridian/api/router.hpp"
#include "meridian/api/routes.hpp"

using namespace meridian;
using api::http::verb;

namespace {

api::Handler noop() {
  return [](const api::Request&, api::Reply) {};
}

api::Router sample_router() {
  api::Router r;
  r.add({verb::get, "/api/strategies/{id}", api::Role::viewer, "", noop()});
  r.add({verb::get, "/api/strategies/updates", api::Role::viewer, "", noop()});
  r.add({verb::patch, "/api/strategies/{id}", api::Role::trader, "", noop()});
  r.add({verb::get, "/api/market/{symbol}", api::Role::viewer, "", noop()});
  r.add({verb::get, "/api/market/price/{symbol}", api::Role::viewer, "", noop()});
  r.add({verb::post, "/api/strategies/{name}/start", api::Role::trader, "", noop()});
  return r;
}

}  // namespace

TEST(Router, MatchesLiteralAndCapturesParams) {
  auto r = sample_router();
  auto m = r.match(verb::get, "/api/market/BTC-USD");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/market/{symbol}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "symbol");
  EXPECT_EQ(m.params[0].second, "BTC-USD");
}

TEST(Router, LiteralSegmentBeatsParameterWhateverTheOrder) {
  auto r = sample_router();
  auto m = r.match(verb::get, "/api/strategies/updates");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/strategies/updates");
  EXPECT_TRUE(m.params.empty());
}

TEST(Router, ParametersArePercentDecoded) {
  auto r = sample_router();
  auto m = r.match(verb::get, "/api/market/BTC%2DUSD");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params[0].second, "BTC-USD");
}

TEST(Router, DifferentSegmentCountsDoNotMatch) {
  auto r = sample_router();
  EXPECT_EQ(r.match(verb::get, "/api/market").route, nullptr);
  EXPECT_TRUE(r.match(verb::get, "/api/market").allowed.empty());
  EXPECT_EQ(r.match(verb::get, "/api/market/BTC-USD/extra").route, nullptr);
  auto deeper = r.match(verb::get, "/api/market/price/BTC-USD");
  ASSERT_NE(deeper.route, nullptr);
  EXPECT_EQ(deeper.route->pattern, "/api/market/price/{symbol}");
}

TEST(Router, TrailingAndDoubleSlashesAreIgnored) {
  auto r = sample_router();
  EXPECT_NE(r.match(verb::get, "/api/market/BTC-USD/").route, nullptr);
  EXPECT_NE(r.match(verb::get, "//api//market/BTC-USD").route, nullptr);
}

TEST(Router, WrongMethodReportsAllowedMethods) {
  auto r = sample_router();
  auto m = r.match(verb::delete_, "/api/strategies/7");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_NE(std::find(m.allowed.begin(), m.allowed.end(), verb::get), m.allowed.end());
  EXPECT_NE(std::find(m.allowed.begin(), m.allowed.end(), verb::patch), m.allowed.end());
  EXPECT_EQ(std::find(m.allowed.begin(), m.allowed.end(), verb::post), m.allowed.end());
}

TEST(Router, UnknownPathHasNoRouteAndNoAllowedMethods) {
  auto r = sample_router();
  auto m = r.match(verb::get, "/nope");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, AScrapeRouteWithARoleIsRefused) {
  api::Router r;
  auto h = [](const api::Request&, api::Reply) {};
  EXPECT_THROW(r.add({verb::get, "/metrics", api::Role::viewer, "m", h, true}), std::invalid_argument);
  EXPECT_NO_THROW(r.add({verb::get, "/metrics", api::Role::anonymous, "m", h, true}));
}

TEST(Authorization, RolesAreOrderedWhenEnforced) {
  EXPECT_TRUE(api::authorized(api::Role::admin, api::Role::trader, true));
  EXPECT_TRUE(api::authorized(api::Role::trader, api::Role::trader, true));
  EXPECT_FALSE(api::authorized(api::Role::viewer, api::Role::trader, true));
  EXPECT_FALSE(api::authorized(api::Role::anonymous, api::Role::viewer, true));
  EXPECT_TRUE(api::authorized(api::Role::anonymous, api::Role::admin, false));
}

// The daemon's real route table: every route that changes state needs at least a trader
// (but those that change only the caller's own credentials), user administration needs an
// admin, and no two routes share a method and pattern.
TEST(RouteTable, EveryStateChangingRouteNeedsATrader) {
  // How a caller gets or gives up credentials (anonymous), and their own password and keys
  // (any signed-in caller).
  const std::vector<std::pair<verb, std::string>> self_service = {
      {verb::post, "/api/auth/register"},    {verb::post, "/api/auth/login"},    {verb::post, "/api/auth/refresh"},
      {verb::post, "/api/auth/logout"},      {verb::post, "/api/auth/password"}, {verb::post, "/api/auth/keys"},
      {verb::delete_, "/api/auth/keys/{id}"}};
  boost::asio::io_context io;
  core::InstrumentTable instruments(core::default_instruments());
  engine::JournalQueue journal(1024);
  engine::EngineRunner runner(io, instruments, engine::PortfolioConfig{}, engine::RunnerConfig{}, market::SimConfig{},
                              journal, engine::RecoveredState{});
  storage::JournalWriter writer("", journal, instruments, 1, [](std::uint64_t) {});
  api::ApiContext ctx{runner, instruments, writer, core::now(), "test", false, {}, {}};
  api::Router router;
  api::add_all_routes(router, ctx);

  ASSERT_FALSE(router.routes().empty());
  for (const auto& route : router.routes()) {
    SCOPED_TRACE(route.pattern);
    const bool own = std::find(self_service.begin(), self_service.end(), std::pair{route.method, route.pattern}) !=
                     self_service.end();
    if (route.method != verb::get && route.method != verb::head && !own) {
      EXPECT_GE(static_cast<int>(route.role), static_cast<int>(api::Role::trader));
    }
    if (route.pattern.starts_with("/api/users")) {
      EXPECT_EQ(route.role, api::Role::admin);
    }
    // Public: liveness, sign-in and the API's description only; /metrics is the one scraper's
    // route (loopback or its token).
    if (route.role == api::Role::anonymous && !route.scrape) {
      EXPECT_TRUE(route.pattern.ends_with("/health") || route.pattern.starts_with("/api/auth/") ||
                  route.pattern == "/api/openapi.json");
    }
    EXPECT_EQ(route.scrape, route.pattern == "/metrics");
    EXPECT_FALSE(route.summary.empty());
    for (const auto& other : router.routes())
      if (&other != &route) {
        EXPECT_FALSE(other.method == route.method && other.pattern == route.pattern);
      }
  }
}
