// Many portfolios in one daemon (#12 item 2): POST /api/portfolios validates what it is given;
// two created portfolios with their own capital, limits and strategies trade at once with
// ledgers that stay apart (cash, positions, trades, each trade's portfolio_id and id range),
// each reconciling with its stored trade log; a halt in one leaves the other trading; both come
// back as they were after kill -9; DELETE refuses a portfolio that is not stopped or not flat
// and removes one that is, for good (a restart does not bring it back).
#include <csignal>
#include <set>

#include "fixture.hpp"
#include "meridian/engine/id_space.hpp"
#include "support/ws_client.hpp"
#include "trade_audit.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

HttpResponse create(std::uint16_t port, const json& body) {
  return send_json(port, "POST", "/api/portfolios", body);
}

// Creates a portfolio; its id (a fatal failure otherwise).
long long create_ok(std::uint16_t port, const json& body) {
  const auto r = create(port, body);
  auto created = expect_json_response(r, 201, "POST /api/portfolios " + body.dump());
  expect_portfolio(created, "POST /api/portfolios");
  const auto id = created.value("id", 0LL);
  EXPECT_GT(id, 1);
  EXPECT_EQ(r.header("Location"), "/api/portfolios/" + std::to_string(id));
  EXPECT_EQ(created.value("name", ""), body.value("name", "?"));
  EXPECT_EQ(created.value("portfolio_id", 0LL), id);
  EXPECT_EQ(created.value("trades_count", -1LL), 0);
  EXPECT_EQ(created.value("session_state", ""), "stopped");
  return id;
}

std::string q(long long portfolio) {
  return "?portfolio=" + std::to_string(portfolio);
}

long long trades_count(std::uint16_t port, long long portfolio) {
  return get_json(port, "/api/trading/status" + q(portfolio)).value("trades_count", -1LL);
}

// What a restart must bring back of a portfolio.
struct Figures {
  double cash = 0;
  long long trades = 0;
  std::map<std::string, double> positions;
};

Figures figures(std::uint16_t port, long long portfolio) {
  Figures f;
  const auto status = get_json(port, "/api/trading/status" + q(portfolio));
  f.cash = status.value("cash", -1.0);
  f.trades = status.value("trades_count", -1LL);
  const auto positions = get_json(port, "/api/portfolios/" + std::to_string(portfolio) + "/positions");
  for (const auto& p : positions.at("items")) f.positions[p.value("symbol", "")] = p.value("quantity", 0.0);
  return f;
}

std::set<long long> listed_ids(std::uint16_t port) {
  std::set<long long> ids;
  const auto list = get_json(port, "/api/portfolios");
  for (const auto& p : list.at("items")) ids.insert(p.value("id", 0LL));
  return ids;
}

class MultiPortfolioCreate : public SharedDaemonTest<MultiPortfolioCreate> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;
    return o;
  }
};

