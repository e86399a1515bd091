#include <nlohmann/json.hpp>

#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "query.hpp"

namespace meridian::api {

namespace {

void symbols(ApiContext& ctx, const Request& req, const Reply& reply) {
  auto snap = ctx.snapshot();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& inst : ctx.instruments.all()) {
    const auto& view = snap->symbols[inst.id];
    items.push_back(
        {{"symbol", inst.symbol},
         {"venue", inst.venue},
         {"asset_class", core::to_string(inst.asset_class)},
         {"currency", inst.currency},
         {"price_decimals", inst.price_decimals},
         {"qty_decimals", inst.qty_decimals},
         {"last_price", view.has_tick ? nlohmann::json(view.last.last.to_double()) : nlohmann::json(nullptr)}});
  }
  reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", nullptr}}));
}

void candles(ApiContext& ctx, const Request& req, const Reply& reply) {
  const auto name = req.param("symbol");
  auto id = ctx.instruments.find(name);
  if (!id) return reply(unknown_symbol(req, name));
  auto limit = int_param(req, "limit", 1, 5000, 100);
  if (auto* err = std::get_if<HttpResponse>(&limit)) return reply(std::move(*err));
  if (auto tf = req.query_value("timeframe"); tf && *tf != "1m") {
    nlohmann::json details{{"field", "timeframe"}, {"value", *tf}, {"allowed", {"1m"}}};
    return reply(error_response(req, http::status::bad_request, "invalid_parameter",
                                "timeframe must be 1m (other timeframes arrive with the market-data work)", &details));
  }
  auto snap = ctx.snapshot();
  const auto& bars = *snap->bars[*id];
  const auto n = std::min(bars.size(), static_cast<std::size_t>(std::get<long long>(limit)));
  nlohmann::json items = nlohmann::json::array();
  for (auto it = bars.end() - static_cast<std::ptrdiff_t>(n); it != bars.end(); ++it) items.push_back(candle_json(*it));
  const auto& view = snap->symbols[*id];
  reply(
      json_response(req, http::status::ok,
                    nlohmann::json{{"symbol", ctx.instruments.at(*id).symbol},
                                   {"timeframe", "1m"},
                                   {"items", std::move(items)},
                                   {"partial", view.has_partial ? candle_json(view.partial) : nlohmann::json(nullptr)},
                                   {"next", nullptr}}));
}

}  // namespace

void add_market_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get, "/api/symbols", Role::viewer, "Configured symbols",
              [&ctx](const Request& req, Reply reply) { symbols(ctx, req, reply); }});
  router.add({http::verb::get, "/api/market/{symbol}", Role::viewer, "OHLCV candles (1m)",
              [&ctx](const Request& req, Reply reply) { candles(ctx, req, reply); }});
}

}  // namespace meridian::api
