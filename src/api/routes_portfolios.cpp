// Portfolios (seed 002: list, create, delete, summary, performance) and the engine's
// performance metrics (seed 001), from each portfolio's snapshot. Their holdings and trades
// routes live with the trading routes. Creating and deleting go through the PortfolioHost.
#include <nlohmann/json.hpp>

#include "analytics_view.hpp"
#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

// Equity points a performance answer carries by default (a day of minutes) and at most (all
// the engine keeps).
constexpr long long kDefaultCurvePoints = 1440;

constexpr auto kPath = PortfolioFrom::in_path("id");

void performance(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
  const auto& snap = pf.snap;
  MERIDIAN_TRY_REPLY(
      limit, int_param(req, "limit", 1, static_cast<long long>(engine::kEquityPointsInMemory), kDefaultCurvePoints));
  json curve = json::array();
  static const engine::EquityCurve kNoPoints;
  const auto& points = snap->equity_curve ? *snap->equity_curve : kNoPoints;
  const auto from = points.size() > static_cast<std::size_t>(limit) ? points.size() - limit : 0;
  for (auto i = from; i < points.size(); ++i) curve.push_back(equity_point_json(points[i]));
  json body{{"portfolio_id", snap->portfolio_id},
            {"equity", money_json(snap->equity())},
            {"initial_capital", money_json(snap->initial_capital)},
            {"points", points.size()},
            {"equity_curve", std::move(curve)},
            {"metrics", metrics_json(*snap)},
            {"as_of", core::to_iso8601(snap->published_at)}};
  reply(json_response(req, http::status::ok, body));
}

// Seed 001's risk metrics: the Metrics object with the portfolio's money figures beside it.
json engine_metrics(const engine::Snapshot& s) {
  auto body = metrics_json(s);
  const auto unrealized = s.unrealized_pnl();
  body["portfolio_id"] = s.portfolio_id;
  body["total_trades"] = s.trades_total;
  body["equity"] = money_json(s.equity());
  body["cash"] = money_json(s.cash);
  body["realized_pnl"] = money_json(s.realized_pnl);
  body["unrealized_pnl"] = money_json(unrealized);
  body["fees"] = money_json(s.fees_paid);
  body["total_pnl"] = money_json(total_pnl(s.realized_pnl, unrealized, s.fees_paid));
  body["daily_pnl"] = money_json(s.risk.daily_pnl);
  body["risk_state"] = risk::to_string(s.risk.state);
  body["as_of"] = core::to_iso8601(s.published_at);
  return body;
}

json list(ApiContext& ctx) {
  json items = json::array();
  for (const auto& e : *ctx.runner.portfolios())
    if (auto snap = e.store->load()) items.push_back(portfolio_json(*snap, e));
  return json{{"items", std::move(items)}, {"next", nullptr}};
}

}  // namespace

void add_portfolio_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get, "/api/portfolios", Role::viewer, "Every portfolio with its summary",
              [&ctx](const Request& req, Reply reply) { reply(json_response(req, http::status::ok, list(ctx))); }});
  router.add({http::verb::get, "/api/portfolios/{id}", Role::viewer, "Portfolio summary: cash, equity, exposure, P&L",
              [&ctx](const Request& req, Reply reply) {
                MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
                reply(json_response(req, http::status::ok, portfolio_json(*pf.snap, *pf.entry)));
              }});
  router.add({http::verb::get, "/api/portfolios/{id}/performance", Role::viewer, "Equity curve and performance metrics",
              [&ctx](const Request& req, Reply reply) { performance(ctx, req, reply); }});
  router.add({http::verb::get, "/api/engine/metrics", Role::viewer,
              "Win rate, drawdown, Sharpe, Sortino, profit factor, exposure", [&ctx](const Request& req, Reply reply) {
                reply(json_response(req, http::status::ok, engine_metrics(*ctx.snapshot())));
              }});
}

}  // namespace meridian::api
