// The gateway routes (gateway_routes.hpp): status from the board (never a key: the board holds
// only the key id's last 4 characters), connect and disconnect through the app's GatewayControl.
#include <nlohmann/json.hpp>

#include "meridian/api/gateway_routes.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/api/portfolio_ref.hpp"
#include "meridian/api/session_commands.hpp"
#include "meridian/core/time.hpp"
#include "request_util.hpp"
#include "ws_message.hpp"

namespace meridian::api {

namespace {

nlohmann::json time_or_null(core::Timestamp t) {
  return t != core::Timestamp{} ? nlohmann::json(core::to_iso8601(t)) : nlohmann::json(nullptr);
}

// Null until the first reconciliation.
nlohmann::json reconciliation_json(const execution::Reconciliation& r) {
  if (r.at == core::Timestamp{}) return nullptr;
  auto positions = nlohmann::json::array();  // the first kMaxDetails, as text
  for (std::size_t i = 0; i < r.held.size() && i < execution::Reconciliation::kMaxDetails; ++i)
    positions.push_back(execution::describe(r.held[i]));
  return {{"at", time_or_null(r.at)},
          {"differences", r.differences},
          {"details", r.details},
          {"venue_open_orders", r.venue_open_orders},
          {"venue_positions", r.held.size()},
          {"positions", std::move(positions)}};
}

}  // namespace

nlohmann::json gateway_json(const execution::GatewayStatus& s) {
  return {{"gateway", s.gateway},
          {"portfolio_id", s.portfolio_id},
          {"venue", s.venue},
          {"state", execution::to_string(s.state)},
          {"accepting_entries", s.accepting_entries},
          {"account_hint", s.account_hint},
          {"stream_connects", s.stream_connects},
          {"last_message", time_or_null(s.last_message)},
          {"last_error", s.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_error)},
          {"open_orders", s.open_orders},
          {"orders_sent", s.orders_sent},
          {"lost_answers", s.lost_answers},
          {"rejects", s.rejects},
          {"fills", s.fills},
          {"unknown_updates", s.unknown_updates},
          {"rate_limited", s.rate_limited},
          {"rate_limit_hold", s.rate_limit_hold},
          {"reconciliations", s.reconciliations},
          {"last_reconciliation", reconciliation_json(s.last_reconciliation)}};
}

std::shared_ptr<const std::string> gateway_message(const execution::GatewayStatus& s) {
  return ws_message(
      "gateway", {{"portfolio_id", s.portfolio_id},
                  {"data",
                   {{"gateway", s.gateway},
                    {"portfolio_id", s.portfolio_id},
                    {"state", execution::to_string(s.state)},
                    {"accepting_entries", s.accepting_entries},
                    {"stream_connects", s.stream_connects},
                    {"last_error", s.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_error)}}}});
}

namespace {

// What a portfolio trades through after connect/disconnect: its board entry when the gateway
// publishes one (a live gateway: state connecting until its stream is authorised), else paper's.
nlohmann::json binding_json(const execution::GatewayBoard* board, std::string_view gateway,
                            engine::PortfolioId portfolio) {
  if (board)
    for (const auto& s : board->read())
      if (s.gateway == gateway && s.portfolio_id == portfolio) return gateway_json(s);
  return {{"gateway", gateway}, {"portfolio_id", portfolio}, {"state", "connected"}, {"accepting_entries", true}};
}

// connect (gateway given) or disconnect (gateway "paper"): the portfolio is named in the body.
void bind(ApiContext& ctx, GatewayControl& control, const execution::GatewayBoard* board, const Request& req,
          Reply reply, bool connect) {
  MERIDIAN_TRY_REPLY(body, object_body(req));
  std::string gateway = "paper";
  if (connect) {
    MERIDIAN_TRY_REPLY(given, string_field(body, {"gateway"}));
    if (!given)
      return reply(error_response(req, field_error("gateway", "gateway is required (alpaca, binance or paper)")));
    gateway = *given;
  }
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_body(&body)));
  DeferredReply answer(req, std::move(reply));
  // The refusals' reasons are the documented codes (open_orders, not_configured).
  ctx.runner.command(
      pf.id, [&control, id = pf.id, gateway](engine::Portfolio&) { return control.connect(id, gateway); },
      [&control, board, id = pf.id, answer](const engine::CommandResult& r) {
        if (r) return answer.failure(command_failure(*r, "gateway", true));
        answer.json(http::status::ok, binding_json(board, control.bound(id), id));
      });
}

// The venue's positions at the last reconciliation against the portfolio's ledger now (its
// durable positions): every symbol that differs. Null before the first reconciliation or for a
// portfolio that is gone. A fill between the two reads shows until the next run; several
// portfolios on one account each see the account's whole holding.
nlohmann::json position_differences_json(const ApiContext& ctx, const execution::GatewayStatus& s) {
  const auto& rec = s.last_reconciliation;
  const auto snap = ctx.snapshot(s.portfolio_id);
  if (rec.at == core::Timestamp{} || !snap) return nullptr;
  std::vector<std::pair<std::string, core::Quantity>> ledger;
  ledger.reserve(snap->positions.size());
  for (const auto& p : snap->positions) ledger.emplace_back(snap->instruments->at(p.symbol).symbol, p.state.quantity);
  auto out = nlohmann::json::array();
  for (const auto& d : execution::compare_positions(ledger, rec.held))
    out.push_back({{"symbol", d.symbol}, {"ledger", d.ledger.to_double()}, {"venue", d.venue.to_double()}});
  return out;
}

}  // namespace

void add_gateway_routes(Router& router, std::shared_ptr<const execution::GatewayBoard> board, ApiContext& ctx,
                        GatewayControl* control) {
  for (const bool connect : {true, false}) {
    router.add(
        {http::verb::post, connect ? "/api/gateway/connect" : "/api/gateway/disconnect", Role::admin,
         connect
             ? "Bind a portfolio to a gateway (alpaca, binance, or paper): its orders go there from now on; refused "
               "(409 open_orders) while it has open orders"
             : "Put a portfolio back on the paper executor; refused (409 open_orders) while it has open "
               "orders",
         [&ctx, control, board, connect](const Request& req, Reply reply) {
           if (!control)
             return reply(error_response(req, http::status::service_unavailable, "unavailable",
                                         "this process binds no gateways"));
           bind(ctx, *control, board.get(), req, std::move(reply), connect);
         }});
  }
  router.add({http::verb::get, "/api/gateway/status", Role::admin,
              "Live broker gateways: state, venue, account hint, last message, order and fill counts, rate limits",
              [board, &ctx](const Request& req, Reply reply) {
                auto list = nlohmann::json::array();
                if (board)
                  for (const auto& s : board->read()) {
                    auto g = gateway_json(s);
                    g["position_differences"] = position_differences_json(ctx, s);
                    list.push_back(std::move(g));
                  }
                const bool live = !list.empty();
                reply(json_response(req, http::status::ok,
                                    nlohmann::json{{"gateways", std::move(list)}, {"paper", !live}}.dump()));
              }});
}

}  // namespace meridian::api
