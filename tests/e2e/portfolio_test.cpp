// Portfolios, performance and risk analytics, and the session routes around them: the portfolio
// summary and its holdings; trades recorded by hand (POST /api/trades) and the trade statistics
// they make in /api/engine/metrics; the equity-curve figures (performance, VaR, risk metrics)
// in their documented shapes with finite numbers; risk limits as a validated partial update;
// PUT /api/trading/strategy, /api/engine/start|stop; and POST /api/trading/reset, which needs
// its confirmation. Tests run in this order on one daemon whose session stays stopped until the
// engine test (only the trades recorded here exist when the statistics are checked).
#include "fixture.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using K = Kind;

class PortfolioRisk : public SharedDaemonTest<PortfolioRisk> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;
    return o;
  }
};

std::string pid(std::uint16_t port) {
  return std::to_string(portfolio_id(port));
}

TEST_F(PortfolioRisk, PortfolioSummaryAndHoldings) {
  auto list = get_json(port(), "/api/portfolios");
  expect_list(list, "GET /api/portfolios", expect_portfolio);
  ASSERT_EQ(list.value("items", json::array()).size(), 1u);
  const auto id = pid(port());
  auto one = get_json(port(), "/api/portfolios/" + id);
  expect_portfolio(one, "GET /api/portfolios/{id}");
  EXPECT_EQ(one.value("name", ""), "default");
  EXPECT_DOUBLE_EQ(one.value("equity", 0.0), one.value("cash", -1.0) + one.value("market_value", -1.0));
  EXPECT_EQ(get_json(port(), "/api/portfolios/default").value("id", 0LL), one.value("id", -1LL))
      << "the portfolio's name also finds it";
  expect_list(get_json(port(), "/api/portfolios/" + id + "/positions"), "positions", expect_position);
  expect_list(get_json(port(), "/api/portfolios/" + id + "/trades"), "trades", expect_trade);

  for (const std::string path : {"/api/portfolios/999", "/api/portfolios/999/positions", "/api/portfolios/999/trades",
                                 "/api/portfolios/999/performance", "/api/risk/var/999", "/api/risk/metrics/999",
                                 "/api/risk/limits/999", "/api/risk/status/999", "/api/trades?portfolio=999"}) {
    auto body = expect_error(http_get(port(), path), 404, "not_found", "GET " + path);
    EXPECT_NE(body.dump().find("999"), std::string::npos) << "the error should name the id: " << body.dump();
  }
}

json record(std::uint16_t port, const json& trade, int status, const std::string& where) {
  return expect_json_response(send_json(port, "POST", "/api/trades", trade), status, where);
}

