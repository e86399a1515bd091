#include <nlohmann/json.hpp>
#include <tuple>

#include "meridian/api/json_body.hpp"
#include "meridian/api/json_types.hpp"
#include "meridian/api/regime_tracker.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/session_commands.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

// The portfolio's status after a command (its newest snapshot; the one resolved before when
// the portfolio is gone by then).
nlohmann::json status_after(ApiContext& ctx, const PortfolioRef& pf) {
  auto snap = ctx.snapshot(pf.id);
  return trading_status_json(snap ? *snap : *pf.snap);
}

void trading_status(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  reply(json_response(req, http::status::ok, trading_status_json(*pf.snap)));
}

void session_command(ApiContext& ctx, SessionCommand command, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  nlohmann::json body;
  if (!req.raw.body().empty()) {
    MERIDIAN_TRY_REPLY(parsed, parse_json_body(req));
    body = std::move(parsed);
  }
  // The reply must not outlive the request object: capture what the response needs.
  DeferredReply answer(req, std::move(reply));
  run_session_command(ctx, pf.id, command, &body, req.principal.user_id,
                      [&ctx, pf, answer](std::optional<CommandFailure> failure) {
                        if (failure) return answer.failure(*failure);
                        answer.json(http::status::ok, status_after(ctx, pf));
                      });
}

// Seed 001's `user_id` (a positive integer): an admin's narrows which portfolio is meant to
// that user's (portfolio_ref.hpp); anyone else's is replaced by who they are, and with auth off
// it is checked and ignored.
std::optional<ApiError> check_user_id(const Request& req) {
  auto user = int_param(req, "user_id", 1, std::numeric_limits<long long>::max(), 0);
  if (!user) return std::move(user).error();
  return std::nullopt;
}

// `path_param`: the route's {id} names the portfolio (/api/portfolios/{id}/trades).
void trades(ApiContext& ctx, const Request& req, const Reply& reply, std::string_view path_param) {
  if (auto err = check_user_id(req)) return reply(error_response(req, *err));
  MERIDIAN_TRY_REPLY(query, page_query(req, ctx.instruments));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_path(path_param)));
  reply(json_response(
      req, http::status::ok,
      newest_first_page(
          *pf.snap->trades, query, [](const engine::Trade& t) { return std::tuple(t.id, t.symbol, t.ts); },
          [&](const engine::Trade& t) { return trade_json(t, ctx.instruments); })));
}

void positions(ApiContext& ctx, const Request& req, const Reply& reply, std::string_view path_param) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_path(path_param)));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : pf.snap->positions) items.push_back(position_json(p, *pf.snap));
  reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", nullptr}}));
}

// POST /api/trading/reset wipes the paper portfolio, so it asks for {"confirm": "RESET"}.
void reset(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  MERIDIAN_TRY_REPLY(body, object_body(req, true));
  auto confirm = body.find("confirm");
  if (confirm == body.end() || *confirm != "RESET")
    return reply(error_response(
        req, field_error("confirm",
                         "resetting deletes every position, order and trade of the paper portfolio; send "
                         "{\"confirm\": \"RESET\"} to do it",
                         http::status::unprocessable_entity, "confirmation_required", {{"expected", "RESET"}})));
  DeferredReply answer(req, std::move(reply));
  run_engine_command(
      ctx, pf.id, [by = req.principal.user_id](engine::Portfolio& e) { return e.reset(by); }, "confirm",
      [&ctx, pf, answer](std::optional<CommandFailure> failure) {
        if (failure) return answer.failure(*failure);
        answer.json(http::status::ok, status_after(ctx, pf));
      });
}

// The engine status with the market regimes (the same for every portfolio).
nlohmann::json engine_status_with_regimes(const ApiContext& ctx, const engine::Snapshot& s) {
  auto status = engine_status_json(s);
  if (ctx.regimes) status["regime"] = ctx.regimes->readings();
  return status;
}

// Seed 001's engine loop: start restarts it (stop first when it runs), stop is idempotent.
// Both answer with the engine status. The engine loop is the session of the portfolio the
// request means (?portfolio=, else the caller's default; an admin's user_id=X: X's first).
void engine_command(ApiContext& ctx, const Request& req, Reply reply, bool start) {
  if (auto err = check_user_id(req)) return reply(error_response(req, *err));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  DeferredReply answer(req, std::move(reply));
  run_engine_command(
      ctx, pf.id,
      [start, by = req.principal.user_id](engine::Portfolio& e) -> engine::CommandResult {
        if (e.session().state != engine::SessionState::stopped)
          if (auto err = e.stop(by)) return err;
        return start ? e.start(std::nullopt, std::nullopt, by) : std::nullopt;
      },
      "user_id",
      [&ctx, pf, answer](std::optional<CommandFailure> failure) {
        if (failure) return answer.failure(*failure);
        auto snap = ctx.snapshot(pf.id);
        answer.json(http::status::ok, engine_status_with_regimes(ctx, snap ? *snap : *pf.snap));
      });
}

