// GET /api/stats (admin; seed 002): the daemon's operating figures in one JSON document, from
// counters the hot paths keep without locks (route_stats.hpp, core/latency_histogram.hpp), the
// engine's snapshot, the journal writer and the process. And the same histograms for /metrics.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <mutex>

#include "meridian/api/http_server.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/ws_hub.hpp"
#include "process_stats.hpp"
#include "stats_metrics.hpp"

namespace meridian::api {

namespace {

double ms(std::uint64_t us) {
  return static_cast<double>(us) / 1000.0;
}

nlohmann::json latency_json(const core::LatencyHistogram::View& v) {
  return {{"count", v.count},
          {"p50", ms(v.quantile_us(0.50))},
          {"p90", ms(v.quantile_us(0.90))},
          {"p99", ms(v.quantile_us(0.99))},
          {"max", ms(v.max_us)},
          {"mean", v.count ? ms(v.sum_us) / static_cast<double>(v.count) : 0.0}};
}

nlohmann::json slot_json(const RouteStats::Slot& slot) {
  const auto latency = slot.latency.view();
  nlohmann::json status = nlohmann::json::object();
  for (std::size_t i = 0; i < slot.status.size(); ++i)
    status[std::to_string(i + 1) + "xx"] = slot.status[i].load(std::memory_order_relaxed);
  return {{"requests", latency.count}, {"status", std::move(status)}, {"latency_ms", latency_json(latency)}};
}

// Ticks per second over the interval since the previous sample (at least a second old), the
// first one since start: /api/stats is read by people and dashboards, not per tick.
class TickRate {
 public:
  double sample(std::uint64_t ticks) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    const std::chrono::duration<double> elapsed = now - at_;
    if (elapsed >= std::chrono::seconds(1)) {
      rate_ = static_cast<double>(ticks - ticks_) / elapsed.count();
      ticks_ = ticks;
      at_ = now;
    }
    return rate_;
  }

 private:
  std::mutex mutex_;
  std::uint64_t ticks_ = 0;
  std::chrono::steady_clock::time_point at_ = std::chrono::steady_clock::now();
  double rate_ = 0;
};

void stats(const Router& router, ApiContext& ctx, TickRate& tick_rate, const Request& req, const Reply& reply) {
  const auto snap = ctx.snapshot();
  const double uptime = std::chrono::duration<double>(core::now() - ctx.started_at).count();
  nlohmann::json http_json = nlohmann::json::object();
  if (const auto* server = ctx.http_stats) {
    nlohmann::json routes = nlohmann::json::array();
    const auto& table = router.routes();
    for (std::size_t i = 0; i < table.size() && i < server->routes.routes(); ++i) {
      auto entry = slot_json(server->routes.slot(i));
      entry["method"] = std::string(http::to_string(table[i].method));
      entry["route"] = table[i].pattern;
      routes.push_back(std::move(entry));
    }
    http_json = {{"requests", server->requests.load(std::memory_order_relaxed)},
                 {"client_errors", server->client_errors.load(std::memory_order_relaxed)},
                 {"server_errors", server->server_errors.load(std::memory_order_relaxed)},
                 {"routes", std::move(routes)},
                 {"unrouted", slot_json(server->routes.slot(server->routes.unrouted()))}};
  }
  const auto db = ctx.writer.health();
  std::uint64_t dropped = 0;
  for (const auto& f : snap->feeds) dropped += f.health.dropped;
  const auto process = process_stats();
  nlohmann::json body{
      {"time", core::to_iso8601(core::now())},
      {"uptime_s", uptime},
      {"http", std::move(http_json)},
      {"websocket",
       {{"clients", ctx.ws_hub ? nlohmann::json(ctx.ws_hub->clients()) : nlohmann::json(nullptr)},
        {"slow_clients_closed",
         ctx.ws_hub ? nlohmann::json(ctx.ws_hub->slow_clients_closed()) : nlohmann::json(nullptr)},
        {"messages_sent", ctx.ws_hub ? nlohmann::json(ctx.ws_hub->messages_sent()) : nlohmann::json(nullptr)},
        {"bytes_sent", ctx.ws_hub ? nlohmann::json(ctx.ws_hub->bytes_sent()) : nlohmann::json(nullptr)}}},
      {"engine",
       {{"state", engine::to_string(snap->session.state)},
        {"ticks", snap->counters.ticks},
        {"ticks_per_s", tick_rate.sample(snap->counters.ticks)},
        {"ticks_per_s_since_start", uptime > 0 ? static_cast<double>(snap->counters.ticks) / uptime : 0.0},
        {"feed_dropped_ticks", dropped},
        {"bars", snap->counters.bars},
        {"signals", snap->counters.signals},
        {"orders", snap->counters.orders}}},
      {"journal",
       {{"backlog", snap->counters.journal_backlog},
        {"full", snap->counters.journal_full},
        {"commits", db.commits},
        {"records", db.records},
        {"failures", db.failures},
        {"commit_latency_ms", latency_json(ctx.writer.commit_latency().view())}}},
      {"process",
       {{"cpu_user_s", process.cpu_user_s},
        {"cpu_system_s", process.cpu_system_s},
        {"rss_bytes", process.rss_bytes},
        {"max_rss_bytes", process.max_rss_bytes},
        {"open_fds", process.open_fds},
        {"threads", process.threads}}}};
  reply(json_response(req, http::status::ok, body));
}

void append_histogram(std::string& out, const char* name, const std::string& labels,
                      const core::LatencyHistogram::View& v) {
  char buf[64];
  std::uint64_t cumulative = 0;
  const std::string open = labels.empty() ? "{" : "{" + labels + ",";
  for (std::size_t i = 0; i < core::LatencyHistogram::kBounded; ++i) {
    cumulative += v.buckets[i];
    std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(core::LatencyHistogram::upper_bound_us(i)) / 1e6);
    out += std::string(name) + "_bucket" + open + "le=\"" + buf + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += std::string(name) + "_bucket" + open + "le=\"+Inf\"} " + std::to_string(v.count) + "\n";
  std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(v.sum_us) / 1e6);
  const std::string closed = labels.empty() ? "" : "{" + labels + "}";
  out += std::string(name) + "_sum" + closed + " " + buf + "\n";
  out += std::string(name) + "_count" + closed + " " + std::to_string(v.count) + "\n";
}

}  // namespace