TEST_F(MultiPortfolioCreate, ValidatesWhatItIsGiven) {
  const struct {
    json body;
    int status;
    const char* code;
    const char* field;
  } bad[] = {
      {{{"initial_capital", 1000}}, 422, "invalid_field", "name"},
      {{{"name", ""}}, 422, "invalid_field", "name"},
      {{{"name", std::string(65, 'x')}}, 422, "invalid_field", "name"},
      {{{"name", "tab\there"}}, 422, "invalid_field", "name"},
      {{{"name", "42"}}, 422, "invalid_field", "name"},
      {{{"name", 7}}, 422, "invalid_field", "name"},
      {{{"name", "zero"}, {"initial_capital", 0}}, 422, "invalid_field", "initial_capital"},
      {{{"name", "negative"}, {"initial_capital", -5}}, 422, "invalid_field", "initial_capital"},
      {{{"name", "huge"}, {"initial_capital", 1e300}}, 422, "out_of_range", "initial_capital"},
      {{{"name", "huge-text"}, {"initial_capital", "1000000000000000000000"}}, 422, "out_of_range", "initial_capital"},
      {{{"name", "words"}, {"initial_capital", "lots"}}, 422, "invalid_field", "initial_capital"},
      {{{"name", "fine"}, {"initial_capital", "1.123456789"}}, 422, "invalid_field", "initial_capital"},
      {{{"name", "cur"}, {"currency", "usd"}}, 422, "invalid_field", "currency"},
      {{{"name", "cur2"}, {"currency", "DOLLARS"}}, 422, "invalid_field", "currency"},
      {{{"name", "live"}, {"mode", "live"}}, 422, "invalid_field", "mode"},
      {{{"name", "lim"}, {"limits", {{"max_drawdown", 2}}}}, 422, "invalid_field", "limits.max_drawdown"},
      {{{"name", "lim2"}, {"limits", {{"max_order_notional", 1e300}}}},
       422,
       "out_of_range",
       "limits.max_order_notional"},
      {{{"name", "lim3"}, {"limits", {{"no_such_limit", 1}}}}, 422, "invalid_field", "limits.no_such_limit"},
      {{{"name", "lim4"}, {"limits", 5}}, 422, "invalid_field", "limits"},
      {{{"name", "extra"}, {"colour", "blue"}}, 422, "invalid_field", "colour"},
      {{{"name", "default"}}, 409, "name_taken", "name"},
  };
  for (const auto& c : bad) {
    const std::string where = "POST /api/portfolios " + c.body.dump();
    auto body = expect_error(create(port(), c.body), c.status, c.code, where);
    expect_error_field(body, c.field, where);
  }
  expect_error(send(port(), "POST", "/api/portfolios", "{nope"), 400, "", "malformed JSON");
  expect_error(send(port(), "POST", "/api/portfolios", "[1]"), 422, "invalid_field", "an array body");
  EXPECT_EQ(listed_ids(port()).size(), 1u) << "nothing refused was created";

  const auto id = create_ok(port(), {{"name", "Paper Two"},
                                     {"initial_capital", "25000.50"},
                                     {"currency", "EUR"},
                                     {"mode", "paper"},
                                     {"limits", {{"max_open_positions", 3}}}});
  auto one = get_json(port(), "/api/portfolios/" + std::to_string(id));
  expect_portfolio(one, "GET /api/portfolios/{id}");
  EXPECT_EQ(one.value("currency", ""), "EUR");
  EXPECT_DOUBLE_EQ(one.value("initial_capital", 0.0), 25000.5);
  EXPECT_DOUBLE_EQ(one.value("cash", 0.0), 25000.5);
  EXPECT_EQ(get_json(port(), "/api/portfolios/Paper%20Two").value("id", 0LL), id) << "found by name too";
  auto limits = get_json(port(), "/api/risk/limits/" + std::to_string(id));
  EXPECT_EQ(limits["limits"].value("max_open_positions", 0), 3);
  EXPECT_EQ(limits.value("portfolio_id", 0LL), id);

  auto dup = expect_error(create(port(), {{"name", "Paper Two"}}), 409, "name_taken", "duplicate name");
  expect_error_field(dup, "name", "duplicate name");

  auto list = get_json(port(), "/api/portfolios");
  expect_list(list, "GET /api/portfolios", expect_portfolio);
  ASSERT_EQ(list.at("items").size(), 2u);
  EXPECT_EQ(list["items"][0].value("name", ""), "default") << "directory order: the default first";
  EXPECT_EQ(list["items"][1].value("id", 0LL), id);
  auto names = get_json(port(), "/api/strategies/meta/portfolios");
  EXPECT_EQ(names.at("items"), json::array({"default", "Paper Two"}));

  expect_error(send(port(), "DELETE", "/api/portfolios/1"), 409, "default_portfolio", "DELETE the default");
  expect_error(send(port(), "DELETE", "/api/portfolios/default"), 409, "default_portfolio", "DELETE by name");
  expect_error(send(port(), "DELETE", "/api/portfolios/999"), 404, "not_found", "DELETE an unknown one");

  // Per-portfolio routes answer for it, and 404 for what it does not have.
  EXPECT_EQ(get_json(port(), "/api/trades" + q(id)).at("items").size(), 0u);
  expect_error(http_get(port(), "/api/orders/1" + q(id)), 404, "not_found", "another portfolio's order id");
  expect_error(http_get(port(), "/api/trading/status?portfolio=nope"), 404, "not_found", "unknown ?portfolio=");
  expect_error(send_json(port(), "POST", "/api/trade?portfolio=default",
                         {{"portfolio_id", id}, {"symbol", "BTC-USD"}, {"side", "buy"}, {"quantity", 0.001}}),
               422, "invalid_field", "query and body disagree");
}

