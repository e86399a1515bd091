// Portfolios (seed 002: list, create, delete, summary, performance) and the engine's
// performance metrics (seed 001), from each portfolio's snapshot. Their holdings and trades
// routes live with the trading routes. Creating and deleting go through the PortfolioHost.
// With auth on, a portfolio belongs to the user who created it: each caller lists, reads and
// deletes only what ownership.hpp lets them see.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "analytics_view.hpp"
#include "meridian/api/json_types.hpp"
#include "meridian/api/ownership.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/session_commands.hpp"
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

// Names are how clients find a portfolio beside its id: printable, and never mistaken for an id.
std::optional<ApiError> check_name(const std::string& name) {
  constexpr std::size_t kMaxName = 64;
  if (name.empty() || name.size() > kMaxName)
    return field_error("name", "name must be 1 to 64 bytes", http::status::unprocessable_entity, "invalid_field",
                       {{"value", name}});
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return field_error("name", "name must not contain control characters", http::status::unprocessable_entity,
                         "invalid_field");
  if (name.find_first_not_of("0123456789") == std::string::npos)
    return field_error("name", "name must not be a number (numbers name portfolios by id)",
                       http::status::unprocessable_entity, "invalid_field", {{"value", name}});
  if (name.front() == ' ' || name.back() == ' ')
    return field_error("name", "name must not start or end with a space", http::status::unprocessable_entity,
                       "invalid_field", {{"value", name}});
  return std::nullopt;
}

// initial_capital: a JSON number or a decimal string ("250000.50", at most 8 decimals), more
// than 0 and within the ledger's range (422 out_of_range above it); absent: `fallback`.
Checked<core::Money> capital_field(const json& body, core::Money fallback) {
  auto [value, name] = find_field(body, {"initial_capital", "capital"});
  if (!value) return fallback;
  core::Money capital;
  if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    // Syntax first, so that a well-formed number too large for the ledger is out_of_range.
    const auto dot = text.find('.');
    const auto whole = text.substr(0, dot);
    const auto frac = dot == std::string::npos ? std::string() : text.substr(dot + 1);
    const bool digits = !whole.empty() && whole.find_first_not_of("0123456789") == std::string::npos &&
                        frac.find_first_not_of("0123456789") == std::string::npos &&
                        (dot == std::string::npos || !frac.empty());
    if (!digits || frac.size() > 8)
      return field_error(name, std::string(name) + " must be a decimal number (at most 8 decimals) or a JSON number",
                         http::status::unprocessable_entity, "invalid_field", {{"value", *value}});
    auto parsed = core::Money::parse(text);
    if (!parsed) return out_of_range(name, std::string(name) + " must be at most " + std::string(core::kMaxFixedText));
    capital = *parsed;
  } else {
    MERIDIAN_TRY(number, decimal_field<core::Money>(body, {name}));
    capital = number.value_or(core::Money{});
  }
  if (capital.raw() <= 0)
    return field_error(name, std::string(name) + " must be more than 0", http::status::unprocessable_entity,
                       "invalid_field", {{"value", *value}});
  return capital;
}

// An error about a field of the nested `limits` object names it `limits.<field>`.
ApiError nested(ApiError e, std::string_view prefix) {
  if (auto it = e.details.find("field"); it != e.details.end() && it->is_string())
    *it = std::string(prefix) + it->get<std::string>();
  return e;
}