void append_latency_metrics(std::string& out, const Router& router, const ApiContext& ctx) {
  if (const auto* server = ctx.http_stats) {
    const auto& table = router.routes();
    const auto& routes = server->routes;
    out +=
        "# HELP meridian_http_request_duration_seconds Time from a request read to its response handed to the "
        "socket, by route (routes that answered at least once; route=\"unrouted\": static files, 404, 405).\n"
        "# TYPE meridian_http_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i <= routes.routes(); ++i) {
      const auto view = routes.slot(i).latency.view();
      if (view.count == 0) continue;
      const std::string labels =
          i < table.size() && i < routes.routes()
              ? "method=\"" + std::string(http::to_string(table[i].method)) + "\",route=\"" + table[i].pattern + "\""
              : std::string("method=\"\",route=\"unrouted\"");
      append_histogram(out, "meridian_http_request_duration_seconds", labels, view);
    }
  }
  out +=
      "# HELP meridian_journal_commit_duration_seconds Time to write and commit one journal batch (default "
      "portfolio).\n"
      "# TYPE meridian_journal_commit_duration_seconds histogram\n";
  append_histogram(out, "meridian_journal_commit_duration_seconds", "", ctx.writer.commit_latency().view());
  out +=
      "# HELP meridian_tick_to_fill_seconds From the engine taking the ticks a strategy decided on to that order's "
      "first fill applied (every portfolio; paper fills include the simulated latency).\n"
      "# TYPE meridian_tick_to_fill_seconds histogram\n";
  append_histogram(out, "meridian_tick_to_fill_seconds", "", ctx.runner.tick_to_fill().view());
}

void add_stats_routes(Router& router, ApiContext& ctx) {
  auto tick_rate = std::make_shared<TickRate>();
  router.add(
      {http::verb::get, "/api/stats", Role::admin,
       "Operating figures: requests and latency by route, WebSocket clients, engine ticks/s, journal "
       "backlog and commit latency, process CPU/RSS/fds, uptime",
       [&router, &ctx, tick_rate](const Request& req, Reply reply) { stats(router, ctx, *tick_rate, req, reply); }});
}

}  // namespace meridian::api
