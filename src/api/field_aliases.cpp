#include "field_aliases.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

namespace meridian::api {

namespace {
struct FieldAlias {
  std::string_view alias;      // as seed 002's clients send it
  std::string_view canonical;  // as Meridian's routes read it
};

// Keep docs/api-shapes.md's "Seed 002 field aliases" table in step with this one.
constexpr FieldAlias kAliases[] = {
    {"action", "side"},                                // POST /api/trade
    {"orderType", "type"},                             // POST /api/trade
    {"timeInForce", "time_in_force"},                  // POST /api/trade
    {"limitPrice", "limit_price"},                     // POST /api/trade, order replace
    {"stopPrice", "stop_price"},                       // POST /api/trade, order replace
    {"stopLoss", "stop_loss"},                         // POST /api/trade
    {"takeProfit", "take_profit"},                     // POST /api/trade
    {"trailAmount", "trail_amount"},                   // POST /api/trade
    {"trailPercent", "trail_percent"},                 // POST /api/trade
    {"clientOrderId", "client_order_id"},              // POST /api/trade
    {"portfolioId", "portfolio_id"},                   // POST /api/trade, risk limits
    {"initialCapital", "initial_capital"},             // POST /api/portfolios
    {"maxPositionSize", "max_position_size"},          // POST /api/risk/limits/{id}
    {"maxPositionNotional", "max_position_notional"},  // POST /api/risk/limits/{id}
    {"maxOrderQuantity", "max_order_quantity"},        // POST /api/risk/limits/{id}
    {"maxOrderNotional", "max_order_notional"},        // POST /api/risk/limits/{id}
    {"maxOpenPositions", "max_open_positions"},        // POST /api/risk/limits/{id}
    {"maxGrossExposure", "max_gross_exposure"},        // POST /api/risk/limits/{id}
    {"maxDailyLoss", "max_daily_loss"},                // POST /api/risk/limits/{id}
    {"maxDrawdown", "max_drawdown"},                   // POST /api/risk/limits/{id}
    {"maxOrdersPerMinute", "max_orders_per_minute"},   // POST /api/risk/limits/{id}
    {"priceBand", "price_band"},                       // POST /api/risk/limits/{id}
};
}  // namespace

std::optional<ApiError> apply_field_aliases(nlohmann::json& body) {
  if (!body.is_object()) return std::nullopt;
  for (const auto& [alias, canonical] : kAliases) {
    auto it = body.find(alias);
    if (it == body.end()) continue;
    const std::string name(canonical);
    if (body.contains(name))
      return field_error(canonical, std::string(alias) + " and " + name + " name the same field: send one of them",
                         http::status::unprocessable_entity, "invalid_field", {{"alias", alias}});
    auto value = std::move(*it);
    body.erase(it);
    body[name] = std::move(value);
  }
  return std::nullopt;
}

}  // namespace meridian::api
