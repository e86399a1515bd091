// GET /api/audit (role admin): the audit trail, newest first (storage/audit_store.hpp), read on
// the trail's own worker. Query: limit (1..1000, default 100), before (an id cursor: the page
// after the one whose last item it is), user_id, portfolio_id, route (a route pattern, exactly),
// from/to (ISO-8601 or epoch ms, both included). Without a database there is no trail: 404
// audit_disabled.
#include <limits>
#include <nlohmann/json.hpp>

#include "meridian/api/audit_trail.hpp"
#include "meridian/api/routes.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxRoute = 256;

// An id or null for 0 (a column stored NULL).
json id_or_null(std::int64_t id) {
  return id ? json(id) : json(nullptr);
}

json entry_json(const storage::AuditRow& row) {
  const auto& e = row.entry;
  auto params = json::parse(e.params, nullptr, false);
  return {{"id", row.id},
          {"time", core::to_iso8601(e.at)},
          {"ts", core::epoch_ms(e.at)},
          {"user_id", id_or_null(e.user_id)},
          {"role", auth::to_string(e.role)},
          {"api_key_id", id_or_null(e.api_key_id)},
          {"address", e.address.empty() ? json(nullptr) : json(e.address)},
          {"method", e.method},
          {"route", e.route},
          {"path", e.path},
          {"portfolio_id", e.portfolio_id ? json(*e.portfolio_id) : json(nullptr)},
          {"params", params.is_discarded() ? json::object() : std::move(params)},
          {"status", e.status},
          {"result", e.result}};
}

ApiResult<storage::AuditFilter> audit_filter(const Request& req) {
  constexpr auto kMaxId = std::numeric_limits<long long>::max();
  storage::AuditFilter f;
  MERIDIAN_TRY(limit, int_param(req, "limit", 1, 1000, 100));
  MERIDIAN_TRY(before, int_param(req, "before", 1, kMaxId, 0));
  MERIDIAN_TRY(user_id, int_param(req, "user_id", 1, kMaxId, 0));
  MERIDIAN_TRY(portfolio_id, int_param(req, "portfolio_id", 1, kMaxId, 0));
  MERIDIAN_TRY(from, time_param(req, "from"));
  MERIDIAN_TRY(to, time_param(req, "to"));
  f.limit = static_cast<std::size_t>(limit);
  f.before = before;
  if (user_id) f.user_id = user_id;
  if (portfolio_id) f.portfolio_id = portfolio_id;
  f.from = from;
  f.to = to;
  if (from && to && *from > *to)
    return field_error("from", "from must not be after to", http::status::unprocessable_entity, "invalid_range",
                       {{"from", core::to_iso8601(*from)}, {"to", core::to_iso8601(*to)}});
  if (auto route = req.query_value("route")) {
    if (route->empty() || route->size() > kMaxRoute)
      return field_error("route", "route must be a route pattern of 1 to 256 bytes, e.g. /api/portfolios/{id}",
                         http::status::bad_request, "invalid_parameter");
    f.route = std::move(*route);
  }
  return f;
}

void audit(ApiContext& ctx, const Request& req, Reply reply) {
  if (!ctx.audit)
    return reply(error_response(req, http::status::not_found, "audit_disabled",
                                "this daemon runs without a database: there is no audit trail"));
  MERIDIAN_TRY_REPLY(filter, audit_filter(req));
  DeferredReply answer(req, reply);
  const auto& store = ctx.audit->store;
  auto job = [answer, filter, &store]() mutable {
    const auto limit = filter.limit;
    ++filter.limit;  // one more than asked: whether a page follows
    auto rows = store.page(filter);
    if (!rows)
      return answer.failure(api_error(http::status::service_unavailable, "unavailable",
                                      "the audit trail cannot be read: the database is unavailable"));
    json next = nullptr;
    if (rows->size() > limit) {
      rows->resize(limit);
      next = rows->back().id;
    }
    json items = json::array();
    for (const auto& row : *rows) items.push_back(entry_json(row));
    answer.json(http::status::ok, json{{"items", std::move(items)}, {"next", std::move(next)}});
  };
  if (!ctx.audit->readers.try_post(std::move(job))) {
    auto res = error_response(req, http::status::service_unavailable, "busy",
                              "too many audit trail reads are waiting; retry in a moment");
    res.set(http::field::retry_after, "1");
    reply(std::move(res));
  }
}

}  // namespace

void add_audit_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get, "/api/audit", Role::admin,
              "The audit trail: every state-changing request, newest first (paged, filtered)",
              [&ctx](const Request& req, Reply reply) { audit(ctx, req, std::move(reply)); }});
}

}  // namespace meridian::api
