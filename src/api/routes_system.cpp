#include <nlohmann/json.hpp>

#include <cstdio>
#include <mutex>

#include "meridian/api/audit_trail.hpp"
#include "meridian/api/health.hpp"
#include "meridian/api/http_server.hpp"
#include "meridian/api/openapi.hpp"
#include "meridian/api/routes.hpp"
#include "stats_metrics.hpp"

namespace meridian::api {

namespace {
struct OpenApiCache {
  std::once_flag once;
  std::string body;
};

double seconds_since(core::Timestamp t) {
  return std::chrono::duration<double>(core::now() - t).count();
}

}  // namespace

HealthVerdict evaluate_health(const ApiContext& ctx) {
  HealthVerdict v;
  v.snapshot = ctx.snapshot();
  const auto& snap = v.snapshot;
  v.db = ctx.writer.health();
  v.feed = ctx.runner.feed_health();
  const auto& db = v.db;
  const auto age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(core::now() - snap->published_at).count();
  v.snapshot_age_ms = age_ms;
  v.db_status = !db.enabled ? "disabled" : (db.connected || db.failures == 0 ? "ok" : "down");
  const std::string_view db_status = v.db_status;
  const bool engine_ok = v.engine_ok = age_ms < 5000;
  // A database outage degrades (the engine trades on, the journal buffers); a dead feed
  // or a stuck engine makes the daemon unfit for traffic.
  // Read-only (stored data unloadable) and dead-lettered journal records degrade too: the
  // daemon answers, but not everything it holds is, or can be, durable.
  const bool read_only = v.read_only = !ctx.recovery.read_only_reason.empty();
  v.status = !engine_ok || !v.feed.connected                                   ? "down"
             : db_status == "down" || read_only || db.dead_letters_pending > 0 ? "degraded"
                                                                               : "ok";
  // Why the daemon is not fit for traffic, first cause first (empty when ok).
  auto& reason = v.reason;
  if (!engine_ok)
    reason = "engine has not published a snapshot for " + std::to_string(age_ms) + " ms";
  else if (!v.feed.connected)
    reason = "market data feed is down";
  else if (read_only)
    reason = ctx.recovery.read_only_reason;
  else if (db_status == "down")
    reason = "database unreachable (" + std::to_string(snap->counters.journal_backlog) +
             " journal records waiting): " + db.last_error;
  else if (db.dead_letters_pending > 0)
    // Short and without the database's text (that is in the log and GET /api/admin/dead-letters).
    reason = std::to_string(db.dead_letters_pending) + " journal record" + (db.dead_letters_pending == 1 ? "" : "s") +
             " dead-lettered (" + db.dead_letter_kinds + "): replay or discard with `meridiand journal dead-letters`";
  return v;
}

namespace {

void health(ApiContext& ctx, const Request& req, const Reply& reply) {
  // Degraded is a 503 too (below): trades made now are not durable, so clients and load
  // balancers should know.
  const auto verdict = evaluate_health(ctx);
  const auto& db = verdict.db;
  const auto& feed = verdict.feed;
  const auto age_ms = verdict.snapshot_age_ms;
  const char* db_status = verdict.db_status;
  const char* overall = verdict.status;
  const auto& reason = verdict.reason;
  const auto& snap = verdict.snapshot;
  const bool engine_ok = verdict.engine_ok, read_only = verdict.read_only;
  nlohmann::json body{
      {"status", overall},
      {"reason", reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(reason)},
      {"version", ctx.version},
      {"uptime_s", seconds_since(ctx.started_at)},
      {"time", core::to_iso8601(core::now())},
      {"checks",
       {{"database",
         {{"status", db_status},
          {"connected", db.connected},
          {"commits", db.commits},
          {"failures", db.failures},
          {"dead_letters", db.dead_letters_pending},
          {"read_only", read_only},
          {"last_error", db.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(db.last_error)}}},
        {"feed",
         {{"status", feed.connected ? "ok" : "down"},
          {"name", ctx.runner.feed_name()},
          {"ticks", feed.ticks},
          {"dropped", feed.dropped}}},
        {"engine",
         {{"status", engine_ok ? "ok" : "down"},
          {"state", engine::to_string(snap->session.state)},
          {"snapshot_age_ms", age_ms}}}}}};
  reply(json_response(req, std::string_view(overall) == "ok" ? http::status::ok : http::status::service_unavailable,
                      body));
}
nlohmann::json recovery_json(const storage::RecoverySummary& r) {
  if (!r.from_database) return {{"source", "memory"}};
  return {
      {"source", "database"},
      {"rows",
       {{"trades", r.trades},
        {"positions", r.positions},
        {"bars", r.bars},
        {"signals", r.signals},
        {"strategy_instances", r.instances}}},
      {"session", r.session},
      {"duration_ms", r.duration_ms},
      {"standby_ms", r.standby_ms},
      {"writer_epoch", r.writer_epoch},
      {"reconciled", r.reconciled},
      {"reconcile_detail", r.reconcile_detail.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.reconcile_detail)},
      {"dead_letters_pending", r.dead_letters_pending},
      {"read_only", r.read_only_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.read_only_reason)}};
}

