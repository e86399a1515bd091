// Backtests over REST (#14 items 3 and 5): POST /api/backtest (trader) validates the body as the
// CLI's request (backtest::decode_request: 422 naming the field) and hands it to Backtests,
// which loads its bars off the I/O threads (no data: 422 naming the symbols; too large: 413 with
// the limit) and answers 202 {"id","status":"queued"}; GET /api/backtest/{id},
// GET /api/backtests (paged: limit 1..1000, default 50, before an id cursor; an admin's user_id=),
// DELETE /api/backtest/{id} (cancel a queued or running one: 200 with status cancelled; delete a
// finished one: 204) and POST /api/backtest/{id}/monte-carlo. POST /api/backtest/sweep takes the
// same body plus a sweep's fields (backtest::decode_sweep_request; the CLI's --sweep) and is the
// same job from there: 202 with an id, progress over /ws, the result in the row. A backtest the caller may not see
// (api/ownership.hpp, may_see_owned) is 404 as one that does not exist. Without a database
// there is nowhere to keep results: 503 (see serve.cpp).
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

#include "meridian/api/backtests.hpp"
#include "meridian/api/ownership.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/user_ownership.hpp"
#include "meridian/backtest/request.hpp"
#include "meridian/backtest/sweep_request.hpp"
#include "owned_list.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

HttpResponse no_database(const Request& req) {
  return error_response(req, http::status::service_unavailable, "unavailable",
                        "backtests need a database (DATABASE_URL) to keep their results; the CLI "
                        "(meridiand backtest) runs without one");
}

Checked<std::int64_t> backtest_id(const Request& req) {
  const auto text = req.param("id");
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || p != text.data() + text.size() || id <= 0)
    return field_error("id", "id must be a backtest id", http::status::bad_request, "invalid_parameter",
                       {{"value", text}});
  return id;
}

Backtests::Done answer_with(const Request& req, Reply reply) {
  return [answer = DeferredReply(req, std::move(reply))](ApiResult<Backtests::Answer> r) {
    if (!r) return answer.failure(r.error());
    if (r->body.is_null()) return answer.empty(r->status);
    answer.json(r->status, r->body);
  };
}

Backtests::Visible visible_to(const ApiContext& ctx, const Request& req) {
  return [who = req.principal, enforce = ctx.enforce_auth](std::int64_t owner) {
    return may_see_owned(who, owner, enforce);
  };
}

HttpResponse refused(const Request& req, const engine::ParamError& e) {
  // A grid past the combinations' cap is a request too large, as a range past the bars' is.
  const auto status = e.code == "too_large" ? http::status::payload_too_large : http::status::unprocessable_entity;
  return error_response(req, field_error(e.field, e.message, status, e.code));
}

// A path names a file of the daemon's machine: that is the CLI's (its user owns the files), never
// a remote client's, who could otherwise have the daemon read any file it can.
std::optional<HttpResponse> csv_refused(const Request& req, const backtest::Request& request) {
  if (request.data.kind != backtest::DataSource::Kind::csv) return std::nullopt;
  return error_response(
      req, field_error("data",
                       "data over the API is db or sim:SEED; a CSV file is for `meridiand backtest --data csv:FILE` "
                       "(or import it first with `meridiand data import` and use db)"));
}

