// The one resolver of "which portfolio does this request mean": by id, "default" or name, in
// the path, the query or the body; absent = the default portfolio; unknown = 404 naming the
// field; a body value of the wrong type, or places that disagree, = 422.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "meridian/api/portfolio_ref.hpp"

using namespace meridian;
using nlohmann::json;

namespace {

class PortfolioRefTest : public ::testing::Test {
 protected:
  PortfolioRefTest() {
    engine::PortfolioSetup setup;
    setup.config.portfolio_id = 2;
    setup.config.initial_capital = core::Money::from_units(5'000);
    setup.config.journal_bars = false;
    setup.config.autostart = false;  // stopped and flat: removable
    setup.name = "alpha";
    setup.currency = "EUR";
    setup.journal = &journal2;
    bool added = false;
    runner.add_portfolio(std::move(setup), [&](const engine::CommandResult& r) {
      EXPECT_FALSE(r) << r->message;
      added = true;
    });
    io.run();
    EXPECT_TRUE(added);
  }

  // Resolves for a request to `target` (path params as given) with an optional body.
  api::ApiResult<api::PortfolioRef> resolve(const std::string& target, api::PathParams params = {},
                                            const json* body = nullptr, std::string_view path_param = {}) {
    raw = api::HttpRequest{api::http::verb::get, target, 11};
    url = boost::urls::parse_origin_form(raw.target()).value();
    api::Request req{raw, url.encoded_path(), url.params(), std::move(params)};
    return api::resolve_portfolio(ctx, req, api::PortfolioFrom{path_param, body});
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
  engine::JournalQueue journal2{1024};
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

}  // namespace