// Prometheus text exposition (version 0.0.4) of the counters operators alert on.
void metrics(const Router& router, ApiContext& ctx, const Request& req, const Reply& reply) {
  auto snap = ctx.snapshot();
  const auto db = ctx.writer.health();
  std::string out;
  auto metric = [&out](const char* name, const char* type, const char* help, double value) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
    out += name;
    out += ' ';
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    out += buf;
    out += '\n';
  };
  auto d = [](auto v) { return static_cast<double>(v); };
  metric("meridian_uptime_seconds", "gauge", "Seconds since the daemon started.", seconds_since(ctx.started_at));
  if (ctx.http_stats) {
    metric("meridian_http_requests_total", "counter", "HTTP requests read.", d(ctx.http_stats->requests.load()));
    metric("meridian_http_client_errors_total", "counter", "Responses with a 4xx status.",
           d(ctx.http_stats->client_errors.load()));
    metric("meridian_http_server_errors_total", "counter", "Responses with a 5xx status.",
           d(ctx.http_stats->server_errors.load()));
  }
  metric("meridian_ticks_total", "counter", "Market data ticks processed by the engine.", d(snap->counters.ticks));
  std::uint64_t dropped = 0;
  for (const auto& f : snap->feeds) dropped += f.health.dropped;
  metric("meridian_feed_dropped_ticks_total", "counter",
         "Market data ticks lost because the engine fell behind the feed (should stay 0).", d(dropped));
  metric("meridian_bars_total", "counter", "One-minute bars closed.", d(snap->counters.bars));
  metric("meridian_signals_total", "counter", "Strategy signals emitted.", d(snap->counters.signals));
  metric("meridian_orders_total", "counter", "Orders sent to the executor.", d(snap->counters.orders));
  metric("meridian_order_rejects_total", "counter", "Orders denied by risk or the venue.", d(snap->counters.rejects));
  metric("meridian_strategy_errors_total", "counter", "Strategy exceptions caught.", d(snap->counters.strategy_errors));
  metric("meridian_unsettled_fills_total", "counter", "Reported fills the ledger could not take (should stay 0).",
         d(snap->counters.unsettled_fills));
  metric("meridian_trades_total", "counter", "Trades made durable.", d(snap->trades_total));
  metric("meridian_journal_backlog", "gauge", "Journal records handed to persistence and not yet durable.",
         d(snap->counters.journal_backlog));
  metric("meridian_entries_paused_total", "counter", "Entries refused because the journal backlog was full.",
         d(snap->counters.entries_paused));
  metric("meridian_journal_records_total", "counter", "Journal records committed.", d(db.records));
  metric("meridian_journal_commits_total", "counter", "Journal transactions committed.", d(db.commits));
  metric("meridian_journal_failures_total", "counter", "Failed journal writes (retried).", d(db.failures));
  metric("meridian_journal_dead_letters_total", "counter",
         "Journal records the database refused, moved to the dead-letter table by this run.", d(db.dead_lettered));
  metric("meridian_journal_dead_letters_pending", "gauge",
         "Dead-lettered journal records awaiting replay or discard (alert when > 0).", d(db.dead_letters_pending));
  metric("meridian_database_up", "gauge", "1 when the journal's database connection is up.",
         db.enabled && (db.connected || db.failures == 0) ? 1.0 : 0.0);
  if (ctx.audit) {
    const auto audit = ctx.audit->writer.stats();
    metric("meridian_audit_rows_total", "counter", "Audit trail rows written.", d(audit.written));
    metric("meridian_audit_dropped_total", "counter",
           "Audit trail rows lost: its queue was full or the database did not take them (alert when > 0).",
           d(audit.dropped + audit.refused));
    metric("meridian_audit_backlog", "gauge", "Audit trail rows waiting to be written.", d(audit.queued));
  }
  metric("meridian_cash", "gauge", "Portfolio cash.", snap->cash.to_double());
  metric("meridian_equity", "gauge", "Portfolio equity at last prices.", snap->equity().to_double());
  metric("meridian_open_positions", "gauge", "Open positions.", d(snap->positions.size()));
  if (ctx.http_stats && ctx.http_stats->ws) {
    metric("meridian_ws_clients", "gauge", "WebSocket clients connected.", d(ctx.http_stats->ws->clients()));
    metric("meridian_ws_slow_closed_total", "counter", "WebSocket clients closed with 1008 for falling behind.",
           d(ctx.http_stats->ws->slow_clients_closed()));
    metric("meridian_ws_messages_sent_total", "counter", "WebSocket messages written to clients.",
           d(ctx.http_stats->ws->messages_sent()));
    metric("meridian_ws_bytes_sent_total", "counter", "WebSocket message payload bytes written to clients.",
           d(ctx.http_stats->ws->bytes_sent()));
  }
  append_latency_metrics(out, router, ctx);

  HttpResponse res{http::status::ok, req.raw.version()};
  add_common_headers(res);
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.raw.keep_alive());
  res.body() = std::move(out);
  res.prepare_payload();
  reply(std::move(res));
}

}  // namespace

