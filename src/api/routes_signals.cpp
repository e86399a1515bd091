#include <nlohmann/json.hpp>

#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "query.hpp"

namespace meridian::api {

namespace {

// The in-memory log, newest first: limit, `before` (id cursor) and `symbol` filters.
void signal_log(ApiContext& ctx, const Request& req, const Reply& reply) {
  auto limit = int_param(req, "limit", 1, 5000, 100);
  if (auto* err = std::get_if<HttpResponse>(&limit)) return reply(std::move(*err));
  auto before = int_param(req, "before", 1, std::numeric_limits<long long>::max(), 0);
  if (auto* err = std::get_if<HttpResponse>(&before)) return reply(std::move(*err));
  std::optional<core::SymbolId> symbol;
  if (auto name = req.query_value("symbol")) {
    symbol = ctx.instruments.find(*name);
    if (!symbol) return reply(unknown_symbol(req, *name));
  }
  const auto max = static_cast<std::size_t>(std::get<long long>(limit));
  const auto cursor = static_cast<std::uint64_t>(std::get<long long>(before));
  auto snap = ctx.snapshot();
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json next = nullptr;
  for (auto it = snap->signals->rbegin(); it != snap->signals->rend(); ++it) {
    if ((cursor && it->id >= cursor) || (symbol && it->signal.symbol != *symbol)) continue;
    if (items.size() == max) {
      next = items.back()["id"];
      break;
    }
    items.push_back(signal_json(*it, ctx.instruments));
  }
  reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", std::move(next)}}));
}

// The latest signal of every symbol that has one (seed 003's "active signals").
void active_signals(ApiContext& ctx, const Request& req, const Reply& reply) {
  auto snap = ctx.snapshot();
  std::vector<const engine::SignalEntry*> latest(ctx.instruments.size(), nullptr);
  for (const auto& e : *snap->signals) latest[e.signal.symbol] = &e;
  nlohmann::json items = nlohmann::json::array();
  for (const auto* e : latest)
    if (e) items.push_back(signal_json(*e, ctx.instruments));
  reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", nullptr}}));
}

void latest_for_symbol(ApiContext& ctx, const Request& req, const Reply& reply) {
  const auto name = req.param("symbol");
  auto id = ctx.instruments.find(name);
  if (!id) return reply(unknown_symbol(req, name));
  auto snap = ctx.snapshot();
  nlohmann::json signal = nullptr;
  for (auto it = snap->signals->rbegin(); it != snap->signals->rend(); ++it) {
    if (it->signal.symbol == *id) {
      signal = signal_json(*it, ctx.instruments);
      break;
    }
  }
  reply(json_response(req, http::status::ok,
                      nlohmann::json{{"symbol", ctx.instruments.at(*id).symbol}, {"signal", std::move(signal)}}));
}

}  // namespace

void add_signal_routes(Router& router, ApiContext& ctx) {
  auto log = [&ctx](const Request& req, Reply reply) { signal_log(ctx, req, reply); };
  router.add({http::verb::get, "/api/engine/signals", Role::viewer, "Signal log, newest first (last 500)", log});
  router.add({http::verb::get, "/signals/history", Role::viewer, "Signal log, newest first (last 500)", log});
  router.add({http::verb::get, "/api/engine/signals/{symbol}", Role::viewer, "Latest signal for one symbol",
              [&ctx](const Request& req, Reply reply) { latest_for_symbol(ctx, req, reply); }});
  router.add({http::verb::get, "/signals", Role::viewer, "Latest signal per symbol",
              [&ctx](const Request& req, Reply reply) { active_signals(ctx, req, reply); }});
}

}  // namespace meridian::api