class MultiPortfolio : public DaemonTest {};

TEST_F(MultiPortfolio, LedgersStayApartAndSurviveKill) {
  auto options = fast_trading(db().url());
  options.autostart = false;  // the default portfolio stays idle: its ledger must stay empty
  auto* daemon = &start_daemon(options);
  auto port = daemon->port();

  const auto a = create_ok(port, {{"name", "alpha"},
                                  {"initial_capital", 50'000},
                                  {"limits", {{"max_order_notional", 20'000}, {"max_open_positions", 4}}}});
  const auto b =
      create_ok(port, {{"name", "beta"}, {"initial_capital", "250000.5"}, {"limits", {{"price_band", 0.2}}}});
  ASSERT_NE(a, b);
  EXPECT_EQ(get_json(port, "/api/risk/limits/" + std::to_string(a))["limits"].value("max_open_positions", 0), 4);
  EXPECT_EQ(get_json(port, "/api/risk/limits/" + std::to_string(b))["limits"].value("price_band", 0.0), 0.2);

  WsClient ws(port);
  ASSERT_TRUE(ws.next_of_type("connected", kDeadline));

  // Different strategies: a fast SMA crossover in alpha, a 2-period RSI in beta.
  auto started_a = expect_json_response(
      send_json(port, "POST", "/api/trading/start" + q(a),
                {{"strategy", {{"class", "sma_crossover"}, {"fast_period", 2}, {"slow_period", 3}}}}),
      200, "start alpha");
  EXPECT_EQ(started_a["strategy"].value("class", ""), "sma_crossover");
  auto started_b = expect_json_response(
      send_json(
          port, "POST", "/api/trading/start?portfolio=beta",
          {{"strategy", {{"class", "rsi_mean_reversion"}, {"rsi_period", 2}, {"oversold", 45}, {"overbought", 55}}}}),
      200, "start beta");
  EXPECT_EQ(started_b["strategy"].value("class", ""), "rsi_mean_reversion");
  EXPECT_EQ(session_state(port), "stopped") << "the default portfolio did not start";

  ASSERT_TRUE(poll_until([&] { return trades_count(port, a) >= 3 && trades_count(port, b) >= 3; }, kDeadline))
      << "both portfolios should trade: alpha " << trades_count(port, a) << ", beta " << trades_count(port, b);

  // Trades over WebSocket say whose they are.
  std::set<long long> ws_portfolios;
  while (ws_portfolios.size() < 2) {
    auto m = ws.next_matching([](const json& j) { return j.value("type", "") == "trade"; }, kDeadline);
    ASSERT_TRUE(m) << "no trade message from both portfolios; seen " << ws_portfolios.size();
    const auto pid = m->value("portfolio_id", 0LL);
    EXPECT_EQ(m->at("data").value("portfolio_id", -1LL), pid) << m->dump();
    ws_portfolios.insert(pid);
  }
  EXPECT_EQ(ws_portfolios, (std::set<long long>{a, b}));

  // A halt in alpha leaves beta trading.
  auto halted = expect_json_response(
      send_json(port, "POST", "/api/risk/state/" + std::to_string(a), {{"state", "halted"}}), 200, "halt alpha");
  EXPECT_EQ(halted.value("state", ""), "halted");
  EXPECT_EQ(halted.value("portfolio_id", 0LL), a);
  EXPECT_EQ(get_json(port, "/api/risk/status/beta").value("state", ""), "active");
  EXPECT_EQ(get_json(port, "/api/risk/status/1").value("state", ""), "active");
  const json order{{"symbol", "BTC-USD"}, {"side", "buy"}, {"quantity", 0.001}};
  auto denied = send_json(port, "POST", "/api/trade" + q(a), order);
  EXPECT_EQ(expect_error(denied, 422, "risk_denied", "order in halted alpha")["error"]["details"].value("reason", ""),
            "halted");
  auto placed = expect_json_response(send_json(port, "POST", "/api/trade",
                                               [&] {
                                                 auto o = order;
                                                 o["portfolio_id"] = b;
                                                 return o;
                                               }()),
                                     201, "order in beta");
  EXPECT_EQ(placed.value("portfolio_id", 0LL), b);
  const auto order_id = placed.value("id", 0LL);
  EXPECT_TRUE(engine::owns_id(b, static_cast<std::uint64_t>(order_id))) << "beta's order id is in beta's range";
  expect_error(http_get(port, "/api/orders/" + std::to_string(order_id)), 404, "not_found",
               "beta's order in the default portfolio");
  expect_error(http_get(port, "/api/orders/" + std::to_string(order_id) + q(a)), 404, "not_found",
               "beta's order in alpha");
  EXPECT_EQ(get_json(port, "/api/orders/" + std::to_string(order_id) + q(b)).value("id", 0LL), order_id);
  const auto b_at_halt = trades_count(port, b);
  ASSERT_TRUE(poll_until([&] { return trades_count(port, b) > b_at_halt + 2; }, kDeadline))
      << "beta stopped trading when alpha was halted";

  // Settle both, then: each ledger its own, each reconciling with its stored trade log.
  ASSERT_NO_FATAL_FAILURE(pause_and_settle(db().url(), port, a));
  ASSERT_NO_FATAL_FAILURE(pause_and_settle(db().url(), port, b));
  for (const auto p : {a, b}) {
    SCOPED_TRACE("portfolio " + std::to_string(p));
    const auto ledger = load_ledger(db().url(), p);
    EXPECT_FALSE(ledger.trades.empty());
    for (const auto& t : ledger.trades)
      EXPECT_TRUE(engine::owns_id(p, static_cast<std::uint64_t>(t.id))) << "stored trade " << t.id;
    expect_ledger_matches_replay(port, ledger, p);
    std::size_t served = 0;
    for (const auto& path : {"/api/trades" + q(p), "/api/portfolios/" + std::to_string(p) + "/trades"}) {
      const auto page = get_json(port, path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=5000");
      served = page.at("items").size();
      for (const auto& t : page.at("items")) EXPECT_EQ(t.value("portfolio_id", 0LL), p) << path << ": " << t.dump();
    }
    EXPECT_EQ(served, ledger.trades.size());
  }
  EXPECT_DOUBLE_EQ(get_json(port, "/api/portfolios/" + std::to_string(a)).value("initial_capital", 0.0), 50'000.0);
  EXPECT_DOUBLE_EQ(get_json(port, "/api/portfolios/beta").value("initial_capital", 0.0), 250'000.5);
  EXPECT_TRUE(load_ledger(db().url(), kPortfolioId).trades.empty()) << "the idle default portfolio has no trades";
  EXPECT_EQ(get_json(port, "/api/trades").at("items").size(), 0u) << "/api/trades without ?portfolio= is the default's";

  // Strategy instances belong to their portfolio.
  auto instances = get_json(port, "/api/strategies");
  std::set<long long> instance_portfolios;
  for (const auto& i : instances.at("items")) instance_portfolios.insert(i.value("portfolio_id", 0LL));
  EXPECT_EQ(instance_portfolios, (std::set<long long>{1, a, b})) << "every portfolio's instances without ?portfolio=";
  auto added =
      expect_json_response(send_json(port, "POST", "/api/strategies",
                                     {{"name", "beta-macd"}, {"class", "macd_crossover"}, {"portfolio", "beta"}}),
                           201, "add an instance to beta");
  EXPECT_EQ(added.value("portfolio", ""), "beta");
  EXPECT_EQ(added.value("portfolio_id", 0LL), b);
  const auto alpha_instances = get_json(port, "/api/strategies" + q(a));
  for (const auto& i : alpha_instances.at("items"))
    EXPECT_NE(i.value("name", ""), "beta-macd") << "alpha does not list beta's instance";

  // kill -9 and restart: both come back as they were.
  const Figures before_a = figures(port, a), before_b = figures(port, b);
  ASSERT_TRUE(daemon->stop(SIGKILL).has_value());
  daemon = &start_daemon(options);
  port = daemon->port();
  EXPECT_EQ(listed_ids(port), (std::set<long long>{1, a, b}));
  for (const auto& [p, before] : {std::pair{a, before_a}, std::pair{b, before_b}}) {
    SCOPED_TRACE("after restart, portfolio " + std::to_string(p));
    const auto after = figures(port, p);
    EXPECT_EQ(after.trades, before.trades);
    EXPECT_DOUBLE_EQ(after.cash, before.cash);
    EXPECT_EQ(after.positions, before.positions);
    expect_ledger_matches_replay(port, load_ledger(db().url(), p), p);
  }
  EXPECT_EQ(get_json(port, "/api/portfolios/alpha").value("id", 0LL), a) << "names survive too";

  // DELETE: not stopped → 409; stopped but holding → 409 not_flat; flat and stopped → 204.
  auto not_stopped = expect_error(send(port, "DELETE", "/api/portfolios/" + std::to_string(b)), 409, "not_stopped",
                                  "DELETE a paused portfolio");
  (void)not_stopped;
  expect_json_response(http_post(port, "/api/trading/stop" + q(b)), 200, "stop beta");
  const auto price = last_price(port, "ETH-USD");
  expect_json_response(send_json(port, "POST", "/api/trades" + q(b),
                                 {{"symbol", "ETH-USD"},
                                  {"side", "buy"},
                                  {"quantity", 0.01},
                                  {"price", price},
                                  {"force", true},
                                  {"reason", "e2e: hold a position"}}),
                       201, "record a buy in beta");
  expect_error(send(port, "DELETE", "/api/portfolios/beta"), 409, "not_flat", "DELETE a portfolio with a position");

  const auto c = create_ok(port, {{"name", "gamma"}, {"initial_capital", 1000}});
  EXPECT_EQ(send(port, "DELETE", "/api/portfolios/" + std::to_string(c)).status, 204);
  expect_error(http_get(port, "/api/portfolios/" + std::to_string(c)), 404, "not_found", "a deleted portfolio");
  expect_error(http_get(port, "/api/trades" + q(c)), 404, "not_found", "a deleted portfolio's trades");
  EXPECT_FALSE(listed_ids(port).contains(c));
  EXPECT_EQ(send(port, "DELETE", "/api/portfolios/" + std::to_string(c)).status, 404) << "deleted once";

  ASSERT_TRUE(daemon->stop(SIGTERM).has_value());
  daemon = &start_daemon(options);
  port = daemon->port();
  EXPECT_EQ(listed_ids(port), (std::set<long long>{1, a, b})) << "a deleted portfolio stays deleted";
  expect_error(http_get(port, "/api/portfolios/gamma"), 404, "not_found", "gamma after a restart");
  EXPECT_EQ(create(port, {{"name", "gamma"}}).status, 201) << "a deleted portfolio's name is free again";
}

}  // namespace
}  // namespace meridian::e2e