TEST_F(PortfolioRisk, RecordedTradesMakeTheTradeStatistics) {
  // Two round trips in ETH: +100 on the first sell, -50 on the second (fees aside).
  // Fixed prices, whatever the simulated market does: forced, with a reason (#11 item 4).
  const json forced{{"force", true}, {"reason", "e2e: fixed prices"}};
  auto with = [&](json trade) {
    trade.update(forced);
    return trade;
  };
  auto first =
      record(port(), with({{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}, {"price", 3000}, {"fee", 1}}), 201,
             "record buy");
  expect_order(first, "POST /api/trades");
  EXPECT_EQ(first.value("status", ""), "filled");
  EXPECT_DOUBLE_EQ(first.value("average_price", 0.0), 3000.0);
  EXPECT_DOUBLE_EQ(first.value("fees", 0.0), 1.0);
  record(port(), with({{"symbol", "ETH-USD"}, {"side", "sell"}, {"quantity", 1}, {"price", 3100}, {"fee", 1}}), 201,
         "record sell +100");
  record(port(), with({{"symbol", "ETH-USD"}, {"side", "buy"}, {"qty", 1}, {"price", 3000}}), 201, "record buy again");
  record(port(), with({{"symbol", "ETH-USD"}, {"side", "sell"}, {"quantity", 0.5}, {"price", 2900}}), 201,
         "record sell -50");

  const struct {
    json body;
    const char* field;
  } bad[] = {{{{"symbol", "ETH-USD"}, {"side", "sell"}, {"quantity", 10}, {"price", 3000}}, "quantity"},
             {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}}, "price"},
             {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}, {"price", 0}}, "price"},
             {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}, {"price", 10}, {"fee", -1}}, "fee"},
             {{{"symbol", "NOPE"}, {"side", "buy"}, {"quantity", 1}, {"price", 10}}, "symbol"},
             {{{"symbol", "ETH-USD"}, {"side", "short"}, {"quantity", 1}, {"price", 10}}, "side"}};
  for (const auto& c : bad) {
    const std::string where = "POST /api/trades " + c.body.dump();
    auto body = expect_error(send_json(port(), "POST", "/api/trades", c.body), 422, "", where);
    expect_error_field(body, c.field, where);
  }

  json metrics;
  ASSERT_TRUE(poll_until(
      [&] {
        metrics = get_json(port(), "/api/engine/metrics");
        return metrics.value("total_trades", 0LL) == 4;
      },
      kDeadline))
      << "the four recorded trades never showed: " << metrics.dump();
  expect_metrics(metrics, "GET /api/engine/metrics");
  EXPECT_EQ(metrics.value("trades", 0LL), 2) << "two sells closed positions";
  EXPECT_EQ(metrics.value("wins", 0LL), 1);
  EXPECT_EQ(metrics.value("losses", 0LL), 1);
  EXPECT_DOUBLE_EQ(metrics.value("win_rate", 0.0), 0.5);
  EXPECT_NEAR(metrics.value("gross_profit", 0.0), 100.0, 1e-9);
  EXPECT_NEAR(metrics.value("gross_loss", 0.0), 50.0, 1e-9);
  EXPECT_NEAR(metrics.value("profit_factor", 0.0), 2.0, 1e-9);
  EXPECT_NEAR(metrics.value("realized_pnl", 0.0), 50.0, 1e-9);
  EXPECT_NEAR(metrics.value("fees", 0.0), 2.0, 1e-9);

  auto trades = get_json(port(), "/api/portfolios/" + pid(port()) + "/trades?symbol=ETH-USD");
  expect_list(trades, "GET /api/portfolios/{id}/trades", expect_trade);
  ASSERT_EQ(trades.value("items", json::array()).size(), 4u);
  EXPECT_EQ(trades["items"][0].value("strategy", ""), "manual");
  EXPECT_EQ(trades["items"][0].value("manual", false), true) << "recorded by hand: marked manual";
  EXPECT_EQ(trades["items"][0].value("note", ""), "forced: e2e: fixed prices");
  EXPECT_NEAR(trades["items"][0].value("realized_pnl", 0.0), -50.0, 1e-9) << "newest first";
}

// #11 items 1 and 4: the issue's reproduction (1,000,000 x 100,000 wrapped to a notional of
// -84467440737.1 and created cash) is 422 out_of_range naming the field, and cash is unchanged;
// every number beyond the ledger's range is refused the same way; hand-recorded trades need a
// sane fee and, outside the price band, force with a reason.
TEST_F(PortfolioRisk, OutOfRangeTradesAreRefusedAndCashIsUnchanged) {
  const auto before = get_json(port(), "/api/portfolios/" + pid(port()));
  const struct {
    json body;
    const char* code;
    const char* field;
  } bad[] = {
      {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1000000}, {"price", 100000}}, "out_of_range", "quantity"},
      {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1e12}, {"price", 1}}, "out_of_range", "quantity"},
      {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}, {"price", 1e11}}, "out_of_range", "price"},
      {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}, {"price", 3000}, {"fee", 1e11}},
       "out_of_range",
       "fee"},
      {{{"symbol", "ETH-USD"},
        {"side", "buy"},
        {"quantity", 1},
        {"price", 3000},
        {"fee", 1e10},
        {"force", true},
        {"reason", "fee probe"}},
       "",
       "fee"},
      {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}, {"price", 30000}, {"force", true}}, "", "reason"},
      {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}, {"price", 30000}, {"force", "yes"}}, "", "force"},
      {{{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1}, {"price", 30000}}, "", "price"},
  };
  for (const auto& c : bad) {
    const std::string where = "POST /api/trades " + c.body.dump();
    auto body = expect_error(send_json(port(), "POST", "/api/trades", c.body), 422, c.code, where);
    expect_error_field(body, c.field, where);
  }
  // Orders too: a limit order whose value does not fit, and a number beyond the range.
  auto order = expect_error(
      send_json(
          port(), "POST", "/api/trade",
          {{"symbol", "ETH-USD"}, {"side", "buy"}, {"quantity", 1000000}, {"type", "limit"}, {"limit_price", 100000}}),
      422, "out_of_range", "POST /api/trade limit 1e6 x 1e5");
  expect_error_field(order, "quantity", "POST /api/trade limit 1e6 x 1e5");
  auto limits = expect_error(send_json(port(), "POST", "/api/risk/limits/" + pid(port()), {{"max_daily_loss", 1e11}}),
                             422, "out_of_range", "POST /api/risk/limits max_daily_loss 1e11");
  expect_error_field(limits, "max_daily_loss", "POST /api/risk/limits max_daily_loss 1e11");

  const auto after = get_json(port(), "/api/portfolios/" + pid(port()));
  EXPECT_EQ(after.value("cash", -1.0), before.value("cash", -2.0)) << "a refused trade changed cash";
}