void add_system_routes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](const Request& req, Reply reply) { health(ctx, req, reply); };
  router.add({http::verb::get, "/health", Role::anonymous, "Liveness and readiness", h});
  router.add({http::verb::get, "/api/health", Role::anonymous, "Liveness and readiness", h});
  // For Prometheus: loopback callers, or anyone with the metrics token (auth_gate.hpp's scrape rule).
  router.add({http::verb::get, "/metrics", Role::anonymous, "Prometheus metrics",
              [&router, &ctx](const Request& req, Reply reply) { metrics(router, ctx, req, reply); }, true});
  // Public, as the API's documentation (/docs) is: it names routes and roles, never data. Built
  // once, at the first request (every route is in the table by then: routes are only added
  // before the server starts), and served as the same bytes after.
  auto document = std::make_shared<OpenApiCache>();
  router.add({http::verb::get, "/api/openapi.json", Role::anonymous,
              "OpenAPI 3.1 document of every route: parameters, role, request and response schemas",
              [&router, &ctx, document](const Request& req, Reply reply) {
                std::call_once(document->once, [&] { document->body = openapi_document(router, ctx.version).dump(); });
                reply(json_response(req, http::status::ok, document->body));
              }});
  router.add({http::verb::get, "/api/status", Role::viewer, "API status and engine state",
              [&ctx](const Request& req, Reply reply) {
                auto snap = ctx.snapshot();
                nlohmann::json body{{"status", "ok"},
                                    {"service", "meridiand"},
                                    {"version", ctx.version},
                                    {"time", core::to_iso8601(core::now())},
                                    {"uptime_s", seconds_since(ctx.started_at)},
                                    {"engine",
                                     {{"state", engine::to_string(snap->session.state)},
                                      {"mode", engine::to_string(snap->mode)},
                                      {"symbols", ctx.instruments.size()}}},
                                    {"read_only", !ctx.recovery.read_only_reason.empty()},
                                    {"journal",
                                     {{"backlog", snap->counters.journal_backlog},
                                      {"dead_letters_pending", ctx.writer.health().dead_letters_pending},
                                      {"full", snap->counters.journal_full},
                                      {"entries_paused", snap->counters.entries_paused}}},
                                    {"recovery", recovery_json(ctx.recovery)}};
                reply(json_response(req, http::status::ok, body));
              }});
}

}  // namespace meridian::api
