#include <nlohmann/json.hpp>
#include <tuple>

#include "meridian/api/json_body.hpp"
#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/session_commands.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

HttpResponse cached(const Request& req, const std::shared_ptr<const std::string>& body) {
  return json_response(req, http::status::ok, std::string(*body));
}

void trading_status(ApiContext& ctx, const Request& req, const Reply& reply) {
  auto snap = ctx.snapshot();
  reply(cached(req,
               ctx.trading_status.get(*snap, [](const engine::Snapshot& s) { return trading_status_json(s).dump(); })));
}

void session_command(ApiContext& ctx, SessionCommand command, const Request& req, Reply reply) {
  nlohmann::json body;
  if (!req.raw.body().empty()) {
    auto parsed = parse_json_body(req);
    if (auto* err = std::get_if<HttpResponse>(&parsed)) return reply(std::move(*err));
    body = std::move(std::get<nlohmann::json>(parsed));
  }
  // The reply must not outlive the request object: capture what the response needs.
  const unsigned version = req.raw.version();
  const bool keep_alive = req.raw.keep_alive();
  run_session_command(ctx, command, &body, [&ctx, version, keep_alive, reply](std::optional<CommandFailure> failure) {
    if (failure) {
      return reply(
          error_response(version, keep_alive, failure->status, failure->code, failure->message, &failure->details));
    }
    HttpResponse res{http::status::ok, version};
    add_common_headers(res);
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep_alive);
    res.body() = trading_status_json(*ctx.snapshot()).dump();
    res.prepare_payload();
    reply(std::move(res));
  });
}

// The portfolio a route names: the {id} of /api/portfolios/{id}/..., or the `portfolio`
// (`portfolio_id`) query parameter; 404 for any but the daemon's.
std::optional<HttpResponse> named_portfolio(const Request& req, const engine::Snapshot& snap) {
  if (auto id = req.param("id"); !id.empty()) return check_portfolio(req, snap, id);
  for (const char* name : {"portfolio", "portfolio_id"})
    if (auto given = req.query_value(name)) return check_portfolio(req, snap, *given, name);
  return std::nullopt;
}

void trades(ApiContext& ctx, const Request& req, const Reply& reply) {
  // user_id is accepted for seed 001's clients; there is one portfolio (user) so far.
  auto user = int_param(req, "user_id", 1, std::numeric_limits<long long>::max(), 0);
  if (auto* err = std::get_if<HttpResponse>(&user)) return reply(std::move(*err));
  auto query = page_query(req, ctx.instruments);
  if (auto* err = std::get_if<HttpResponse>(&query)) return reply(std::move(*err));
  auto snap = ctx.snapshot();
  if (auto err = named_portfolio(req, *snap)) return reply(std::move(*err));
  reply(json_response(req, http::status::ok,
                      newest_first_page(
                          *snap->trades, std::get<PageQuery>(query),
                          [](const engine::Trade& t) { return std::tuple(t.id, t.symbol, t.ts); },
                          [&](const engine::Trade& t) { return trade_json(t, ctx.instruments); })));
}

void positions(ApiContext& ctx, const Request& req, const Reply& reply) {
  auto snap = ctx.snapshot();
  if (auto err = named_portfolio(req, *snap)) return reply(std::move(*err));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : snap->positions) items.push_back(position_json(p, *snap));
  reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", nullptr}}));
}

// POST /api/trading/reset wipes the paper portfolio, so it asks for {"confirm": "RESET"}.
void reset(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(body, object_body(req, true));
  auto confirm = body.find("confirm");
  if (confirm == body.end() || *confirm != "RESET")
    return reply(field_error(req, "confirm",
                             "resetting deletes every position, order and trade of the paper portfolio; send "
                             "{\"confirm\": \"RESET\"} to do it",
                             http::status::unprocessable_entity, "confirmation_required", {{"expected", "RESET"}}));
  DeferredReply answer(req, std::move(reply));
  run_engine_command(
      ctx, [](engine::Portfolio& e) { return e.reset(); }, "confirm",
      [&ctx, answer](std::optional<CommandFailure> failure) {
        if (failure) return answer.failure(*failure);
        answer.json(http::status::ok, trading_status_json(*ctx.snapshot()));
      });
}

// Seed 001's engine loop: start restarts it (stop first when it runs), stop is idempotent.
// Both answer with the engine status. user_id is accepted; there is one user so far.
void engine_command(ApiContext& ctx, const Request& req, Reply reply, bool start) {
  MERIDIAN_TRY_REPLY(user, int_param(req, "user_id", 1, std::numeric_limits<long long>::max(), 0));
  (void)user;
  DeferredReply answer(req, std::move(reply));
  run_engine_command(
      ctx,
      [start](engine::Portfolio& e) -> engine::CommandResult {
        if (e.session().state != engine::SessionState::stopped)
          if (auto err = e.stop()) return err;
        return start ? e.start(std::nullopt, std::nullopt) : std::nullopt;
      },
      "user_id",
      [&ctx, answer](std::optional<CommandFailure> failure) {
        if (failure) return answer.failure(*failure);
        answer.json(http::status::ok, engine_status_json(*ctx.snapshot()));
      });
}

}  // namespace

void add_trading_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get, "/api/engine/status", Role::viewer, "Engine snapshot: capital, positions, counters",
              [&ctx](const Request& req, Reply reply) {
                auto snap = ctx.snapshot();
                reply(cached(req, ctx.engine_status.get(
                                      *snap, [](const engine::Snapshot& s) { return engine_status_json(s).dump(); })));
              }});
  router.add({http::verb::get, "/api/trading/status", Role::viewer, "Trading session status",
              [&ctx](const Request& req, Reply reply) { trading_status(ctx, req, reply); }});
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
  auto trades_handler = [&ctx](const Request& req, Reply reply) { trades(ctx, req, reply); };
  router.add({http::verb::get, "/api/trades", Role::viewer, "Executed trades, newest first", trades_handler});
  router.add({http::verb::get, "/api/trading/trades", Role::viewer, "Executed trades, newest first", trades_handler});
  router.add({http::verb::get, "/api/portfolios/{id}/trades", Role::viewer, "The portfolio's trades, newest first",
              trades_handler});
  auto positions_handler = [&ctx](const Request& req, Reply reply) { positions(ctx, req, reply); };
  router.add({http::verb::get, "/api/trading/positions", Role::viewer, "Open positions", positions_handler});
  router.add({http::verb::get, "/market/positions", Role::viewer, "Open positions", positions_handler});
  router.add({http::verb::get, "/api/portfolios/{id}/positions", Role::viewer, "The portfolio's open positions",
              positions_handler});
  router.add({http::verb::put, "/api/trading/strategy", Role::trader, "Replace the session's strategy",
              [&ctx](const Request& req, Reply reply) {
                // The strategy object, bare or as {"strategy": {...}}, over the current one.
                session_command(ctx, SessionCommand::update_strategy, req, std::move(reply));
              }});
  router.add({http::verb::post, "/api/trading/reset", Role::admin,
              "Reset the paper portfolio (body {\"confirm\":\"RESET\"})",
              [&ctx](const Request& req, Reply reply) { reset(ctx, req, std::move(reply)); }});
  router.add({http::verb::post, "/api/engine/start", Role::trader, "Restart the engine loop",
              [&ctx](const Request& req, Reply reply) { engine_command(ctx, req, std::move(reply), true); }});
  router.add({http::verb::post, "/api/engine/stop", Role::trader, "Stop the engine loop",
              [&ctx](const Request& req, Reply reply) { engine_command(ctx, req, std::move(reply), false); }});
}

}  // namespace meridian::api
