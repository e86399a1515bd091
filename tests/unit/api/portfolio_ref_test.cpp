// The one resolver of "which portfolio does this request mean": by id, "default" or name, in
// the path, the query or the body; absent = the default portfolio; unknown = 404 naming the
// field; a body value of the wrong type, or places that disagree, = 422. With auth enforced,
// another user's portfolio is unknown too (ownership.hpp), and "default" is the caller's.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/url/parse.hpp>
#include <deque>
#include <nlohmann/json.hpp>

#include "meridian/api/portfolio_ref.hpp"

using namespace meridian;
using nlohmann::json;

namespace {

class PortfolioRefTest : public ::testing::Test {
 protected:
  PortfolioRefTest() { add(2, "alpha", 0, "EUR", core::Money::from_units(5'000)); }

  // Portfolio `id` joins the engine (stopped and flat: removable), owned by `owner` (0: none).
  void add(engine::PortfolioId id, std::string name, std::int64_t owner, std::string currency = "USD",
           core::Money capital = core::Money::from_units(1'000)) {
    engine::PortfolioSetup setup;
    setup.config.portfolio_id = id;
    setup.config.initial_capital = capital;
    setup.config.journal_bars = false;
    setup.config.autostart = false;
    setup.name = std::move(name);
    setup.currency = std::move(currency);
    setup.owner_id = owner;
    setup.journal = &journals.emplace_back(1024);
    bool added = false;
    runner.add_portfolio(std::move(setup), [&](const engine::CommandResult& r) {
      EXPECT_FALSE(r) << r->message;
      added = true;
    });
    io.restart();
    io.run();
    EXPECT_TRUE(added);
  }

  // Resolves for a request to `target` (path params as given) with an optional body, made by `who`.
  api::ApiResult<api::PortfolioRef> resolve(const std::string& target, api::PathParams params = {},
                                            const json* body = nullptr, std::string_view path_param = {},
                                            const auth::Principal& who = {}) {
    raw = api::HttpRequest{api::http::verb::get, target, 11};
    url = boost::urls::parse_origin_form(raw.target()).value();
    api::Request req{raw, url.encoded_path(), url.params(), std::move(params)};
    req.principal = who;
    return api::resolve_portfolio(ctx, req, api::PortfolioFrom{path_param, body});
  }
  api::ApiResult<api::PortfolioRef> resolve_as(const auth::Principal& who, const std::string& target,
                                               const json* body = nullptr) {
    return resolve(target, {}, body, {}, who);
  }
  // The ids of the portfolios `who` may see with a request to `target`, or the error's status.
  std::vector<engine::PortfolioId> visible_to(const auth::Principal& who, const std::string& target) {
    raw = api::HttpRequest{api::http::verb::get, target, 11};
    url = boost::urls::parse_origin_form(raw.target()).value();
    api::Request req{raw, url.encoded_path(), url.params(), {}};
    req.principal = who;
    auto visible = api::visible_portfolios(ctx, req);
    if (!visible)
      return {-static_cast<engine::PortfolioId>(api::error_response(11, false, visible.error()).result_int())};
    std::vector<engine::PortfolioId> ids;
    for (const auto& e : *visible) ids.push_back(e->id);
    return ids;
  }

  // The resolved id; a failure when it is an error.
  static engine::PortfolioId id_of(const api::ApiResult<api::PortfolioRef>& r) {
    if (r.has_error()) {
      const auto res = api::error_response(11, false, r.error());
      ADD_FAILURE() << "expected a portfolio, got " << res.result_int() << " " << res.body();
      return -1;
    }
    const auto& ref = *r;
    EXPECT_TRUE(ref.snap);
    EXPECT_TRUE(ref.entry);
    if (ref.snap) {
      EXPECT_EQ(ref.snap->portfolio_id, ref.id) << "the snapshot is the portfolio's";
    }
    if (ref.entry) {
      EXPECT_EQ(ref.entry->id, ref.id);
    }
    return ref.id;
  }

  // The error's status and body; a failure when it resolved.
  static std::pair<unsigned, json> error_of(const api::ApiResult<api::PortfolioRef>& r) {
    if (r.has_value()) {
      ADD_FAILURE() << "expected an error, got portfolio " << r->id;
      return {0, json()};
    }
    const auto res = api::error_response(11, false, r.error());
    return {res.result_int(), json::parse(res.body())};
  }

  boost::asio::io_context io;
  core::InstrumentTable instruments{core::default_instruments()};
  engine::JournalQueue journal{1024};
  std::deque<engine::JournalQueue> journals;  // one per added portfolio (a deque: they never move)
  static engine::RunnerConfig runner_config() {
    engine::RunnerConfig c;
    c.history_bars = 0;
    return c;
  }
  engine::EngineRunner runner{io,
                              instruments,
                              engine::PortfolioConfig{},
                              runner_config(),
                              market::SimConfig{},
                              journal,
                              engine::RecoveredState{}};
  storage::JournalWriter writer{"", journal, instruments, 1, [](std::uint64_t) {}};
  api::ApiContext ctx{runner, instruments, writer, core::now(), "test", false, {}, {}};
  api::HttpRequest raw;
  boost::urls::url_view url;
};

TEST_F(PortfolioRefTest, NamedNowhereIsTheDefault) {
  auto r = resolve("/api/trading/status");
  EXPECT_EQ(id_of(r), engine::kDefaultPortfolioId);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->is_default);
  EXPECT_EQ(r->entry->name, "default");
}

TEST_F(PortfolioRefTest, QueryByIdDefaultOrName) {
  EXPECT_EQ(id_of(resolve("/api/trades?portfolio=2")), 2);
  EXPECT_EQ(id_of(resolve("/api/trades?portfolio_id=2")), 2);
  EXPECT_EQ(id_of(resolve("/api/trades?portfolio=alpha")), 2);
  EXPECT_EQ(id_of(resolve("/api/trades?portfolio=default")), 1);
  EXPECT_EQ(id_of(resolve("/api/trades?portfolio=1")), 1);
  auto r = resolve("/api/trades?portfolio=alpha");
  ASSERT_TRUE(r.has_value());
  const auto& ref = *r;
  EXPECT_FALSE(ref.is_default);
  EXPECT_EQ(ref.entry->currency, "EUR");
  EXPECT_EQ(ref.snap->initial_capital, core::Money::from_units(5'000)) << "portfolio 2's own snapshot";
}

TEST_F(PortfolioRefTest, UnknownIs404NamingTheField) {
  for (const std::string given : {"999", "0", "-1", "nope", "ALPHA", "", "99999999999999999999999"}) {
    SCOPED_TRACE(given);
    auto [status, body] = error_of(resolve("/api/trades?portfolio=" + given));
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(body["error"]["code"], "not_found");
    EXPECT_EQ(body["error"]["details"]["field"], "portfolio");
    EXPECT_EQ(body["error"]["details"]["value"], given);
  }
  auto [status, body] = error_of(resolve("/api/trades?portfolio_id=7"));
  EXPECT_EQ(status, 404u);
  EXPECT_EQ(body["error"]["details"]["field"], "portfolio_id");
}

TEST_F(PortfolioRefTest, PathParam) {
  EXPECT_EQ(id_of(resolve("/api/portfolios/2", {{"id", "2"}}, nullptr, "id")), 2);
  EXPECT_EQ(id_of(resolve("/api/portfolios/alpha", {{"id", "alpha"}}, nullptr, "id")), 2);
  EXPECT_EQ(id_of(resolve("/api/portfolios/default", {{"id", "default"}}, nullptr, "id")), 1);
  auto [status, body] = error_of(resolve("/api/risk/var/999", {{"portfolio_id", "999"}}, nullptr, "portfolio_id"));
  EXPECT_EQ(status, 404u);
  EXPECT_EQ(body["error"]["details"]["field"], "portfolio_id");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("999"), std::string::npos);
  // An {id} the route does not mean as a portfolio (an order id) is not read.
  EXPECT_EQ(id_of(resolve("/api/orders/12", {{"id", "12"}})), 1);
}

TEST_F(PortfolioRefTest, BodyNumberOrString) {
  const json by_number{{"portfolio_id", 2}};
  const json by_float{{"portfolio_id", 2.0}};
  const json by_name{{"portfolio", "alpha"}};
  const json by_default{{"portfolio", "default"}};
  const json by_text_id{{"portfolio_id", "2"}};
  const json null_is_absent{{"portfolio_id", nullptr}};
  EXPECT_EQ(id_of(resolve("/api/trade", {}, &by_number)), 2);
  EXPECT_EQ(id_of(resolve("/api/trade", {}, &by_float)), 2);
  EXPECT_EQ(id_of(resolve("/api/trade", {}, &by_name)), 2);
  EXPECT_EQ(id_of(resolve("/api/trade", {}, &by_default)), 1);
  EXPECT_EQ(id_of(resolve("/api/trade", {}, &by_text_id)), 2);
  EXPECT_EQ(id_of(resolve("/api/trade", {}, &null_is_absent)), 1);

  for (const json& unknown : {json{{"portfolio_id", 999}}, json{{"portfolio_id", -3}}, json{{"portfolio_id", 1e300}},
                              json{{"portfolio_id", 18446744073709551615ULL}}, json{{"portfolio", "nope"}}}) {
    SCOPED_TRACE(unknown.dump());
    auto [status, body] = error_of(resolve("/api/trade", {}, &unknown));
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(body["error"]["code"], "not_found");
    EXPECT_EQ(body["error"]["details"]["field"], unknown.begin().key());
  }
  for (const json& bad : {json{{"portfolio_id", 2.5}}, json{{"portfolio_id", true}}, json{{"portfolio", json::array()}},
                          json{{"portfolio", json::object()}}}) {
    SCOPED_TRACE(bad.dump());
    auto [status, body] = error_of(resolve("/api/trade", {}, &bad));
    EXPECT_EQ(status, 422u);
    EXPECT_EQ(body["error"]["code"], "invalid_field");
    EXPECT_EQ(body["error"]["details"]["field"], bad.begin().key());
  }
}

TEST_F(PortfolioRefTest, QueryAndBodyMustAgree) {
  const json two{{"portfolio_id", 2}};
  EXPECT_EQ(id_of(resolve("/api/trade?portfolio=alpha", {}, &two)), 2) << "the same portfolio by name and id";
  auto [status, body] = error_of(resolve("/api/trade?portfolio=default", {}, &two));
  EXPECT_EQ(status, 422u);
  EXPECT_EQ(body["error"]["details"]["field"], "portfolio_id");
  EXPECT_EQ(body["error"]["details"]["conflicts_with"], "portfolio");
  // The query is checked first: an unknown one is its 404, whatever the body says.
  auto [status2, body2] = error_of(resolve("/api/trade?portfolio=nope", {}, &two));
  EXPECT_EQ(status2, 404u);
  EXPECT_EQ(body2["error"]["details"]["field"], "portfolio");
}

TEST_F(PortfolioRefTest, FindPortfolioAndRemoval) {
  EXPECT_EQ(api::find_portfolio(runner, "alpha")->id, 2);
  EXPECT_EQ(api::find_portfolio(runner, "default")->id, 1);
  EXPECT_EQ(api::find_portfolio(runner, "nope"), nullptr);
  bool removed = false;
  // Only a stopped (and flat) portfolio may leave: the fixture's never started (autostart off).
  runner.remove_portfolio(2, [&](const engine::CommandResult& r) {
    EXPECT_FALSE(r) << r->message;
    removed = true;
  });
  io.restart();
  io.run();
  ASSERT_TRUE(removed);
  auto [status, body] = error_of(resolve("/api/trades?portfolio=2"));
  EXPECT_EQ(status, 404u) << "a removed portfolio is unknown";
  EXPECT_EQ(api::find_portfolio(runner, "alpha"), nullptr);
}

// With auth enforced, the resolver sees only what ownership.hpp lets the caller see: portfolio 1
// (the default) and 2 (alpha) have no owner (the admins'), 3 and 5 are user 10's, 4 user 11's.
class OwnedPortfolioRefTest : public PortfolioRefTest {
 protected:
  OwnedPortfolioRefTest() {
    add(3, "gamma", 10);
    add(4, "delta", 11);
    add(5, "epsilon", 10);
    ctx.enforce_auth = true;
  }
  static auth::Principal user(std::int64_t id, auth::Role role = auth::Role::trader) {
    auth::Principal p;
    p.user_id = id;
    p.role = role;
    return p;
  }
  // The error a portfolio the caller may not see answers, next to a nonexistent one's.
  void expect_same_as_unknown(const auth::Principal& who, const std::string& query_given) {
    SCOPED_TRACE(query_given);
    auto [status, body] = error_of(resolve_as(who, "/api/trades?portfolio=" + query_given));
    auto [unknown_status, unknown] = error_of(resolve_as(who, "/api/trades?portfolio=nope"));
    EXPECT_EQ(status, 404u);
    EXPECT_EQ(status, unknown_status);
    EXPECT_EQ(body["error"]["code"], unknown["error"]["code"]);
    EXPECT_EQ(body["error"]["details"]["field"], unknown["error"]["details"]["field"]);
    EXPECT_EQ(body["error"]["message"], "no portfolio '" + query_given + "'; see /api/portfolios");
  }
};

TEST_F(OwnedPortfolioRefTest, AUserResolvesOnlyTheirOwnAndNamingNoneIsTheirFirst) {
  const auto ann = user(10);
  EXPECT_EQ(id_of(resolve_as(ann, "/api/trading/status")), 3) << "their first own portfolio";
  EXPECT_EQ(id_of(resolve_as(ann, "/api/trading/status?portfolio=default")), 3);
  EXPECT_EQ(id_of(resolve_as(ann, "/api/trades?portfolio=5")), 5);
  EXPECT_EQ(id_of(resolve_as(ann, "/api/trades?portfolio=epsilon")), 5);
  ASSERT_TRUE(resolve_as(ann, "/api/trading/status").has_value());
  EXPECT_FALSE(resolve_as(ann, "/api/trading/status")->is_default) << "not the daemon's default portfolio";
  for (const std::string other : {"4", "delta", "1", "2", "alpha"}) expect_same_as_unknown(ann, other);
  const json body{{"portfolio_id", 4}};
  EXPECT_EQ(error_of(resolve_as(ann, "/api/trade", &body)).first, 404u) << "another's id in a body";
  EXPECT_EQ(error_of(resolve("/api/portfolios/4", {{"id", "4"}}, nullptr, "id", ann)).first, 404u) << "in the path";
  // Their user_id is who they are: another user's id changes nothing.
  EXPECT_EQ(id_of(resolve_as(ann, "/api/trades?user_id=11")), 3);
  EXPECT_EQ(id_of(resolve_as(ann, "/api/trades?user_id=junk")), 3) << "not theirs to filter by: not read";
}

TEST_F(OwnedPortfolioRefTest, AUserWithoutAPortfolioIsToldToCreateOne) {
  auto [status, body] = error_of(resolve_as(user(12, auth::Role::viewer), "/api/trading/status"));
  EXPECT_EQ(status, 404u);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["details"]["field"], "portfolio_id");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("POST /api/portfolios"), std::string::npos);
  // Anonymous callers (--public-read) own nothing and see nothing.
  EXPECT_EQ(error_of(resolve_as(auth::Principal{}, "/api/trading/status")).first, 404u);
  expect_same_as_unknown(auth::Principal{}, "1");
}

TEST_F(OwnedPortfolioRefTest, AnAdminSeesEveryPortfolioAndMayFilterByOwner) {
  const auto root = user(1, auth::Role::admin);
  EXPECT_EQ(id_of(resolve_as(root, "/api/trading/status")), 1) << "the daemon's default portfolio";
  for (const engine::PortfolioId id : {1, 2, 3, 4, 5})
    EXPECT_EQ(id_of(resolve_as(root, "/api/trades?portfolio=" + std::to_string(id))), id);
  EXPECT_EQ(id_of(resolve_as(root, "/api/trades?user_id=11")), 4) << "user 11's first portfolio";
  EXPECT_EQ(id_of(resolve_as(root, "/api/trades?user_id=10&portfolio=epsilon")), 5);
  EXPECT_EQ(error_of(resolve_as(root, "/api/trades?user_id=11&portfolio=3")).first, 404u) << "not user 11's";
  auto [status, body] = error_of(resolve_as(root, "/api/trades?user_id=99"));
  EXPECT_EQ(status, 404u);
  EXPECT_EQ(body["error"]["message"], "user 99 has no portfolio");
  auto [bad, bad_body] = error_of(resolve_as(root, "/api/trades?user_id=junk"));
  EXPECT_EQ(bad, 400u);
  EXPECT_EQ(bad_body["error"]["details"]["field"], "user_id");
}

TEST_F(OwnedPortfolioRefTest, AnApiKeysScopeNarrowsWhatItSees) {
  auto key = user(10);
  key.api_key_id = 7;
  key.portfolio_scope = {5};
  EXPECT_EQ(id_of(resolve_as(key, "/api/trading/status")), 5) << "the first in scope";
  expect_same_as_unknown(key, "3");
  auto admin_key = user(1, auth::Role::admin);
  admin_key.api_key_id = 8;
  admin_key.portfolio_scope = {4};
  EXPECT_EQ(id_of(resolve_as(admin_key, "/api/trading/status")), 4);
  expect_same_as_unknown(admin_key, "1");
}

TEST_F(OwnedPortfolioRefTest, VisiblePortfoliosListsWhatEachCallerMaySee) {
  using Ids = std::vector<engine::PortfolioId>;
  EXPECT_EQ(visible_to(user(10), "/api/portfolios"), (Ids{3, 5}));
  EXPECT_EQ(visible_to(user(10), "/api/portfolios?user_id=11"), (Ids{3, 5})) << "replaced by the caller";
  EXPECT_EQ(visible_to(user(11, auth::Role::viewer), "/api/portfolios"), (Ids{4}));
  EXPECT_EQ(visible_to(user(12), "/api/portfolios"), Ids{});
  EXPECT_EQ(visible_to(auth::Principal{}, "/api/portfolios"), Ids{});
  EXPECT_EQ(visible_to(user(1, auth::Role::admin), "/api/portfolios"), (Ids{1, 2, 3, 4, 5}));
  EXPECT_EQ(visible_to(user(1, auth::Role::admin), "/api/portfolios?user_id=10"), (Ids{3, 5}));
  EXPECT_EQ(visible_to(user(1, auth::Role::admin), "/api/portfolios?user_id=0"), (Ids{-400}));
  // Auth off: everyone sees everything, and user_id is not read.
  ctx.enforce_auth = false;
  EXPECT_EQ(visible_to(auth::Principal{}, "/api/portfolios?user_id=junk"), (Ids{1, 2, 3, 4, 5}));
  EXPECT_EQ(id_of(resolve_as(auth::Principal{}, "/api/trading/status?user_id=10")), 1);
}

}  // namespace