// The engine status of the portfolio the request means. Its answers are kept per snapshot
// (per_snapshot below), so a regime that changed since shows with the next snapshot, within
// --publish-interval-ms.
void engine_status(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  reply(json_response(req, http::status::ok, engine_status_with_regimes(ctx, *pf.snap)));
}

}  // namespace

void add_trading_routes(Router& router, ApiContext& ctx) {
  router.add(per_snapshot({http::verb::get, "/api/engine/status", Role::viewer,
                           "Engine snapshot: capital, positions, counters",
                           [&ctx](const Request& req, Reply reply) { engine_status(ctx, req, reply); }}));
  router.add(per_snapshot({http::verb::get, "/api/trading/status", Role::viewer, "Trading session status",
                           [&ctx](const Request& req, Reply reply) { trading_status(ctx, req, reply); }}));
  const std::pair<const char*, SessionCommand> commands[] = {{"start", SessionCommand::start},
                                                             {"stop", SessionCommand::stop},
                                                             {"pause", SessionCommand::pause},
                                                             {"resume", SessionCommand::resume}};
  for (const auto& [name, command] : commands) {
    router.add({http::verb::post, std::string("/api/trading/") + name, Role::trader,
                std::string("Trading session: ") + name, [&ctx, command = command](const Request& req, Reply reply) {
                  session_command(ctx, command, req, std::move(reply));
                }});
  }
  router.add(
      {http::verb::post, "/api/trading/kill", Role::trader,
       "Kill switch: halt the portfolio's risk state, cancel every open order at its venue, stop the "
       "session (?portfolio=; the default portfolio without it)",
       [&ctx](const Request& req, Reply reply) { session_command(ctx, SessionCommand::kill, req, std::move(reply)); }});
  // Without {id}: ?portfolio= (or portfolio_id), else the default portfolio.
  auto trades_handler = [&ctx](const Request& req, Reply reply) { trades(ctx, req, reply, {}); };
  router.add(
      per_snapshot({http::verb::get, "/api/trades", Role::viewer, "Executed trades, newest first", trades_handler}));
  router.add(per_snapshot(
      {http::verb::get, "/api/trading/trades", Role::viewer, "Executed trades, newest first", trades_handler}));
  router.add(per_snapshot({http::verb::get, "/api/portfolios/{id}/trades", Role::viewer,
                           "The portfolio's trades, newest first",
                           [&ctx](const Request& req, Reply reply) { trades(ctx, req, reply, "id"); }}));
  auto positions_handler = [&ctx](const Request& req, Reply reply) { positions(ctx, req, reply, {}); };
  router.add(
      per_snapshot({http::verb::get, "/api/trading/positions", Role::viewer, "Open positions", positions_handler}));
  router.add(per_snapshot({http::verb::get, "/market/positions", Role::viewer, "Open positions", positions_handler}));
  router.add(
      per_snapshot({http::verb::get, "/api/portfolios/{id}/positions", Role::viewer, "The portfolio's open positions",
                    [&ctx](const Request& req, Reply reply) { positions(ctx, req, reply, "id"); }}));
  router.add({http::verb::put, "/api/trading/strategy", Role::trader, "Replace the session's strategy",
              [&ctx](const Request& req, Reply reply) {
                // The strategy object, bare or as {"strategy": {...}}, over the current one.
                session_command(ctx, SessionCommand::update_strategy, req, std::move(reply));
              }});
  router.add({http::verb::post, "/api/trading/reset", Role::admin,
              "Reset the paper portfolio (body {\"confirm\":\"RESET\"}; ?portfolio=, default the default one)",
              [&ctx](const Request& req, Reply reply) { reset(ctx, req, std::move(reply)); }});
  router.add({http::verb::post, "/api/engine/start", Role::trader, "Restart the engine loop",
              [&ctx](const Request& req, Reply reply) { engine_command(ctx, req, std::move(reply), true); }});
  router.add({http::verb::post, "/api/engine/stop", Role::trader, "Stop the engine loop",
              [&ctx](const Request& req, Reply reply) { engine_command(ctx, req, std::move(reply), false); }});
}

}  // namespace meridian::api
