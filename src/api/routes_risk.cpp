// Risk (seed 002): VaR and risk metrics from the snapshot, and the portfolio's limits and risk
// state, which are engine commands.
#include <nlohmann/json.hpp>

#include "analytics_view.hpp"
#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/session_commands.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

// The rate window of risk::RiskEngine holds this many order times: no larger limit can be kept.
constexpr std::uint64_t kMaxOrdersPerMinute = 4096;
constexpr std::uint64_t kMaxOpenPositions = 1'000'000;

// Every risk route names its portfolio in the path.
constexpr auto kPath = PortfolioFrom::in_path("portfolio_id");

void var(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
  MERIDIAN_TRY_REPLY(confidence, double_query(req, "confidence", 0.8, 0.999, 0.95));
  const char* horizon_name = req.query_value("horizon_days") ? "horizon_days" : "horizon";
  MERIDIAN_TRY_REPLY(horizon, double_query(req, horizon_name, 1.0 / kMinutesPerDay, 365, 1));
  reply(json_response(req, http::status::ok, var_json(*pf.snap, confidence, horizon)));
}

void metrics(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
  core::SymbolId benchmark = ctx.instruments.all().front().id;
  if (auto name = req.query_value("benchmark")) {
    auto id = core::resolve_symbol(ctx.instruments, *name);
    if (!id) return reply(error_response(req, unknown_symbol(*name)));
    benchmark = *id;
  }
  reply(json_response(req, http::status::ok, risk_metrics_json(*pf.snap, benchmark)));
}

json limits_body(const engine::Snapshot& s) {
  return {{"portfolio_id", s.portfolio_id}, {"limits", limits_json(s.risk.limits)}};
}

// The portfolio's snapshot after a command (the one resolved before when it is gone by then).
std::shared_ptr<const engine::Snapshot> after(ApiContext& ctx, const PortfolioRef& pf) {
  auto snap = ctx.snapshot(pf.id);
  return snap ? snap : pf.snap;
}

void set_limits(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(limits, parse_limits(body, pf.snap->risk.limits));
  DeferredReply answer(req, std::move(reply));
  run_engine_command(
      ctx, pf.id, [limits](engine::Portfolio& e) { return e.set_risk_limits(limits); }, "limits",
      [&ctx, pf, answer](std::optional<CommandFailure> failure) {
        if (failure) return answer.failure(*failure);
        answer.json(http::status::ok, limits_body(*after(ctx, pf)));
      });
}

// How strict a state is: lifting a restriction needs an admin, imposing one a trader.
int strictness(risk::RiskState s) noexcept {
  return static_cast<int>(s);  // active < reducing < halted
}

void set_state(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
  const auto& snap = pf.snap;
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(text, string_field(body, {"state"}));
  const json allowed{"active", "reducing", "halted"};
  auto state = text ? risk::parse_risk_state(*text) : std::nullopt;
  if (!state)
    return reply(
        error_response(req, field_error("state", "state must be one of " + allowed.dump(),
                                        http::status::unprocessable_entity, "invalid_field", {{"allowed", allowed}})));
  if (strictness(*state) < strictness(snap->risk.state) && !authorized(req.role(), Role::admin, ctx.enforce_auth))
    return reply(error_response(
        req, http::status::forbidden, "forbidden",
        "lifting the risk state " + std::string(risk::to_string(snap->risk.state)) + " needs the admin role"));
  DeferredReply answer(req, std::move(reply));
  run_engine_command(
      ctx, pf.id, [state = *state](engine::Portfolio& e) { return e.set_risk_state(state); }, "state",
      [&ctx, pf, answer](std::optional<CommandFailure> failure) {
        if (failure) return answer.failure(*failure);
        answer.json(http::status::ok, risk_status_json(*after(ctx, pf)));
      });
}

}  // namespace