// #11 item 10: ISO times beyond the supported range are 400 naming the parameter, not wrapped
// (?since=2262-04-12 listed every trade).
TEST_F(PortfolioRisk, TimesBeyondTheRangeAreRefused) {
  for (const std::string path : {"/api/trades?since=2262-04-12T00:00:00Z", "/api/trades?since=9999-12-31T23:59:59Z",
                                 "/api/orders?since=0001-01-01T00:00:00Z"}) {
    auto body = expect_error(http_get(port(), path), 400, "invalid_parameter", "GET " + path);
    expect_error_field(body, "since", "GET " + path);
  }
}

TEST_F(PortfolioRisk, PerformanceVarAndRiskMetricsAreFinite) {
  const auto id = pid(port());
  json perf;
  // The engine marks equity once a minute of market time (a simulated minute is 60 ticks).
  ASSERT_TRUE(poll_until(
      [&] {
        perf = get_json(port(), "/api/portfolios/" + id + "/performance");
        return perf.value("points", 0) >= 10;
      },
      kDeadline))
      << "the equity curve does not grow: " << perf.dump();
  expect_fields(perf, "performance",
                {{"portfolio_id", {K::integer}},
                 {"equity", {K::number}},
                 {"initial_capital", {K::number}},
                 {"points", {K::integer}},
                 {"equity_curve", {K::array}},
                 {"metrics", {K::object}},
                 {"as_of", {K::time}}});
  expect_metrics(perf["metrics"], "performance.metrics");
  EXPECT_GT(perf["metrics"].value("returns", 0), 0);
  for (const auto& p : perf["equity_curve"])
    expect_fields(p, "performance.equity_curve[]",
                  {{"time", {K::time}}, {"ts", {K::integer}}, {"equity", {K::number}}});
  auto short_curve = get_json(port(), "/api/portfolios/" + id + "/performance?limit=3");
  EXPECT_EQ(short_curve["equity_curve"].size(), 3u);
  expect_error(http_get(port(), "/api/portfolios/" + id + "/performance?limit=0"), 400, "invalid_parameter",
               "performance limit=0");

  for (const std::string query : {"", "?confidence=0.99&horizon=10", "?confidence=0.95&horizon_days=0.5"}) {
    const std::string where = "GET /api/risk/var" + query;
    auto v = get_json(port(), "/api/risk/var/" + id + query);
    expect_fields(v, where,
                  {{"portfolio_id", {K::integer}},
                   {"confidence", {K::number}},
                   {"horizon_days", {K::number}},
                   {"equity", {K::number}},
                   {"returns", {K::object}},
                   {"scaling", {K::string}},
                   {"historical", {K::object}},
                   {"parametric", {K::object}},
                   {"as_of", {K::time}}});
    expect_finite_numbers(v, where);
    for (const char* method : {"historical", "parametric"}) {
      expect_fields(
          v[method], where + "." + method,
          {{"var", {K::number}}, {"cvar", {K::number}}, {"var_amount", {K::number}}, {"cvar_amount", {K::number}}});
      EXPECT_GE(v[method].value("cvar", -1.0), v[method].value("var", 0.0)) << where << ": CVaR is below VaR";
    }
    EXPECT_GT(v["returns"].value("count", 0), 0) << where;
  }
  EXPECT_DOUBLE_EQ(get_json(port(), "/api/risk/var/" + id).value("confidence", 0.0), 0.95) << "the default";
  for (const std::string query : {"?confidence=0.5", "?confidence=abc", "?horizon=0", "?horizon=1000"})
    expect_error(http_get(port(), "/api/risk/var/" + id + query), 400, "invalid_parameter", "GET var" + query);

  auto risk = get_json(port(), "/api/risk/metrics/" + id);
  expect_fields(risk, "risk metrics",
                {{"drawdown", {K::object}},
                 {"volatility", {K::object}},
                 {"beta", {K::object}},
                 {"correlation", {K::object}},
                 {"exposure", {K::object}},
                 {"equity", {K::number}},
                 {"as_of", {K::time}}});
  expect_finite_numbers(risk, "risk metrics");
  EXPECT_EQ(risk["beta"].value("benchmark", ""), "BTC-USD") << "the first instrument is the default benchmark";
  const auto& corr = risk["correlation"];
  ASSERT_TRUE(corr.contains("symbols") && corr.contains("matrix"));
  EXPECT_EQ(corr["matrix"].size(), corr["symbols"].size());
  for (const auto& row : corr["matrix"]) EXPECT_EQ(row.size(), corr["symbols"].size());
  EXPECT_EQ(get_json(port(), "/api/risk/metrics/" + id + "?benchmark=ETH-USD")["beta"].value("benchmark", ""),
            "ETH-USD");
  expect_error(http_get(port(), "/api/risk/metrics/" + id + "?benchmark=NOPE"), 404, "unknown_symbol",
               "risk metrics benchmark=NOPE");
}

