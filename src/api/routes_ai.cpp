// The decision model's routes (#14 item 8, seed 002's "AI"): GET /api/ai/decision/{symbol}
// (viewer: computes a decision for the caller's portfolio, `portfolio=` to name another of theirs,
// stores it and answers it with its id), GET /api/ai/decisions (viewer: newest first, paged by
// `before`/`limit`, `symbol=`; the caller's own, an admin's every one or `user_id=`'s), POST
// /api/ai/decision/execute (trader: {"decision_id", "quantity"?} places the decision as a market
// order through the order path of POST /api/trade, order_path.hpp, with its risk checks, in the
// decision's portfolio; records the order on the row).
// Ownership: a decision is its maker's (api/user_ownership.hpp, as backtests); another user's is
// 404 as one that does not exist, and so is one whose portfolio the caller may no longer see.
// Not enough history (fewer closed 1m bars than the model's warm-up): 422 not_enough_history,
// rather than a hold that would look like an opinion. Without a database: 503.
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

#include "meridian/api/decision_routes.hpp"
#include "meridian/api/ownership.hpp"
#include "meridian/api/user_ownership.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "order_path.hpp"
#include "owned_list.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

HttpResponse no_database(const Request& req) {
  return error_response(req, http::status::service_unavailable, "unavailable",
                        "decisions need a database (DATABASE_URL): each one is stored in ai_decisions");
}

template <class T>
Decisions::Done<T> answer_json(const Request& req, Reply reply, http::status ok) {
  return [answer = DeferredReply(req, std::move(reply)), ok](ApiResult<T> result) {
    if (!result) return answer.failure(result.error());
    answer.json(ok, *result);
  };
}

ApiError no_decision(std::int64_t id) {
  return field_error("decision_id", "there is no decision " + std::to_string(id), http::status::not_found, "not_found",
                     {{"value", id}});
}

void decision(ApiContext& ctx, Decisions* decisions, const Request& req, Reply reply) {
  if (!decisions) return reply(no_database(req));
  const auto name = req.param("symbol");
  const auto symbol = core::resolve_symbol(ctx.instruments, name);
  if (!symbol) return reply(error_response(req, unknown_symbol(name)));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  Decisions::Ask ask;
  ask.owner = owner_of_new(req.principal, ctx.enforce_auth);
  ask.portfolio = pf.id;
  ask.symbol = *symbol;
  ask.market = ctx.snapshot();
  ask.portfolio_snap = pf.snap;
  decisions->decide(std::move(ask), answer_json<json>(req, std::move(reply), http::status::created));
}

void list(ApiContext& ctx, Decisions* decisions, const Request& req, Reply reply) {
  if (!decisions) return reply(no_database(req));
  MERIDIAN_TRY_REPLY(owned, owned_page(req, ctx.enforce_auth, 100, 5000));
  storage::DecisionPage page;
  page.limit = owned.limit;
  page.before = owned.before;
  page.owner = owned.owner;
  if (auto text = req.query_value("symbol")) {
    const auto id = core::resolve_symbol(ctx.instruments, *text);
    if (!id) return reply(error_response(req, unknown_symbol(*text)));
    page.symbol = ctx.instruments.at(*id).symbol;
  }
  decisions->list(page, answer_json<json>(req, std::move(reply), http::status::ok));
}

struct ExecuteBody {
  std::int64_t decision_id = 0;
  std::optional<core::Quantity> quantity;
};

Checked<ExecuteBody> execute_body(const json& body) {
  ExecuteBody out;
  MERIDIAN_TRY(id,
               count_field(body, {"decision_id"}, static_cast<std::uint64_t>(std::numeric_limits<long long>::max())));
  if (!id || *id == 0) return field_error("decision_id", "decision_id is required (a decision's id)");
  out.decision_id = static_cast<std::int64_t>(*id);
  MERIDIAN_TRY(quantity, decimal_field<core::Quantity>(body, {"quantity", "qty"}));
  if (quantity && quantity->raw() <= 0)
    return field_error("quantity", "quantity must be above 0", http::status::unprocessable_entity, "invalid_field");
  out.quantity = quantity;
  return out;
}

