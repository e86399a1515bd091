// Alerts over REST (#17 item 5): GET /api/alerts (viewer: the caller's alerts, an admin's every
// one, with state, last trigger, delivery status and dead letters), POST /api/alerts (trader:
// the condition as alerts::decode reads it, 422 naming the field; 201 with the alert),
// DELETE /api/alerts/{id} (trader: 204). Ownership as backtests' (api/user_ownership.hpp,
// may_see_owned): another user's alert is 404 as one that does not exist; a portfolio named by a
// P&L, drawdown or risk-state alert goes through resolve_portfolio (the caller must see it).
// Without a database there is nowhere to keep alerts across restarts: 503 (see serve.cpp).
#include <charconv>
#include <nlohmann/json.hpp>

#include "meridian/alerts/alert_service.hpp"
#include "meridian/api/alert_routes.hpp"
#include "meridian/api/ownership.hpp"
#include "meridian/api/user_ownership.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

HttpResponse no_database(const Request& req) {
  return error_response(req, http::status::service_unavailable, "unavailable",
                        "alerts need a database (DATABASE_URL): they are kept across restarts");
}

ApiError failure_error(const alerts::Failure& f) {
  switch (f.code) {
    case alerts::Failure::Code::not_found: return api_error(http::status::not_found, "not_found", f.message);
    case alerts::Failure::Code::too_many:
      return api_error(http::status::too_many_requests, "too_many_alerts", f.message);
    case alerts::Failure::Code::secrets_key_missing:
      return api_error(http::status::conflict, "secrets_key_missing", f.message, {{"field", "webhook_secret"}});
    case alerts::Failure::Code::unavailable: break;
  }
  return api_error(http::status::service_unavailable, "unavailable", f.message);
}

alerts::AlertService::Done answer_with(const Request& req, Reply reply, http::status ok) {
  return [answer = DeferredReply(req, std::move(reply)), ok](alerts::AlertService::Answer a) {
    if (a.failure) return answer.failure(failure_error(*a.failure));
    if (a.body.is_null()) return answer.empty(ok);
    answer.json(ok, a.body);
  };
}

alerts::AlertService::Visible visible_to(const ApiContext& ctx, const Request& req) {
  return [who = req.principal, enforce = ctx.enforce_auth](std::int64_t owner) {
    return may_see_owned(who, owner, enforce);
  };
}

Checked<std::int64_t> alert_id(const Request& req) {
  const auto text = req.param("id");
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || p != text.data() + text.size() || id <= 0)
    return field_error("id", "id must be an alert id", http::status::bad_request, "invalid_parameter",
                       {{"value", text}});
  return id;
}

void create(ApiContext& ctx, alerts::AlertService* service, const Request& req, Reply reply) {
  if (!service) return reply(no_database(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  auto decoded = alerts::decode(body, ctx.instruments);
  if (!decoded) {
    const auto& e = decoded.error();
    return reply(error_response(req, field_error(e.field, e.message, http::status::unprocessable_entity, e.code)));
  }
  const auto kind = decoded->condition.kind;
  if (kind == alerts::Kind::pnl || kind == alerts::Kind::drawdown || kind == alerts::Kind::risk_state) {
    // The portfolio watched: one the caller may see (absent: their default one).
    MERIDIAN_TRY_REPLY(ref, resolve_portfolio(ctx, req, PortfolioFrom::in_body(&body)));
    decoded->condition.portfolio_id = ref.id;
  }
  service->create(owner_of_new(req.principal, ctx.enforce_auth), std::move(*decoded),
                  answer_with(req, std::move(reply), http::status::created));
}

}  // namespace

void add_alert_routes(Router& router, ApiContext& ctx, alerts::AlertService* service) {
  router.add({http::verb::get, "/api/alerts", Role::viewer,
              "The caller's alerts (admin: every one): condition, state, last trigger, delivery and dead letters",
              [&ctx, service](const Request& req, Reply reply) {
                if (!service) return reply(no_database(req));
                service->list(visible_to(ctx, req), answer_with(req, std::move(reply), http::status::ok));
              }});
  router.add({http::verb::post, "/api/alerts", Role::trader,
              "Create an alert (price, indicator, pnl, drawdown, risk_state, gateway_disconnect; webhook_url "
              "with webhook_secret): 201 with it",
              [&ctx, service](const Request& req, Reply reply) { create(ctx, service, req, std::move(reply)); }});
  router.add({http::verb::delete_, "/api/alerts/{id}", Role::trader, "Delete an alert (204)",
              [&ctx, service](const Request& req, Reply reply) {
                if (!service) return reply(no_database(req));
                MERIDIAN_TRY_REPLY(id, alert_id(req));
                service->remove(id, visible_to(ctx, req), answer_with(req, std::move(reply), http::status::no_content));
              }});
}

}  // namespace meridian::api