TEST_F(PortfolioRisk, RiskLimitsArePartialValidatedUpdates) {
  const auto path = "/api/risk/limits/" + pid(port());
  auto before = get_json(port(), path);
  expect_limits(before["limits"], "GET limits");

  auto after = expect_json_response(send_json(port(), "POST", path,
                                              {{"max_position_size", 50000},
                                               {"max_daily_loss", 2500},
                                               {"max_orders_per_minute", 120},
                                               {"max_drawdown", 0.5}}),
                                    200, "POST limits");
  expect_limits(after["limits"], "POST limits");
  EXPECT_DOUBLE_EQ(after["limits"].value("max_position_notional", 0.0), 50000.0) << "max_position_size is an alias";
  EXPECT_DOUBLE_EQ(after["limits"].value("max_daily_loss", 0.0), 2500.0);
  EXPECT_EQ(after["limits"].value("max_orders_per_minute", 0), 120);
  EXPECT_DOUBLE_EQ(after["limits"].value("max_drawdown", 0.0), 0.5);
  EXPECT_EQ(after["limits"]["max_order_notional"], before["limits"]["max_order_notional"])
      << "a field not given keeps its value";
  EXPECT_EQ(get_json(port(), path)["limits"], after["limits"]);
  EXPECT_EQ(get_json(port(), "/api/risk/status/" + pid(port()))["limits"], after["limits"]);

  const struct {
    json body;
    const char* field;
  } bad[] = {{{{"max_drawdown", 1.5}}, "max_drawdown"},
             {{{"max_daily_loss", -1}}, "max_daily_loss"},
             {{{"max_order_notional", "lots"}}, "max_order_notional"},
             {{{"max_open_positions", 2.5}}, "max_open_positions"},
             {{{"max_orders_per_minute", 100000}}, "max_orders_per_minute"},
             {{{"price_band", true}}, "price_band"},
             {{{"max_loss_per_day", 10}}, "max_loss_per_day"}};
  for (const auto& c : bad) {
    const std::string where = "POST limits " + c.body.dump();
    auto body = expect_error(send_json(port(), "POST", path, c.body), 422, "invalid_field", where);
    expect_error_field(body, c.field, where);
  }
  expect_error(send(port(), "POST", path, "{nope"), 400, "invalid_json", "POST limits {nope");
  EXPECT_EQ(get_json(port(), path)["limits"], after["limits"]) << "a refused update changed the limits";
  // Off again, so the rest of the suite trades without them.
  expect_json_response(
      send_json(
          port(), "POST", path,
          {{"max_position_notional", 0}, {"max_daily_loss", 0}, {"max_orders_per_minute", 0}, {"max_drawdown", 0}}),
      200, "POST limits off");
}

