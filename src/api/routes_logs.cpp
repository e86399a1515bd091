// GET /api/logs (role admin): recent log records, newest first. From system_logs when the daemon
// has a database (warnings and errors, kept across restarts), else from the records sink's ring
// (every level the daemon logs, this run only). Query: level (the lowest wanted), module (one
// logger), since (ISO-8601 or epoch ms), limit (1..1000, default 100), before (an id cursor: the
// page after the one whose last item it is). An unknown level or module is 422 (issue 17); a
// limit, before or since that does not parse or is out of range is 400, as on every list route.
#include <limits>
#include <nlohmann/json.hpp>

#include "log_query.hpp"
#include "meridian/api/log_sources.hpp"
#include "meridian/api/routes.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

struct LogPage {
  core::LogFilter filter;
  std::size_t limit = 100;
};

ApiResult<LogPage> log_page(const Request& req) {
  LogPage p;
  MERIDIAN_TRY(filter, log_filter(req.query_value("level"), req.query_value("module")));
  MERIDIAN_TRY(limit, int_param(req, "limit", 1, 1000, 100));
  MERIDIAN_TRY(before, int_param(req, "before", 1, std::numeric_limits<long long>::max(), 0));
  MERIDIAN_TRY(since, time_param(req, "since"));
  p.filter = std::move(filter);
  p.filter.before = static_cast<std::uint64_t>(before);
  p.filter.since = since;
  p.limit = static_cast<std::size_t>(limit);
  return p;
}

json page_json(std::vector<core::LogRecord> rows, std::size_t limit, const char* source) {
  json next = nullptr;
  if (rows.size() > limit) {
    rows.resize(limit);
    next = rows.back().id;
  }
  json items = json::array();
  for (const auto& r : rows) items.push_back(log_record_json(r));
  return {{"items", std::move(items)}, {"next", std::move(next)}, {"source", source}};
}

void logs(ApiContext& ctx, const Request& req, Reply reply) {
  if (!ctx.logs)
    return reply(error_response(req, http::status::not_found, "logs_disabled", "this daemon keeps no log records"));
  MERIDIAN_TRY_REPLY(page, log_page(req));
  if (!ctx.logs->store)  // one more than asked: whether a page follows
    return reply(json_response(req, http::status::ok,
                               page_json(ctx.logs->records.newest(page.filter, page.limit + 1), page.limit, "memory")));
  DeferredReply answer(req, reply);
  const auto* store = ctx.logs->store;
  auto job = [answer, page, store] {
    auto rows = store->page(page.filter, page.limit + 1);
    if (!rows)
      return answer.failure(api_error(http::status::service_unavailable, "unavailable",
                                      "the system logs cannot be read: the database is unavailable"));
    answer.json(http::status::ok, page_json(std::move(*rows), page.limit, "database"));
  };
  if (!ctx.logs->readers.try_post(std::move(job))) {
    auto res = error_response(req, http::status::service_unavailable, "busy",
                              "too many log reads are waiting; retry in a moment");
    res.set(http::field::retry_after, "1");
    reply(std::move(res));
  }
}

}  // namespace

void add_log_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get, "/api/logs", Role::admin,
              "Recent log records, newest first (paged; filter by level, module, since)",
              [&ctx](const Request& req, Reply reply) { logs(ctx, req, std::move(reply)); }});
}

}  // namespace meridian::api