void submit(ApiContext& ctx, Backtests* backtests, const Request& req, Reply reply) {
  if (!backtests) return reply(no_database(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  auto request = backtest::decode_request(body, ctx.instruments);
  if (!request) return reply(refused(req, request.error()));
  if (auto csv = csv_refused(req, *request)) return reply(std::move(*csv));
  backtests->submit(owner_of_new(req.principal, ctx.enforce_auth), std::move(body), std::move(*request),
                    answer_with(req, std::move(reply)));
}

void submit_sweep(ApiContext& ctx, Backtests* backtests, const Request& req, Reply reply) {
  if (!backtests) return reply(no_database(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  auto sweep = backtest::decode_sweep_request(body, ctx.instruments);
  if (!sweep) return reply(refused(req, sweep.error()));
  if (auto csv = csv_refused(req, sweep->request.request)) return reply(std::move(*csv));
  backtests->submit_sweep(owner_of_new(req.principal, ctx.enforce_auth), std::move(body), std::move(*sweep),
                          answer_with(req, std::move(reply)));
}

void list(ApiContext& ctx, Backtests* backtests, const Request& req, Reply reply) {
  if (!backtests) return reply(no_database(req));
  MERIDIAN_TRY_REPLY(owned, owned_page(req, ctx.enforce_auth, 50, 1000));
  storage::BacktestPage page;
  page.limit = owned.limit;
  page.before = owned.before;
  page.owner = owned.owner;
  backtests->list(page, answer_with(req, std::move(reply)));
}

// POST /api/backtest/{id}/monte-carlo's body: paths (1..100000, default 1000), seed (default 1),
// block (days, 1..365, default 5), drawdown_threshold (0..1, default 0.2).
Checked<backtest::MonteCarloSpec> monte_carlo_spec(const json& body) {
  backtest::MonteCarloSpec spec;
  auto integer = [&](const char* name, std::uint64_t lo, std::uint64_t hi,
                     std::uint64_t& out) -> std::optional<ApiError> {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() ||
        (it->is_number_integer() && !it->is_number_unsigned() && it->get<long long>() < 0) ||
        it->get<std::uint64_t>() < lo || it->get<std::uint64_t>() > hi)
      return field_error(
          name, std::string(name) + " must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi),
          http::status::unprocessable_entity, "invalid_field", {{"value", *it}, {"min", lo}, {"max", hi}});
    out = it->get<std::uint64_t>();
    return std::nullopt;
  };
  std::uint64_t block = spec.block;
  if (auto e = integer("paths", 1, backtest::kMaxMonteCarloPaths, spec.paths)) return std::move(*e);
  if (auto e = integer("seed", 0, std::numeric_limits<std::uint64_t>::max(), spec.seed)) return std::move(*e);
  if (auto e = integer("block", 1, 365, block)) return std::move(*e);
  spec.block = static_cast<std::size_t>(block);
  if (auto it = body.find("drawdown_threshold"); it != body.end() && !it->is_null()) {
    if (!it->is_number() || !(it->get<double>() > 0) || it->get<double>() > 1)
      return field_error("drawdown_threshold", "drawdown_threshold must be a fraction above 0 and at most 1",
                         http::status::unprocessable_entity, "invalid_field", {{"value", *it}});
    spec.drawdown_threshold = it->get<double>();
  }
  return spec;
}

}  // namespace

void add_backtest_routes(Router& router, ApiContext& ctx, Backtests* backtests) {
  router.add({http::verb::post, "/api/backtest", Role::trader,
              "Run a backtest (strategy, symbols, from, to, data db|sim:SEED): 202 with its id",
              [&ctx, backtests](const Request& req, Reply reply) { submit(ctx, backtests, req, std::move(reply)); }});
  router.add(
      {http::verb::post, "/api/backtest/sweep", Role::trader,
       "Sweep a strategy's parameters (a backtest's body plus sweep, random, seed, rank, threads, "
       "walk_forward): 202 with its id",
       [&ctx, backtests](const Request& req, Reply reply) { submit_sweep(ctx, backtests, req, std::move(reply)); }});
  router.add({http::verb::get, "/api/backtests", Role::viewer,
              "The caller's backtests, newest first (paged: limit, before; admin: every user's or ?user_id='s)",
              [&ctx, backtests](const Request& req, Reply reply) { list(ctx, backtests, req, std::move(reply)); }});
  router.add({http::verb::get, "/api/backtest/{id}", Role::viewer,
              "A backtest: status, progress; when done its metrics, trades, equity and drawdown curves",
              [&ctx, backtests](const Request& req, Reply reply) {
                if (!backtests) return reply(no_database(req));
                MERIDIAN_TRY_REPLY(id, backtest_id(req));
                backtests->get(id, visible_to(ctx, req), answer_with(req, std::move(reply)));
              }});
  router.add({http::verb::delete_, "/api/backtest/{id}", Role::trader,
              "Cancel a queued or running backtest (200, status cancelled) or delete a finished one (204)",
              [&ctx, backtests](const Request& req, Reply reply) {
                if (!backtests) return reply(no_database(req));
                MERIDIAN_TRY_REPLY(id, backtest_id(req));
                backtests->remove(id, visible_to(ctx, req), answer_with(req, std::move(reply)));
              }});
  router.add({http::verb::post, "/api/backtest/{id}/monte-carlo", Role::trader,
              "Monte Carlo over a finished backtest (paths 1..100000, default 1000; seed; block; drawdown_threshold)",
              [&ctx, backtests](const Request& req, Reply reply) {
                if (!backtests) return reply(no_database(req));
                MERIDIAN_TRY_REPLY(id, backtest_id(req));
                MERIDIAN_TRY_REPLY(body, object_body(req, true));
                MERIDIAN_TRY_REPLY(spec, monte_carlo_spec(body));
                backtests->monte_carlo(id, visible_to(ctx, req), spec, answer_with(req, std::move(reply)));
              }});
}

}  // namespace meridian::api
