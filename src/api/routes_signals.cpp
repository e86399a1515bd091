#include <nlohmann/json.hpp>
#include <tuple>

#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

// Signals are a portfolio's (its strategies'): ?portfolio= (or portfolio_id), else the default.

// The in-memory log, newest first, paged and filtered like the trades.
void signal_log(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(query, page_query(req, ctx.instruments));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  reply(json_response(req, http::status::ok,
                      newest_first_page(
                          *pf.snap->signals, query,
                          [](const engine::SignalEntry& e) { return std::tuple(e.id, e.signal.symbol, e.signal.ts); },
                          [&](const engine::SignalEntry& e) { return signal_json(e, ctx.instruments); })));
}

// The latest signal of every symbol that has one (seed 003's "active signals").
void active_signals(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  const auto& snap = pf.snap;
  std::vector<const engine::SignalEntry*> latest(ctx.instruments.size(), nullptr);
  for (const auto& e : *snap->signals) latest[e.signal.symbol] = &e;
  nlohmann::json items = nlohmann::json::array();
  for (const auto* e : latest)
    if (e) items.push_back(signal_json(*e, ctx.instruments));
  reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", nullptr}}));
}

void latest_for_symbol(ApiContext& ctx, const Request& req, const Reply& reply) {
  const auto name = req.param("symbol");
  auto id = core::resolve_symbol(ctx.instruments, name);
  if (!id) return reply(error_response(req, unknown_symbol(name)));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  const auto& snap = pf.snap;
  nlohmann::json signal = nullptr;
  for (auto it = snap->signals->rbegin(); it != snap->signals->rend(); ++it) {
    if (it->signal.symbol == *id) {
      signal = signal_json(*it, ctx.instruments);
      break;
    }
  }
  reply(json_response(req, http::status::ok,
                      nlohmann::json{{"symbol", ctx.instruments.at(*id).symbol}, {"signal", std::move(signal)}}));
}

}  // namespace

void add_signal_routes(Router& router, ApiContext& ctx) {
  auto log = [&ctx](const Request& req, Reply reply) { signal_log(ctx, req, reply); };
  router.add(
      per_snapshot({http::verb::get, "/api/engine/signals", Role::viewer, "Signal log, newest first (last 500)", log}));
  router.add(
      per_snapshot({http::verb::get, "/signals/history", Role::viewer, "Signal log, newest first (last 500)", log}));
  router.add(
      per_snapshot({http::verb::get, "/api/engine/signals/{symbol}", Role::viewer, "Latest signal for one symbol",
                    [&ctx](const Request& req, Reply reply) { latest_for_symbol(ctx, req, reply); }}));
  router.add(per_snapshot({http::verb::get, "/signals", Role::viewer, "Latest signal per symbol",
                           [&ctx](const Request& req, Reply reply) { active_signals(ctx, req, reply); }}));
}

}  // namespace meridian::api