// A partial update over `limits`: each field given replaces its value, 0 turns a limit off.
// Unknown fields are refused, so a misspelt limit is never silently not set.
Checked<risk::Limits> parse_limits(const json& body, risk::Limits limits) {
  static const json kKnown = {"max_order_quantity", "max_order_notional", "max_position_notional",
                              "max_position_size",  "max_open_positions", "max_gross_exposure",
                              "max_daily_loss",     "max_drawdown",       "max_orders_per_minute",
                              "price_band",         "portfolio_id"};
  for (const auto& [key, value] : body.items())
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end())
      return field_error(key, "unknown limit '" + key + "'", http::status::unprocessable_entity, "invalid_field",
                         {{"allowed", kKnown}});
  MERIDIAN_TRY(quantity, decimal_field<core::Quantity>(body, {"max_order_quantity"}));
  if (quantity) limits.max_order_quantity = *quantity;
  // Names as plain views: an initializer_list kept in an array would dangle (its backing array
  // lives only to the end of the initialiser), so the list is made at each call.
  struct MoneyLimit {
    std::string_view name;
    std::string_view alias;  // seed 002's name, where it differs
    core::Money* out;
  };
  const MoneyLimit money[] = {{"max_order_notional", {}, &limits.max_order_notional},
                              {"max_position_notional", "max_position_size", &limits.max_position_notional},
                              {"max_gross_exposure", {}, &limits.max_gross_exposure},
                              {"max_daily_loss", {}, &limits.max_daily_loss}};
  for (const auto& m : money) {
    MERIDIAN_TRY(value, m.alias.empty() ? decimal_field<core::Money>(body, {m.name})
                                        : decimal_field<core::Money>(body, {m.name, m.alias}));
    if (value) *m.out = *value;
  }
  MERIDIAN_TRY(open, count_field(body, {"max_open_positions"}, kMaxOpenPositions));
  if (open) limits.max_open_positions = static_cast<std::uint32_t>(*open);
  MERIDIAN_TRY(rate, count_field(body, {"max_orders_per_minute"}, kMaxOrdersPerMinute));
  if (rate) limits.max_orders_per_minute = static_cast<std::uint32_t>(*rate);
  MERIDIAN_TRY(drawdown, number_field(body, {"max_drawdown"}, 0.0, 1.0));
  if (drawdown) limits.max_drawdown = *drawdown;
  MERIDIAN_TRY(band, number_field(body, {"price_band"}, 0.0, 1.0));
  if (band) limits.price_band = *band;
  return limits;
}

void add_risk_routes(Router& router, ApiContext& ctx) {
  router.add(per_snapshot({http::verb::get, "/api/risk/var/{portfolio_id}", Role::viewer,
                           "Value at risk and CVaR, historical and parametric",
                           [&ctx](const Request& req, Reply reply) { var(ctx, req, reply); }}));
  router.add(per_snapshot({http::verb::get, "/api/risk/metrics/{portfolio_id}", Role::viewer,
                           "Drawdown, volatility, beta, correlation matrix, exposure",
                           [&ctx](const Request& req, Reply reply) { metrics(ctx, req, reply); }}));
  router.add(per_snapshot({http::verb::get, "/api/risk/limits/{portfolio_id}", Role::viewer, "Risk limits",
                           [&ctx](const Request& req, Reply reply) {
                             MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
                             reply(json_response(req, http::status::ok, limits_body(*pf.snap)));
                           }}));
  // A trader's own portfolios' limits are theirs to set; another user's portfolio is not found
  // (ownership.hpp), so only an admin sets the limits of others.
  router.add({http::verb::post, "/api/risk/limits/{portfolio_id}", Role::trader,
              "Set risk limits of one of the caller's portfolios (a partial update; 0 turns a limit off)",
              [&ctx](const Request& req, Reply reply) { set_limits(ctx, req, std::move(reply)); }});
  router.add(per_snapshot({http::verb::get, "/api/risk/status/{portfolio_id}", Role::viewer,
                           "Risk state, limits, daily P&L, drawdown, denials by reason",
                           [&ctx](const Request& req, Reply reply) {
                             MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
                             reply(json_response(req, http::status::ok, risk_status_json(*pf.snap)));
                           }}));
  router.add({http::verb::post, "/api/risk/state/{portfolio_id}", Role::trader,
              "Set the risk state: active, reducing or halted (lifting one needs an admin)",
              [&ctx](const Request& req, Reply reply) { set_state(ctx, req, std::move(reply)); }});
}

}  // namespace meridian::api
