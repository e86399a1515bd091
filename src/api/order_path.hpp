#pragma once
// The one path an order takes from the API into a portfolio's engine: POST /api/trade's, and
// POST /api/ai/decision/execute's (routes_ai.cpp). The request is validated as POST /api/trade
// validates it (execution::validate, every price times the quantity within the ledger), then
// submitted on the engine strand, where the risk checks run (a refusal: 422 risk_denied, the
// engine's own error), and answered once its journal records are durable or after a second
// ("durable": false: a crash may then lose the order).
#include <functional>
#include <nlohmann/json.hpp>

#include "meridian/api/api_context.hpp"
#include "meridian/api/api_error.hpp"
#include "meridian/execution/order.hpp"

namespace meridian::api {

struct PlacedOrder {
  execution::Order order;
  nlohmann::json body;     // the order as POST /api/trade answers it, with "duplicate" and "durable"
  bool duplicate = false;  // the client_order_id named an order placed before: that order
};

// `done` runs once, on the engine strand or the journal writer's thread (never blocks there).
void submit_order(ApiContext& ctx, engine::PortfolioId portfolio, execution::OrderRequest request,
                  std::function<void(ApiResult<PlacedOrder>)> done);

}  // namespace meridian::api