// POST /api/portfolios's body as what the host creates.
Checked<storage::NewPortfolio> parse_new_portfolio(ApiContext& ctx, const json& body) {
  static const json kKnown = {"name", "initial_capital", "capital", "currency", "mode", "limits"};
  for (const auto& [key, value] : body.items())
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end())
      return field_error(key, "unknown field '" + key + "'", http::status::unprocessable_entity, "invalid_field",
                         {{"allowed", kKnown}});
  storage::NewPortfolio spec;
  MERIDIAN_TRY(name, string_field(body, {"name"}));
  if (!name) return field_error("name", "name is required");
  if (auto err = check_name(*name)) return std::move(*err);
  spec.name = *name;
  MERIDIAN_TRY(capital, capital_field(body, spec.initial_capital));
  spec.initial_capital = capital;
  MERIDIAN_TRY(currency, string_field(body, {"currency"}));
  if (currency) {
    if (currency->size() != 3 || currency->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
      return field_error("currency", "currency must be three upper-case letters (an ISO 4217 code)",
                         http::status::unprocessable_entity, "invalid_field", {{"value", *currency}});
    spec.currency = *currency;
  }
  MERIDIAN_TRY(mode, string_field(body, {"mode"}));
  if (mode && *mode != "paper")
    return field_error("mode", "mode must be \"paper\" (the only mode a new portfolio can have so far)",
                       http::status::unprocessable_entity, "invalid_field",
                       {{"value", *mode}, {"allowed", json::array({"paper"})}});
  if (auto it = body.find("limits"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return field_error("limits", "limits must be an object of risk limits");
    // Over the default portfolio's limits as they are now: a field not given keeps its value.
    auto limits = parse_limits(*it, ctx.snapshot()->risk.limits);
    if (!limits) return nested(std::move(limits).error(), "limits.");
    spec.limits = *limits;
  }
  return spec;
}

HttpResponse no_host(const Request& req) {
  return error_response(req, http::status::service_unavailable, "unavailable",
                        "this daemon runs only its default portfolio (no portfolio host)");
}

void create(ApiContext& ctx, const Request& req, Reply reply) {
  if (!ctx.portfolios) return reply(no_host(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(spec, parse_new_portfolio(ctx, body));
  spec.owner_id = owner_of_new(req.principal, ctx.enforce_auth);
  // Names are unique among the daemon's live portfolios (sql/009): a name another user took is
  // taken too, but their portfolio's id is not the caller's to learn.
  for (const auto& e : *ctx.runner.portfolios()) {
    if (e.name != spec.name) continue;
    if (!may_see(req.principal, e, ctx.enforce_auth))
      return reply(error_response(req, field_error("name", "a portfolio named '" + spec.name + "' exists",
                                                   http::status::conflict, "name_taken", {{"value", spec.name}})));
    return reply(error_response(
        req, field_error("name", "a portfolio named '" + spec.name + "' exists (id " + std::to_string(e.id) + ")",
                         http::status::conflict, "name_taken", {{"value", spec.name}, {"id", e.id}})));
  }
  DeferredReply answer(req, std::move(reply));
  ctx.portfolios->create(std::move(spec), [&ctx, answer](std::variant<engine::PortfolioId, engine::CommandError> r) {
    if (auto* e = std::get_if<engine::CommandError>(&r)) return answer.failure(command_failure(*e, {}, true));
    const auto id = std::get<engine::PortfolioId>(r);
    auto entry = find_portfolio(ctx.runner, std::to_string(id));
    auto snap = entry ? entry->store->load() : nullptr;
    if (!snap)  // deleted again before this answer: it was created
      return answer.json(http::status::created, json{{"id", id}, {"portfolio_id", id}},
                         "/api/portfolios/" + std::to_string(id));
    answer.json(http::status::created, portfolio_json(*snap, *entry), "/api/portfolios/" + std::to_string(id));
  });
}

void remove(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
  if (pf.is_default)
    return reply(
        error_response(req, http::status::conflict, "default_portfolio", "the default portfolio cannot be deleted"));
  if (!ctx.portfolios) return reply(no_host(req));
  DeferredReply answer(req, std::move(reply));
  ctx.portfolios->remove(pf.id, [answer](const engine::CommandResult& r) {
    if (r) return answer.failure(command_failure(*r, {}, true));
    answer.empty(http::status::no_content);
  });
}

// The caller's portfolios (an admin's: every one, or ?user_id='s).
void list(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(visible, visible_portfolios(ctx, req));
  json items = json::array();
  for (const auto& e : visible)
    if (auto snap = e->store->load()) items.push_back(portfolio_json(*snap, *e));
  reply(json_response(req, http::status::ok, json{{"items", std::move(items)}, {"next", nullptr}}));
}

}  // namespace

void add_portfolio_routes(Router& router, ApiContext& ctx) {
  router.add(per_snapshot({http::verb::get, "/api/portfolios", Role::viewer,
                           "The caller's portfolios with their summaries (admin: every one, or ?user_id='s)",
                           [&ctx](const Request& req, Reply reply) { list(ctx, req, reply); }}));
  router.add({http::verb::post, "/api/portfolios", Role::trader,
              "Create a paper portfolio owned by the caller (name, initial_capital, currency, mode, limits)",
              [&ctx](const Request& req, Reply reply) { create(ctx, req, std::move(reply)); }});
  router.add(per_snapshot({http::verb::get, "/api/portfolios/{id}", Role::viewer,
                           "Portfolio summary: cash, equity, exposure, P&L", [&ctx](const Request& req, Reply reply) {
                             MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, kPath));
                             reply(json_response(req, http::status::ok, portfolio_json(*pf.snap, *pf.entry)));
                           }}));
  router.add({http::verb::delete_, "/api/portfolios/{id}", Role::trader,
              "Delete one of the caller's portfolios that is flat and stopped (not the default one)",
              [&ctx](const Request& req, Reply reply) { remove(ctx, req, std::move(reply)); }});
  router.add(per_snapshot({http::verb::get, "/api/portfolios/{id}/performance", Role::viewer,
                           "Equity curve and performance metrics",
                           [&ctx](const Request& req, Reply reply) { performance(ctx, req, reply); }}));
  router.add(per_snapshot(
      {http::verb::get, "/api/engine/metrics", Role::viewer,
       "Win rate, drawdown, Sharpe, Sortino, profit factor, exposure (?portfolio=, else the caller's default)",
       [&ctx](const Request& req, Reply reply) {
         MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
         reply(json_response(req, http::status::ok, engine_metrics(*pf.snap)));
       }}));
}

}  // namespace meridian::api