// The order a stored decision places, or why it places none.
Checked<execution::OrderRequest> decision_order(const ApiContext& ctx, const storage::DecisionRow& row,
                                                const ExecuteBody& body, std::int64_t placed_by) {
  if (row.order_id)
    return api_error(http::status::conflict, "already_executed",
                     "decision " + std::to_string(row.id) + " was executed: order " + std::to_string(*row.order_id),
                     {{"field", "decision_id"}, {"order_id", *row.order_id}});
  if (row.action != "buy" && row.action != "sell")
    return field_error("decision_id", "decision " + std::to_string(row.id) + " is a hold: there is nothing to execute",
                       http::status::unprocessable_entity, "not_actionable", {{"action", row.action}});
  const auto quantity = body.quantity ? body.quantity : row.quantity;
  if (!quantity)
    return field_error("quantity",
                       "decision " + std::to_string(row.id) + " has no suggested size (" +
                           (row.action == "sell" ? "no position to sell" : "the equity buys no whole lot") +
                           "); give a quantity",
                       http::status::unprocessable_entity, "no_quantity");
  const auto symbol = core::resolve_symbol(ctx.instruments, row.symbol);
  if (!symbol)
    return field_error("decision_id", "symbol " + row.symbol + " is no longer configured",
                       http::status::unprocessable_entity, "unknown_symbol", {{"value", row.symbol}});
  execution::OrderRequest r;
  r.symbol = *symbol;
  r.side = row.action == "buy" ? core::Side::buy : core::Side::sell;
  r.quantity = *quantity;
  r.type = execution::OrderType::market;
  // The engine's idempotency key: a second execution of the same decision finds this order.
  r.client_order_id = "ai-decision-" + std::to_string(row.id);
  r.placed_by = placed_by;
  return r;
}

void execute(ApiContext& ctx, Decisions* decisions, const Request& req, Reply reply) {
  if (!decisions) return reply(no_database(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(parsed, execute_body(body));
  decisions->get(
      parsed.decision_id, [&ctx, decisions, who = req.principal, parsed, answer = DeferredReply(req, std::move(reply))](
                              ApiResult<std::optional<storage::DecisionRow>> got) {
        if (!got) return answer.failure(got.error());
        const auto& row = *got;
        if (!row || !may_see_owned(who, row->owner_id, ctx.enforce_auth))
          return answer.failure(no_decision(parsed.decision_id));
        const auto entry = find_portfolio(ctx.runner, std::to_string(row->portfolio_id));
        if (!entry || !may_see(who, *entry, ctx.enforce_auth)) return answer.failure(no_decision(parsed.decision_id));
        auto order = decision_order(ctx, *row, parsed, who.user_id);
        if (!order) return answer.failure(order.error());
        const auto id = row->id;
        submit_order(ctx, row->portfolio_id, std::move(*order), [decisions, id, answer](ApiResult<PlacedOrder> placed) {
          if (!placed) return answer.failure(placed.error());
          if (placed->duplicate)
            return answer.failure(
                api_error(http::status::conflict, "already_executed",
                          "decision " + std::to_string(id) + " was executed: order " + std::to_string(placed->order.id),
                          {{"field", "decision_id"}, {"order_id", placed->order.id}}));
          decisions->mark_executed(
              id, static_cast<std::int64_t>(placed->order.id),
              [answer, order = placed->body](ApiResult<std::optional<storage::DecisionRow>> marked) {
                if (!marked) return answer.failure(marked.error());
                json out{{"order", order}, {"decision", *marked ? decision_json(**marked) : json(nullptr)}};
                answer.json(http::status::created, out);
              });
        });
      });
}

}  // namespace

void add_decision_routes(Router& router, ApiContext& ctx, Decisions* decisions) {
  router.add({http::verb::get, "/api/ai/decision/{symbol}", Role::viewer,
              "Decision model: buy/sell/hold for a symbol with confidence, suggested size and reasons (stored)",
              [&ctx, decisions](const Request& req, Reply reply) { decision(ctx, decisions, req, std::move(reply)); }});
  router.add({http::verb::get, "/api/ai/decisions", Role::viewer, "Stored decisions, newest first",
              [&ctx, decisions](const Request& req, Reply reply) { list(ctx, decisions, req, std::move(reply)); }});
  router.add({http::verb::post, "/api/ai/decision/execute", Role::trader,
              "Execute a decision as a market order (passes the risk checks)",
              [&ctx, decisions](const Request& req, Reply reply) { execute(ctx, decisions, req, std::move(reply)); }});
}

}  // namespace meridian::api
