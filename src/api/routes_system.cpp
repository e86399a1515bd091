#include <nlohmann/json.hpp>

#include "meridian/api/routes.hpp"

namespace meridian::api {

namespace {
double seconds_since(core::Timestamp t) {
  return std::chrono::duration<double>(core::now() - t).count();
}

void health(ApiContext& ctx, const Request& req, const Reply& reply) {
  auto snap = ctx.snapshot();
  const auto db = ctx.writer.health();
  const auto feed = ctx.runner.feed_health();
  const auto age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(core::now() - snap->published_at).count();
  const char* db_status = !db.enabled ? "disabled" : (db.connected || db.failures == 0 ? "ok" : "down");
  const bool engine_ok = age_ms < 5000;
  // A database outage degrades (the engine trades on, the journal buffers); a dead feed
  // or a stuck engine makes the daemon unfit for traffic.
  const char* overall =
      !engine_ok || !feed.connected ? "down" : (std::string_view(db_status) == "down" ? "degraded" : "ok");
  nlohmann::json body{
      {"status", overall},
      {"version", ctx.version},
      {"uptime_s", seconds_since(ctx.started_at)},
      {"time", core::to_iso8601(core::now())},
      {"checks",
       {{"database",
         {{"status", db_status},
          {"connected", db.connected},
          {"commits", db.commits},
          {"failures", db.failures},
          {"last_error", db.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(db.last_error)}}},
        {"feed", {{"status", feed.connected ? "ok" : "down"}, {"name", "simulated"}, {"ticks", feed.ticks}}},
        {"engine",
         {{"status", engine_ok ? "ok" : "down"},
          {"state", engine::to_string(snap->session.state)},
          {"snapshot_age_ms", age_ms}}}}}};
  reply(json_response(req, std::string_view(overall) == "down" ? http::status::service_unavailable : http::status::ok,
                      body));
}
}  // namespace

void add_system_routes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](const Request& req, Reply reply) { health(ctx, req, reply); };
  router.add({http::verb::get, "/health", Role::anonymous, "Liveness and readiness", h});
  router.add({http::verb::get, "/api/health", Role::anonymous, "Liveness and readiness", h});
  router.add({http::verb::get, "/api/status", Role::anonymous, "API status and engine state",
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
                                      {"symbols", ctx.instruments.size()}}}};
                reply(json_response(req, http::status::ok, body));
              }});
}

}  // namespace meridian::api