TEST_F(PortfolioRisk, StrategyReplaceAndEngineLoop) {
  auto status = expect_json_response(
      send_json(port(), "PUT", "/api/trading/strategy", {{"class", "rsi_mean_reversion"}, {"oversold", 25}}), 200,
      "PUT strategy");
  // (expect_trading_status knows the SMA parameters only.)
  expect_fields(status, "PUT strategy", {{"state", {K::string}}, {"strategy", {K::object}}, {"cash", {K::number}}});
  EXPECT_EQ(status["strategy"].value("class", ""), "rsi_mean_reversion");
  EXPECT_EQ(status["strategy"].value("oversold", 0.0), 25.0);
  auto wrapped =
      expect_json_response(send_json(port(), "PUT", "/api/trading/strategy", {{"strategy", {{"overbought", 75}}}}), 200,
                           "PUT {strategy: ...}");
  EXPECT_EQ(wrapped["strategy"].value("overbought", 0.0), 75.0);
  EXPECT_EQ(wrapped["strategy"].value("oversold", 0.0), 25.0) << "values not given are kept";
  auto bad = expect_error(send_json(port(), "PUT", "/api/trading/strategy", {{"class", "astrology"}}), 422, "",
                          "PUT an unknown class");
  expect_error_field(bad, "class", "PUT an unknown class");
  bad = expect_error(send_json(port(), "PUT", "/api/trading/strategy", {{"strategy", {{"oversold", "low"}}}}), 422, "",
                     "PUT oversold \"low\"");
  expect_error_field(bad, "strategy.oversold", "PUT oversold \"low\"");

  auto started = expect_json_response(http_post(port(), "/api/engine/start?user_id=1"), 200, "engine start");
  EXPECT_EQ(started.value("state", ""), "running");
  EXPECT_EQ(session_state(port()), "running");
  auto restarted = expect_json_response(http_post(port(), "/api/engine/start"), 200, "engine start while running");
  EXPECT_EQ(restarted.value("state", ""), "running") << "start restarts a running loop";
  expect_error(http_post(port(), "/api/engine/start?user_id=abc"), 400, "invalid_parameter", "user_id=abc");
  auto stopped = expect_json_response(http_post(port(), "/api/engine/stop"), 200, "engine stop");
  EXPECT_EQ(stopped.value("state", ""), "stopped");
  EXPECT_EQ(expect_json_response(http_post(port(), "/api/engine/stop"), 200, "engine stop again").value("state", ""),
            "stopped");

  auto back = expect_json_response(send_json(port(), "PUT", "/api/trading/strategy", {{"class", "sma_crossover"}}), 200,
                                   "PUT sma_crossover");
  expect_trading_status(back, "PUT sma_crossover");
}

TEST_F(PortfolioRisk, ResetNeedsItsConfirmation) {
  auto order = record(port(), {{"symbol", "SOL-USD"}, {"side", "buy"}, {"quantity", 2}, {"price", 150}}, 201,
                      "a position to reset");
  // Settled: the trade is durable and counted.
  ASSERT_TRUE(poll_until(
      [&] {
        auto trades = get_json(port(), "/api/trades?symbol=SOL-USD").value("items", json::array());
        return !trades.empty() && trades[0].value("order_id", 0LL) == order.value("id", -1LL);
      },
      kDeadline));
  const auto before = get_json(port(), "/api/trading/status");
  for (const std::string body : {"", R"({"confirm":"yes"})", R"({"confirm":true})", R"({})"}) {
    auto err = expect_error(send(port(), "POST", "/api/trading/reset", body), 422, "confirmation_required",
                            "reset with '" + body + "'");
    expect_error_field(err, "confirm", "reset with '" + body + "'");
  }
  expect_error(send(port(), "POST", "/api/trading/reset", "{oops"), 400, "invalid_json", "reset {oops");
  EXPECT_EQ(get_json(port(), "/api/trading/status").value("trades_count", -1), before.value("trades_count", -2))
      << "a refused reset changed the portfolio";

  auto reset = expect_json_response(send_json(port(), "POST", "/api/trading/reset", {{"confirm", "RESET"}}), 200,
                                    "reset confirmed");
  expect_trading_status(reset, "reset");
  EXPECT_EQ(reset.value("state", ""), "stopped");
  EXPECT_EQ(reset.value("trades_count", -1), 0);
  EXPECT_EQ(reset.value("open_positions", -1), 0);
  EXPECT_DOUBLE_EQ(reset.value("cash", 0.0), reset.value("initial_capital", -1.0));
  auto portfolio = get_json(port(), "/api/portfolios/" + pid(port()));
  EXPECT_EQ(portfolio.value("open_orders", -1), 0);
  EXPECT_EQ(get_json(port(), "/api/trades").value("items", json::array()).size(), 0u);
}

}  // namespace
}  // namespace meridian::e2e
